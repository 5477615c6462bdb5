// $rows: [{source, target, strength}] whose source is one of our employees.
// An influence is identified by (source, target); a re-import updates its strength.
UNWIND $rows AS r
MATCH (s:Employee {id: r.source})
MATCH (t:KeyPerson {id: r.target})
MERGE (s)-[i:INFLUENCES_EXTERNAL]->(t)
SET i.strength = r.strength

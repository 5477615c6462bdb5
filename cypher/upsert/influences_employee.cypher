// $rows: [[source, target, strength]] whose source is one of our employees.
// An influence is identified by (source, target); a re-import updates its strength.
UNWIND $rows AS r
MATCH (s:Employee {id: r[0]})
MATCH (t:KeyPerson {id: r[1]})
MERGE (s)-[i:INFLUENCES_EXTERNAL]->(t)
SET i.strength = r[2]

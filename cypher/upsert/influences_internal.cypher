// $rows: [{source, target, strength}] whose source is a key person (internal influence).
// An influence is identified by (source, target); a re-import updates its strength.
UNWIND $rows AS r
MATCH (s:KeyPerson {id: r.source})
MATCH (t:KeyPerson {id: r.target})
MERGE (s)-[i:INFLUENCES_INTERNAL]->(t)
SET i.strength = r.strength

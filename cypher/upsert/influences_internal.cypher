// $rows: [[source, target, strength]] whose source is a key person (internal influence).
// An influence is identified by (source, target); a re-import updates its strength.
UNWIND $rows AS r
MATCH (s:KeyPerson {id: r[0]})
MATCH (t:KeyPerson {id: r[1]})
MERGE (s)-[i:INFLUENCES_INTERNAL]->(t)
SET i.strength = r[2]

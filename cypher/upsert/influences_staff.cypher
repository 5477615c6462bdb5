// $rows: [[source, target, strength]] whose source is a competitor's staff member.
// An influence is identified by (source, target); a re-import updates its strength.
UNWIND $rows AS r
MATCH (s:CompetitorStaff {id: r[0]})
MATCH (t:KeyPerson {id: r[1]})
MERGE (s)-[i:INFLUENCES_EXTERNAL]->(t)
SET i.strength = r[2]

// $rows: [[id, name, competitor]] — staff that may already exist:
// (:CompetitorStaff)-[:WORKS_FOR]->(:Competitor), replaced.
UNWIND $rows AS r
MATCH (k:Competitor {id: r[2]})
MERGE (n:CompetitorStaff {id: r[0]})
SET n.name = r[1]
WITH n, k
CALL (n) {
  MATCH (n)-[old:WORKS_FOR]->()
  DELETE old
}
CREATE (n)-[:WORKS_FOR]->(k)

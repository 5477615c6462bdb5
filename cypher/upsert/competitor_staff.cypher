// $rows: [{id, name, competitor}] — (:CompetitorStaff)-[:WORKS_FOR]->(:Competitor), replaced
UNWIND $rows AS r
MATCH (k:Competitor {id: r.competitor})
MERGE (n:CompetitorStaff {id: r.id})
SET n.name = r.name
WITH n, k
CALL (n) {
  MATCH (n)-[old:WORKS_FOR]->()
  DELETE old
}
CREATE (n)-[:WORKS_FOR]->(k)

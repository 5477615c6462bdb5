// First load into an empty store (Neo4jStore._load_empty): as create/projects.cypher; rows: [[id, customer's
// internal id, name, status, stage, amount, close_date, [[person's internal id, role, pos]],
// [[competitor's internal id, pos]]]].
UNWIND $rows AS r
MATCH (c) WHERE id(c) = r[1]
CREATE (j:Project {id: r[0], name: r[2], status: r[3], stage: r[4], amount: r[5], close_date: r[6]})-[:FOR]->(c)
WITH j, r
CALL (j, r) {
  UNWIND r[7] AS m
  MATCH (p) WHERE id(p) = m[0]
  CREATE (p)-[:IN_CHAIN {role: m[1], pos: m[2]}]->(j)
}
CALL (j, r) {
  UNWIND r[8] AS x
  MATCH (k) WHERE id(k) = x[0]
  CREATE (k)-[:BIDS_ON {pos: x[1]}]->(j)
}

// $rows: [[id, customer, name, status, stage, amount, close_date (date or null),
//          chain: [[person, role, pos]], competitors: [[id, pos]]]] — projects that may exist.
// (:Project)-[:FOR]->(:Customer), (:KeyPerson)-[:IN_CHAIN {role, pos}]->(:Project),
// (:Competitor)-[:BIDS_ON {pos}]->(:Project): all three replaced by the file's.
// `pos` keeps the order of the file's decision_chain and competitors lists.
UNWIND $rows AS r
MATCH (c:Customer {id: r[1]})
MERGE (j:Project {id: r[0]})
SET j.name = r[2], j.status = r[3], j.stage = r[4],
    j.amount = r[5], j.close_date = r[6]
WITH j, c, r
CALL (j) {
  MATCH (j)-[old:FOR]->()
  DELETE old
}
CALL (j) {
  MATCH ()-[old:IN_CHAIN|BIDS_ON]->(j)
  DELETE old
}
CREATE (j)-[:FOR]->(c)
WITH j, r
CALL (j, r) {
  UNWIND r[7] AS m
  MATCH (p:KeyPerson {id: m[0]})
  CREATE (p)-[:IN_CHAIN {role: m[1], pos: m[2]}]->(j)
}
CALL (j, r) {
  UNWIND r[8] AS x
  MATCH (k:Competitor {id: x[0]})
  CREATE (k)-[:BIDS_ON {pos: x[1]}]->(j)
}

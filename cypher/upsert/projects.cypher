// $rows: [{id, customer, name, status, stage, amount, close_date (date or null),
//          chain: [{person, role, pos}], competitors: [{id, pos}]}]
// (:Project)-[:FOR]->(:Customer), (:KeyPerson)-[:IN_CHAIN {role, pos}]->(:Project),
// (:Competitor)-[:BIDS_ON {pos}]->(:Project): all three replaced by the file's.
// `pos` keeps the order of the file's decision_chain and competitors lists.
UNWIND $rows AS r
MATCH (c:Customer {id: r.customer})
MERGE (j:Project {id: r.id})
SET j.name = r.name, j.status = r.status, j.stage = r.stage,
    j.amount = r.amount, j.close_date = r.close_date
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
  UNWIND r.chain AS m
  MATCH (p:KeyPerson {id: m.person})
  CREATE (p)-[:IN_CHAIN {role: m.role, pos: m.pos}]->(j)
}
CALL (j, r) {
  UNWIND r.competitors AS x
  MATCH (k:Competitor {id: x.id})
  CREATE (k)-[:BIDS_ON {pos: x.pos}]->(j)
}

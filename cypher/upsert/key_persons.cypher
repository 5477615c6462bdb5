// $rows: [{id, customer, name, title, department, closeness, solution_acceptance,
//          price_acceptance, veto, approver}] — (:KeyPerson)-[:WORKS_AT]->(:Customer), replaced.
// REPORTS_TO is written afterwards by upsert/reports_to.cypher (superiors may come later).
UNWIND $rows AS r
MATCH (c:Customer {id: r.customer})
MERGE (n:KeyPerson {id: r.id})
SET n.name = r.name, n.title = r.title, n.department = r.department,
    n.closeness = r.closeness, n.solution_acceptance = r.solution_acceptance,
    n.price_acceptance = r.price_acceptance, n.veto = r.veto, n.approver = r.approver
WITH n, c
CALL (n) {
  MATCH (n)-[old:WORKS_AT]->()
  DELETE old
}
CREATE (n)-[:WORKS_AT]->(c)

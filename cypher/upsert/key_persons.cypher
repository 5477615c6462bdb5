// $rows: [[id, customer, name, title, department, closeness, solution_acceptance,
//          price_acceptance, veto, approver]] — key persons that may already exist:
// (:KeyPerson)-[:WORKS_AT]->(:Customer), replaced.
// REPORTS_TO is written afterwards by upsert/reports_to.cypher (superiors may come later).
UNWIND $rows AS r
MATCH (c:Customer {id: r[1]})
MERGE (n:KeyPerson {id: r[0]})
SET n.name = r[2], n.title = r[3], n.department = r[4],
    n.closeness = r[5], n.solution_acceptance = r[6],
    n.price_acceptance = r[7], n.veto = r[8], n.approver = r[9]
WITH n, c
CALL (n) {
  MATCH (n)-[old:WORKS_AT]->()
  DELETE old
}
CREATE (n)-[:WORKS_AT]->(c)

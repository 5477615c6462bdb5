// $rows: [[id, reports_to (id or null)]] — replaces a stored person's
// (:KeyPerson)-[:REPORTS_TO]->(superior)
UNWIND $rows AS r
MATCH (n:KeyPerson {id: r[0]})
CALL (n) {
  MATCH (n)-[old:REPORTS_TO]->()
  DELETE old
}
WITH n, r
WHERE r[1] IS NOT NULL
MATCH (b:KeyPerson {id: r[1]})
CREATE (n)-[:REPORTS_TO]->(b)

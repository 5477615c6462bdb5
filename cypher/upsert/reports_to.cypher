// $rows: [{id, reports_to (id or null)}] — replaces the person's (:KeyPerson)-[:REPORTS_TO]->(superior)
UNWIND $rows AS r
MATCH (n:KeyPerson {id: r.id})
CALL (n) {
  MATCH (n)-[old:REPORTS_TO]->()
  DELETE old
}
WITH n, r
WHERE r.reports_to IS NOT NULL
MATCH (b:KeyPerson {id: r.reports_to})
CREATE (n)-[:REPORTS_TO]->(b)

// $ids: [id] — the stored key persons with those ids, with customer and superior.
UNWIND $ids AS id
MATCH (n:KeyPerson {id: id})-[:WORKS_AT]->(c:Customer)
OPTIONAL MATCH (n)-[:REPORTS_TO]->(b:KeyPerson)
RETURN n {.*, customer: c.id, reports_to: b.id} AS n

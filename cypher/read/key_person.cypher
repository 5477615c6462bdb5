// $id: one key person with their customer and superior (no row: unknown id).
MATCH (n:KeyPerson {id: $id})-[:WORKS_AT]->(c:Customer)
OPTIONAL MATCH (n)-[:REPORTS_TO]->(b:KeyPerson)
RETURN n {.*, customer: c.id, reports_to: b.id} AS n

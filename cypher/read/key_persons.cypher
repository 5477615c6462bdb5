// All key persons with their customer and superior.
MATCH (n:KeyPerson)-[:WORKS_AT]->(c:Customer)
OPTIONAL MATCH (n)-[:REPORTS_TO]->(b:KeyPerson)
RETURN n {.*, customer: c.id, reports_to: b.id} AS n
ORDER BY n.id

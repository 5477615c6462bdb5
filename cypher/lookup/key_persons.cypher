// $ids: [id] — of those ids that are stored key persons, and of every superior up their
// stored reporting chains: the customer and the superior (import validation: customers
// of referenced persons, reports_to cycles through stored persons).
UNWIND $ids AS id
MATCH (:KeyPerson {id: id})-[:REPORTS_TO*0..]->(n:KeyPerson)
WITH DISTINCT n
OPTIONAL MATCH (n)-[:WORKS_AT]->(c:Customer)
OPTIONAL MATCH (n)-[:REPORTS_TO]->(b:KeyPerson)
RETURN n.id AS id, c.id AS customer, b.id AS reports_to

// Every stored id with its kind; key persons also with their customer and superior
// (import validation against the store, run inside the import transaction).
MATCH (n:Customer) RETURN n.id AS id, 'customer' AS kind, null AS customer, null AS reports_to
UNION ALL
MATCH (n:Employee) RETURN n.id AS id, 'employee' AS kind, null AS customer, null AS reports_to
UNION ALL
MATCH (n:Competitor) RETURN n.id AS id, 'competitor' AS kind, null AS customer, null AS reports_to
UNION ALL
MATCH (n:CompetitorStaff) RETURN n.id AS id, 'competitor staff member' AS kind, null AS customer, null AS reports_to
UNION ALL
MATCH (n:Project) RETURN n.id AS id, 'project' AS kind, null AS customer, null AS reports_to
UNION ALL
MATCH (n:KeyPerson)
OPTIONAL MATCH (n)-[:WORKS_AT]->(c:Customer)
OPTIONAL MATCH (n)-[:REPORTS_TO]->(b:KeyPerson)
RETURN n.id AS id, 'key person' AS kind, c.id AS customer, b.id AS reports_to

// First load into an empty store (Neo4jStore._load_empty): as create/key_persons.cypher; rows: [[id, customer's
// internal id, name, title, department, closeness, solution_acceptance, price_acceptance,
// veto, approver]]; returns the new nodes' internal ids.
UNWIND $rows AS r
MATCH (c) WHERE id(c) = r[1]
CREATE (n:KeyPerson {id: r[0], name: r[2], title: r[3], department: r[4],
                     closeness: r[5], solution_acceptance: r[6], price_acceptance: r[7],
                     veto: r[8], approver: r[9]})-[:WORKS_AT]->(c)
RETURN collect([r[0], id(n)]) AS ids

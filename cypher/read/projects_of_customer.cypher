// $customer: the projects of one customer, as in read/projects.cypher.
MATCH (j:Project)-[:FOR]->(c:Customer {id: $customer})
RETURN j {.*, customer: c.id,
  decision_chain: COLLECT { MATCH (m:KeyPerson)-[r:IN_CHAIN]->(j) WITH m, r ORDER BY r.pos RETURN {person: m.id, role: r.role} },
  competitors: COLLECT { MATCH (k:Competitor)-[b:BIDS_ON]->(j) WITH k, b ORDER BY b.pos RETURN k.id }
} AS j
ORDER BY j.id

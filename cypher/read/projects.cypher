// All projects with customer, decision chain (file order) and competitors (file order).
MATCH (j:Project)-[:FOR]->(c:Customer)
RETURN j {.*, customer: c.id,
  decision_chain: COLLECT { MATCH (m:KeyPerson)-[r:IN_CHAIN]->(j) WITH m, r ORDER BY r.pos RETURN {person: m.id, role: r.role} },
  competitors: COLLECT { MATCH (k:Competitor)-[b:BIDS_ON]->(j) WITH k, b ORDER BY b.pos RETURN k.id }
} AS j
ORDER BY j.id

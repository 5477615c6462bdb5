// $ids: [id] — the stored projects with those ids, as in read/projects.cypher.
UNWIND $ids AS id
MATCH (j:Project {id: id})-[:FOR]->(c:Customer)
RETURN j {.*, customer: c.id,
  decision_chain: COLLECT { MATCH (m:KeyPerson)-[r:IN_CHAIN]->(j) WITH m, r ORDER BY r.pos RETURN {person: m.id, role: r.role} },
  competitors: COLLECT { MATCH (k:Competitor)-[b:BIDS_ON]->(j) WITH k, b ORDER BY b.pos RETURN k.id }
} AS n

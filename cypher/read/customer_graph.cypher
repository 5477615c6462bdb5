// $ids: [customer id] — per customer found, one row with everything the analyses need
// (docs/spec.md, analyses), as maps with named keys (Neo4jStore._customer_graphs):
//   customer:  the customer's properties
//   persons:   [key person's properties plus reports_to,
//               influences: [{source, strength, source_kind (0 key person, 1 employee, 2 staff)}],
//               interactions: [{employee, date (ISO text: cheaper than a Date to decode), kind}]]
//   projects:  [project's properties plus decision_chain [[person, role]] (file order),
//               competitors [id] (file order)]
// The employees, staff and competitors behind those ids: read/customer_graph_sources.cypher.
// An unknown customer has no row. The caller sorts the lists.
UNWIND $ids AS cid
MATCH (c:Customer {id: cid})
RETURN c {.*} AS customer,
  COLLECT {
    MATCH (p:KeyPerson)-[:WORKS_AT]->(c)
    RETURN p {.*,
      reports_to: COLLECT { MATCH (p)-[:REPORTS_TO]->(b:KeyPerson) RETURN b.id }[0],
      influences: COLLECT { MATCH (s)-[i:INFLUENCES_INTERNAL|INFLUENCES_EXTERNAL]->(p)
                            RETURN {source: s.id, strength: i.strength,
                                    source_kind: CASE WHEN s:KeyPerson THEN 0 WHEN s:Employee THEN 1 ELSE 2 END} },
      interactions: COLLECT { MATCH (e:Employee)-[x:INTERACTED]->(p)
                              RETURN {employee: e.id, date: toString(x.date), kind: x.kind} }}
  } AS persons,
  COLLECT {
    MATCH (j:Project)-[:FOR]->(c)
    RETURN j {.*,
      decision_chain: COLLECT { MATCH (m:KeyPerson)-[r:IN_CHAIN]->(j) WITH m, r ORDER BY r.pos RETURN [m.id, r.role] },
      competitors: COLLECT { MATCH (k:Competitor)-[b:BIDS_ON]->(j) WITH k, b ORDER BY b.pos RETURN k.id }}
  } AS projects

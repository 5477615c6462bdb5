// $ids: [customer id] — per customer found, one row with everything the analyses need
// (SPEC §4), as compact lists (cheap to decode; Neo4jStore.iter_customer_graphs):
//   customer:  the customer's properties
//   persons:   [[id, name, title, department, closeness, solution_acceptance,
//                price_acceptance, veto, approver, reports_to,
//                influences in: [[source, strength, source kind (0 key person, 1 employee, 2 staff)]],
//                interactions in: [[employee, date (ISO text: cheaper than a Date to decode), kind]]]]
//   projects:  [[project properties, decision chain [[person, role]] (file order),
//                competitors [id] (file order)]]
// The employees, staff and competitors behind those ids: read/customer_graph_sources.cypher.
// An unknown customer has no row. The caller sorts the lists.
UNWIND $ids AS cid
MATCH (c:Customer {id: cid})
RETURN c {.*} AS customer,
  COLLECT {
    MATCH (p:KeyPerson)-[:WORKS_AT]->(c)
    RETURN [p.id, p.name, p.title, p.department, p.closeness, p.solution_acceptance,
            p.price_acceptance, p.veto, p.approver,
            COLLECT { MATCH (p)-[:REPORTS_TO]->(b:KeyPerson) RETURN b.id }[0],
            COLLECT { MATCH (s)-[i:INFLUENCES_INTERNAL|INFLUENCES_EXTERNAL]->(p)
                      RETURN [s.id, i.strength, CASE WHEN s:KeyPerson THEN 0 WHEN s:Employee THEN 1 ELSE 2 END] },
            COLLECT { MATCH (e:Employee)-[x:INTERACTED]->(p) RETURN [e.id, toString(x.date), x.kind] }]
  } AS persons,
  COLLECT {
    MATCH (j:Project)-[:FOR]->(c)
    RETURN [j {.*},
            COLLECT { MATCH (m:KeyPerson)-[r:IN_CHAIN]->(j) WITH m, r ORDER BY r.pos RETURN [m.id, r.role] },
            COLLECT { MATCH (k:Competitor)-[b:BIDS_ON]->(j) WITH k, b ORDER BY b.pos RETURN k.id }]
  } AS projects

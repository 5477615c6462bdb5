// $ids: [customer id] — per customer found, one row with only what the batch analyses
// (flags) need, as lists (cheaper to encode and decode than maps; Neo4jStore.iter_flag_graphs):
//   customer:  [id, name, industry, tier, attrs]
//   persons:   [[id, customer, name, title, department, closeness, solution_acceptance,
//                price_acceptance, veto, approver, reports_to, email, status,
//                left_on (ISO text), [[source, strength]] of the influences into the person]]
//              (all but the last in the order of records.KEY_PERSON_COLUMNS)
//   projects:  [[id, customer, name, status, stage, amount, close_date,
//                [[person, role]] (file order), [competitor] (file order)]]
// No interactions (flags never use them). An unknown customer has no row.
UNWIND $ids AS cid
MATCH (c:Customer {id: cid})
RETURN [c.id, c.name, c.industry, c.tier, c.attrs] AS customer,
  COLLECT {
    MATCH (p:KeyPerson)-[:WORKS_AT]->(c)
    RETURN [p.id, cid, p.name, p.title, p.department, p.closeness, p.solution_acceptance,
            p.price_acceptance, p.veto, p.approver,
            COLLECT { MATCH (p)-[:REPORTS_TO]->(b:KeyPerson) RETURN b.id }[0],
            p.email, p.status, toString(p.left_on),
            COLLECT { MATCH (s)-[i:INFLUENCES_INTERNAL|INFLUENCES_EXTERNAL]->(p) RETURN [s.id, i.strength] }]
  } AS persons,
  COLLECT {
    MATCH (j:Project)-[:FOR]->(c)
    RETURN [j.id, cid, j.name, j.status, j.stage, j.amount, j.close_date,
            COLLECT { MATCH (m:KeyPerson)-[r:IN_CHAIN]->(j) WITH m, r ORDER BY r.pos RETURN [m.id, r.role] },
            COLLECT { MATCH (k:Competitor)-[b:BIDS_ON]->(j) WITH k, b ORDER BY b.pos RETURN k.id }]
  } AS projects

// $customer: everything the analyses need for one customer (SPEC §4), in ONE query:
// the customer; its key persons and projects; the employees and competitor staff with
// an influence edge into one of its key persons; the competitors of those staff or
// bidding on its projects; the influences into its key persons; the interactions
// with its key persons. No row: unknown customer. The caller sorts the lists.
MATCH (c:Customer {id: $customer})
RETURN c {.*} AS customer,
  COLLECT {
    MATCH (p:KeyPerson)-[:WORKS_AT]->(c)
    OPTIONAL MATCH (p)-[:REPORTS_TO]->(b:KeyPerson)
    RETURN p {.*, customer: c.id, reports_to: b.id}
  } AS key_persons,
  COLLECT {
    MATCH (j:Project)-[:FOR]->(c)
    RETURN j {.*, customer: c.id,
      decision_chain: COLLECT { MATCH (m:KeyPerson)-[r:IN_CHAIN]->(j) WITH m, r ORDER BY r.pos RETURN {person: m.id, role: r.role} },
      competitors: COLLECT { MATCH (k:Competitor)-[b:BIDS_ON]->(j) WITH k, b ORDER BY b.pos RETURN k.id }
    }
  } AS projects,
  COLLECT {
    MATCH (s)-[i:INFLUENCES_INTERNAL|INFLUENCES_EXTERNAL]->(t:KeyPerson)-[:WORKS_AT]->(c)
    RETURN {source: s.id, target: t.id, strength: i.strength}
  } AS influences,
  COLLECT {
    MATCH (e:Employee)-[:INFLUENCES_EXTERNAL]->(:KeyPerson)-[:WORKS_AT]->(c)
    WITH DISTINCT e
    RETURN e {.*}
  } AS employees,
  COLLECT {
    MATCH (s:CompetitorStaff)-[:INFLUENCES_EXTERNAL]->(:KeyPerson)-[:WORKS_AT]->(c)
    WITH DISTINCT s
    OPTIONAL MATCH (s)-[:WORKS_FOR]->(k:Competitor)
    RETURN s {.*, competitor: k.id}
  } AS competitor_staff,
  COLLECT {
    MATCH (k:Competitor)<-[:WORKS_FOR]-(:CompetitorStaff)-[:INFLUENCES_EXTERNAL]->(:KeyPerson)-[:WORKS_AT]->(c)
    RETURN k {.*} AS k
    UNION
    MATCH (k:Competitor)-[:BIDS_ON]->(:Project)-[:FOR]->(c)
    RETURN k {.*} AS k
  } AS competitors,
  COLLECT {
    MATCH (e:Employee)-[x:INTERACTED]->(p:KeyPerson)-[:WORKS_AT]->(c)
    RETURN {employee: e.id, person: p.id, date: x.date, kind: x.kind}
  } AS interactions

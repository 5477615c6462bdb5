// $employees, $staff, $competitors: [id] — the employees, competitor staff (with their
// competitor) and competitors behind the ids of a batch of read/customer_graph.cypher
// rows (read once per batch, not once per customer), plus the competitors of the staff.
RETURN
  COLLECT { UNWIND $employees AS id MATCH (e:Employee {id: id}) RETURN e {.*} } AS employees,
  COLLECT {
    UNWIND $staff AS id
    MATCH (s:CompetitorStaff {id: id})
    OPTIONAL MATCH (s)-[:WORKS_FOR]->(k:Competitor)
    RETURN s {.*, competitor: k.id}
  } AS staff,
  COLLECT {
    UNWIND $competitors AS id MATCH (k:Competitor {id: id}) RETURN k {.*} AS k
    UNION
    UNWIND $staff AS id MATCH (:CompetitorStaff {id: id})-[:WORKS_FOR]->(k:Competitor) RETURN k {.*} AS k
  } AS competitors

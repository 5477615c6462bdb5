// $ids: [id] — the kind of those ids that are stored (import validation and the choice
// between CREATE and MERGE, inside the import transaction). Index seeks only.
UNWIND $ids AS id
CALL (id) {
  MATCH (n:Customer {id: id}) RETURN 'customer' AS kind
  UNION ALL
  MATCH (n:KeyPerson {id: id}) RETURN 'key person' AS kind
  UNION ALL
  MATCH (n:Employee {id: id}) RETURN 'employee' AS kind
  UNION ALL
  MATCH (n:Competitor {id: id}) RETURN 'competitor' AS kind
  UNION ALL
  MATCH (n:CompetitorStaff {id: id}) RETURN 'competitor staff member' AS kind
  UNION ALL
  MATCH (n:Project {id: id}) RETURN 'project' AS kind
}
RETURN id, kind

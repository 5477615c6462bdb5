// Upgrade change sets and schema-2 version rows to format 2 (values keyed by field name);
// $sets: [{id, versions}], $rows: [{node, data}]. Running it twice changes nothing.
CALL {
  UNWIND $sets AS s
  MATCH (c:BrmChangeSet {id: s.id})
  SET c.versions = s.versions, c.format = 2
}
CALL {
  UNWIND $rows AS r
  MATCH (v:BrmVersion) WHERE elementId(v) = r.node
  SET v.data = r.data, v.format = 2
}

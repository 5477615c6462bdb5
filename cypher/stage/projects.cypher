// Staged bulk import (cypher/README.md, "Staged imports"): as create/projects.cypher, on :BrmStaged nodes.
// $rows: as upsert/projects.cypher — projects not stored yet: the project, FOR, IN_CHAIN
// and BIDS_ON are created (nothing old to replace).
UNWIND $rows AS r
MATCH (c:BrmStaged {id: r[1]})
CREATE (j:BrmStaged {id: r[0], name: r[2], status: r[3], stage: r[4], amount: r[5], close_date: r[6]})-[:FOR]->(c)
WITH j, r
CALL (j, r) {
  UNWIND r[7] AS m
  MATCH (p:BrmStaged {id: m[0]})
  CREATE (p)-[:IN_CHAIN {role: m[1], pos: m[2]}]->(j)
}
CALL (j, r) {
  UNWIND r[8] AS x
  MATCH (k:BrmStaged {id: x[0]})
  CREATE (k)-[:BIDS_ON {pos: x[1]}]->(j)
}

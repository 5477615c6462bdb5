// Staged bulk import (cypher/README.md, "Staged imports"): as create/interactions.cypher, on :BrmStaged nodes.
// $rows: [[employee, person, date, kind]] whose employee or person was created by this
// import (so the edge cannot exist yet): CREATE, no MERGE.
UNWIND $rows AS r
MATCH (e:BrmStaged {id: r[0]})
MATCH (p:BrmStaged {id: r[1]})
CREATE (e)-[:INTERACTED {date: r[2], kind: r[3]}]->(p)

// Staged bulk import (cypher/README.md, "Staged imports"): as create/influences_internal.cypher, on :BrmStaged nodes.
// $rows: [[source, target, strength]] whose source is a key person (internal influence), and whose source or
// target was created by this import (so the edge cannot exist yet): CREATE, no MERGE.
UNWIND $rows AS r
MATCH (s:BrmStaged {id: r[0]})
MATCH (t:BrmStaged {id: r[1]})
CREATE (s)-[:INFLUENCES_INTERNAL {strength: r[2]}]->(t)

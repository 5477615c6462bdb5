// Staged bulk import (cypher/README.md, "Staged imports"): as create/competitors.cypher, on :BrmStaged nodes.
// $rows: [[id, name]] — competitors not stored yet.
UNWIND $rows AS r
CREATE (:BrmStaged {id: r[0], name: r[1]})

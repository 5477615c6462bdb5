// Staged bulk import (cypher/README.md, "Staged imports"): as create/employees.cypher, on :BrmStaged nodes.
// $rows: [[id, name, team, title]] — employees not stored yet.
UNWIND $rows AS r
CREATE (:BrmStaged {id: r[0], name: r[1], team: r[2], title: r[3]})

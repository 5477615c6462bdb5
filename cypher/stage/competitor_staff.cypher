// Staged bulk import (cypher/README.md, "Staged imports"): as create/competitor_staff.cypher, on :BrmStaged nodes.
// $rows: [[id, name, competitor]] — staff not stored yet: (:BrmStaged)-[:WORKS_FOR]->(:BrmStaged).
UNWIND $rows AS r
MATCH (k:BrmStaged {id: r[2]})
CREATE (:BrmStaged {id: r[0], name: r[1]})-[:WORKS_FOR]->(k)

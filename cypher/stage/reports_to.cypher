// Staged bulk import (cypher/README.md, "Staged imports"): as create/reports_to.cypher, on :BrmStaged nodes.
// $rows: [[id, reports_to]] — (:BrmStaged)-[:REPORTS_TO]->(superior) of persons created by
// this import (they have none yet).
UNWIND $rows AS r
MATCH (n:BrmStaged {id: r[0]})
MATCH (b:BrmStaged {id: r[1]})
CREATE (n)-[:REPORTS_TO]->(b)

// Staged bulk import (cypher/README.md, "Staged imports"): as create/influences_employee.cypher and
// create/influences_staff.cypher, on :BrmStaged nodes.
// $rows: [[source, target, strength]] whose source is an employee or a competitor staff member;
// both ends are staged nodes: CREATE.
UNWIND $rows AS r
MATCH (s:BrmStaged {id: r[0]})
MATCH (t:BrmStaged {id: r[1]})
CREATE (s)-[:INFLUENCES_EXTERNAL {strength: r[2]}]->(t)

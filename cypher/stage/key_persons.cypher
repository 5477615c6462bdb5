// Staged bulk import (cypher/README.md, "Staged imports"): as create/key_persons.cypher, on :BrmStaged nodes.
// $rows: [[id, customer, name, title, department, closeness, solution_acceptance,
//          price_acceptance, veto, approver]] — key persons not stored yet, with WORKS_AT.
// REPORTS_TO is written afterwards by create/reports_to.cypher (superiors may come later).
UNWIND $rows AS r
MATCH (c:BrmStaged {id: r[1]})
CREATE (:BrmStaged {id: r[0], name: r[2], title: r[3], department: r[4],
                    closeness: r[5], solution_acceptance: r[6], price_acceptance: r[7],
                    veto: r[8], approver: r[9]})-[:WORKS_AT]->(c)

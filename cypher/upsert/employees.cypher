// $rows: [[id, name, team, title]] — employees that may already exist.
UNWIND $rows AS r
MERGE (n:Employee {id: r[0]})
SET n.name = r[1], n.team = r[2], n.title = r[3]

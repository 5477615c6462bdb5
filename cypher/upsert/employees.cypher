// $rows: [{id, name, team, title}]
UNWIND $rows AS r
MERGE (n:Employee {id: r.id})
SET n.name = r.name, n.team = r.team, n.title = r.title

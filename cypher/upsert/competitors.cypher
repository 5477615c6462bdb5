// $rows: [{id, name}]
UNWIND $rows AS r
MERGE (n:Competitor {id: r.id})
SET n.name = r.name

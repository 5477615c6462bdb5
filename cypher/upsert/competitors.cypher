// $rows: [[id, name]] — competitors that may already exist.
UNWIND $rows AS r
MERGE (n:Competitor {id: r[0]})
SET n.name = r[1]

// $rows: [[id, name, competitor]] — staff not stored yet: (:CompetitorStaff)-[:WORKS_FOR]->(:Competitor).
UNWIND $rows AS r
MATCH (k:Competitor {id: r[2]})
CREATE (:CompetitorStaff {id: r[0], name: r[1]})-[:WORKS_FOR]->(k)

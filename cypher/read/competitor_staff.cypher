MATCH (n:CompetitorStaff)
OPTIONAL MATCH (n)-[:WORKS_FOR]->(k:Competitor)
RETURN n {.*, competitor: k.id} AS n
ORDER BY n.id

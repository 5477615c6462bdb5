MATCH (n:Competitor)
RETURN n {.*} AS n
ORDER BY n.id

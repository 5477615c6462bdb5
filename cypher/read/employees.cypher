MATCH (n:Employee)
RETURN n {.*} AS n
ORDER BY n.id

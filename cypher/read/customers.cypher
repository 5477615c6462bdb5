// All customers (attrs is a JSON text property).
MATCH (n:Customer)
RETURN n {.*} AS n
ORDER BY n.id

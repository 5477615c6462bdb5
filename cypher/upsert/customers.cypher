// $rows: [{id, name, industry, tier, attrs (JSON text)}]
UNWIND $rows AS r
MERGE (n:Customer {id: r.id})
SET n.name = r.name, n.industry = r.industry, n.tier = r.tier, n.attrs = r.attrs

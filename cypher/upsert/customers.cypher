// $rows: [[id, name, industry, tier, attrs (JSON text)]] — customers that may already exist.
// (Rows are lists, not maps: half the values to encode; cypher/README.md.)
UNWIND $rows AS r
MERGE (n:Customer {id: r[0]})
SET n.name = r[1], n.industry = r[2], n.tier = r[3], n.attrs = r[4]

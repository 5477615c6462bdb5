// First load into an empty store (Neo4jStore._load_empty): as create/customers.cypher, returning the
// new nodes' internal ids for the statements after it (rows: [[id, name, industry, tier, attrs]]).
UNWIND $rows AS r
CREATE (n:Customer {id: r[0], name: r[1], industry: r[2], tier: r[3], attrs: r[4]})
RETURN collect([r[0], id(n)]) AS ids

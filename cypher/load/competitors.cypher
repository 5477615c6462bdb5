// First load into an empty store (Neo4jStore._load_empty): as create/competitors.cypher, returning the
// new nodes' internal ids (rows: [[id, name]]).
UNWIND $rows AS r
CREATE (n:Competitor {id: r[0], name: r[1]})
RETURN collect([r[0], id(n)]) AS ids

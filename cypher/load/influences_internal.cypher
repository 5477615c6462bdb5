// First load into an empty store (Neo4jStore._load_empty): as create/influences_internal.cypher; rows:
// [[source's internal id, target's internal id, strength]].
UNWIND $rows AS r
MATCH (s) WHERE id(s) = r[0]
MATCH (t) WHERE id(t) = r[1]
CREATE (s)-[:INFLUENCES_INTERNAL {strength: r[2]}]->(t)

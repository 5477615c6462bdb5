// First load into an empty store (Neo4jStore._load_empty): as create/competitor_staff.cypher; rows:
// [[id, name, competitor's internal id]]; returns the new nodes' internal ids.
UNWIND $rows AS r
MATCH (k) WHERE id(k) = r[2]
CREATE (n:CompetitorStaff {id: r[0], name: r[1]})-[:WORKS_FOR]->(k)
RETURN collect([r[0], id(n)]) AS ids

// First load into an empty store (Neo4jStore._load_empty): as create/reports_to.cypher; rows: [[person's internal id,
// superior's internal id]] (the ids of this load's nodes: no index look-up).
UNWIND $rows AS r
MATCH (n) WHERE id(n) = r[0]
MATCH (b) WHERE id(b) = r[1]
CREATE (n)-[:REPORTS_TO]->(b)

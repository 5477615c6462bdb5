// First load into an empty store (Neo4jStore._load_empty): as create/interactions.cypher; rows: [[employee's
// internal id, person's internal id, date, kind]].
UNWIND $rows AS r
MATCH (e) WHERE id(e) = r[0]
MATCH (p) WHERE id(p) = r[1]
CREATE (e)-[:INTERACTED {date: r[2], kind: r[3]}]->(p)

// Names of the indexes that exist, constraints' own indexes included (Neo4jStore
// compares them with schema.cypher).
SHOW INDEXES YIELD name
RETURN name

// Names of the constraints that exist (Neo4jStore compares them with schema.cypher).
SHOW CONSTRAINTS YIELD name
RETURN name

// First load into an empty store (Neo4jStore._load_empty): as create/employees.cypher, returning the
// new nodes' internal ids (rows: [[id, name, team, title]]).
UNWIND $rows AS r
CREATE (n:Employee {id: r[0], name: r[1], team: r[2], title: r[3]})
RETURN collect([r[0], id(n)]) AS ids

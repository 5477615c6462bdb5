// $rows: [[source, target, strength]] whose source is one of our employees, and whose source or
// target was created by this import (so the edge cannot exist yet): CREATE, no MERGE.
UNWIND $rows AS r
MATCH (s:Employee {id: r[0]})
MATCH (t:KeyPerson {id: r[1]})
CREATE (s)-[:INFLUENCES_EXTERNAL {strength: r[2]}]->(t)

// $rows: [[source, target, strength]] whose source is a competitor's staff member, and whose source or
// target was created by this import (so the edge cannot exist yet): CREATE, no MERGE.
UNWIND $rows AS r
MATCH (s:CompetitorStaff {id: r[0]})
MATCH (t:KeyPerson {id: r[1]})
CREATE (s)-[:INFLUENCES_EXTERNAL {strength: r[2]}]->(t)

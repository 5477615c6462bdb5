// $rows: [[id, reports_to]] — (:KeyPerson)-[:REPORTS_TO]->(superior) of persons created by
// this import (they have none yet).
UNWIND $rows AS r
MATCH (n:KeyPerson {id: r[0]})
MATCH (b:KeyPerson {id: r[1]})
CREATE (n)-[:REPORTS_TO]->(b)

// $rows: [[employee, person, date, kind]] — (:Employee)-[:INTERACTED {date, kind}]->(:KeyPerson),
// identified by all four fields (a re-import adds nothing).
UNWIND $rows AS r
MATCH (e:Employee {id: r[0]})
MATCH (p:KeyPerson {id: r[1]})
MERGE (e)-[:INTERACTED {date: r[2], kind: r[3]}]->(p)

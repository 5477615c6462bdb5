// $rows: [{employee, person, date, kind}] — (:Employee)-[:INTERACTED {date, kind}]->(:KeyPerson),
// identified by all four fields (a re-import adds nothing).
UNWIND $rows AS r
MATCH (e:Employee {id: r.employee})
MATCH (p:KeyPerson {id: r.person})
MERGE (e)-[:INTERACTED {date: r.date, kind: r.kind}]->(p)

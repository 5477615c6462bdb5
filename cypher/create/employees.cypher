// $rows: [[id, name, team, title]] — employees not stored yet.
UNWIND $rows AS r
CREATE (:Employee {id: r[0], name: r[1], team: r[2], title: r[3]})

MATCH (e:Employee)-[x:INTERACTED]->(p:KeyPerson)
RETURN e.id AS employee, p.id AS person, x.date AS date, x.kind AS kind

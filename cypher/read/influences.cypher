MATCH (s)-[i:INFLUENCES_INTERNAL|INFLUENCES_EXTERNAL]->(t:KeyPerson)
RETURN s.id AS source, t.id AS target, i.strength AS strength

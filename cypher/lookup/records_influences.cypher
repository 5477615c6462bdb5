// $ids: [id] — the stored influences into the key persons with those ids.
UNWIND $ids AS id
MATCH (s)-[i:INFLUENCES_INTERNAL|INFLUENCES_EXTERNAL]->(t:KeyPerson {id: id})
RETURN s.id AS source, t.id AS target, i.strength AS strength

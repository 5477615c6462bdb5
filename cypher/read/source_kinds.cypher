// $ids: [id] — which of them are key persons, employees or competitor staff
// (decides the relationship type of an influence whose source is already stored).
UNWIND $ids AS id
OPTIONAL MATCH (k:KeyPerson {id: id})
OPTIONAL MATCH (e:Employee {id: id})
OPTIONAL MATCH (s:CompetitorStaff {id: id})
RETURN id,
       CASE WHEN k IS NOT NULL THEN 'key_person'
            WHEN e IS NOT NULL THEN 'employee'
            WHEN s IS NOT NULL THEN 'competitor_staff' END AS kind

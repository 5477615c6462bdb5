// $ids: [id] — the stored employees with those ids (an import's merge keeps their fields).
UNWIND $ids AS id
MATCH (n:Employee {id: id})
RETURN n {.*} AS n

// $ids: [id] — the stored customers with those ids (an import's merge keeps their fields).
UNWIND $ids AS id
MATCH (n:Customer {id: id})
RETURN n {.*} AS n

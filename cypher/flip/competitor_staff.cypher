// Staged bulk import, last step (inside the one transaction that makes it visible):
// $ids: [id] of staged nodes that become :CompetitorStaff. Returns how many did (the import
// checks every staged node was found).
UNWIND $ids AS id
MATCH (n:BrmStaged {id: id})
REMOVE n:BrmStaged
SET n:CompetitorStaff
RETURN count(n) AS n

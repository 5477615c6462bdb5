// Staged replace, inside the one transaction that switches data sets: every stored
// :CompetitorStaff becomes an invisible :BrmRetired node (cheaper than deleting it and its edges
// here); stage/clear.cypher deletes them afterwards. Returns how many.
MATCH (n:CompetitorStaff)
REMOVE n:CompetitorStaff
SET n:BrmRetired
RETURN count(n) AS n

// Staged replace, inside the one transaction that switches data sets: every stored
// :Competitor becomes an invisible :BrmRetired node (cheaper than deleting it and its edges
// here); stage/clear.cypher deletes them afterwards. Returns how many.
MATCH (n:Competitor)
REMOVE n:Competitor
SET n:BrmRetired
RETURN count(n) AS n

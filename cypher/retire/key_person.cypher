// Staged replace, inside the one transaction that switches data sets: every stored
// :KeyPerson becomes an invisible :BrmRetired node (cheaper than deleting it and its edges
// here); stage/clear.cypher deletes them afterwards. Returns how many.
MATCH (n:KeyPerson)
REMOVE n:KeyPerson
SET n:BrmRetired
RETURN count(n) AS n

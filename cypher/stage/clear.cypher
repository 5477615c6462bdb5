// Staged bulk import: delete the invisible nodes of staged imports — :BrmStaged ones left
// by an import that failed or was killed before its switch, :BrmRetired ones (the old
// data set of a staged replace) — with their edges, in batches of their own transactions.
MATCH (n)
WHERE n:BrmStaged OR n:BrmRetired
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS

// First load into an empty store: delete the loading marker (load/mark.cypher), in the
// load's final transaction, or after an interrupted load's nodes were cleared.
MATCH (m:BrmLoading)
DELETE m

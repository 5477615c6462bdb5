// Inside an import's transaction: it changed employees, competitors or competitor
// staff, so the store-wide stamp moves to its change set.
MERGE (g:BrmStoreStamp {name: 'store'})
SET g.changeset = $changeset

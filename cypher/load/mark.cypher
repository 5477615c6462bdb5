// First load into an empty store (Neo4jStore._load_empty, cypher/README.md "Loading an
// empty store"): the marker that says a load is writing, committed before its first batch
// and deleted by its final transaction (load/unmark.cypher). A marker that outlives its
// load (the process was killed) tells readers the store holds a partial load, and the
// next import to clear it (load/clear.cypher) first.
CREATE (:BrmLoading {started: $started, records: $records})

// One import's change set (inside the import transaction); counts is JSON text,
// versions the packed version rows it ended (bytes, or null when it ended none), by
// field name (format 2; brmgraph/store/history.py: pack).
CREATE (:BrmChangeSet {id: $id, time: $time, source: $source, mode: $mode, counts: $counts, versions: $versions,
                       format: 2})

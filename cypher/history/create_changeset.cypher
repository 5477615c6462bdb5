// One import's change set (inside the import transaction); counts is JSON text.
CREATE (:BrmChangeSet {id: $id, time: $time, source: $source, mode: $mode, counts: $counts})

// Run by every import right after lock/take.cypher, in the same transaction: takes (and
// creates if missing) the $slots reader slots :BrmLock {name: 'read-0'} ... 'read-<$slots - 1>'.
// A consistent read (Neo4jStore.snapshot) holds ONE slot (lock/take_slot.cypher) instead
// of the store's node, so reads do not wait for each other (unless two pick the same
// slot), while an import waits until every read that holds a slot has ended, and a read
// waits for an import that holds them. Returns how many slots were taken.
UNWIND range(0, $slots - 1) AS n
MERGE (s:BrmLock {name: 'read-' + toString(n)})
SET s.imports = coalesce(s.imports, 0) + 1
RETURN count(s) AS n

// The first statement of a consistent read (Neo4jStore.snapshot): take reader slot
// $slot ('read-<n>', created by the imports: lock/take_slots.cypher) by setting a
// property, which holds its write lock until the read's transaction ends (it is rolled
// back: nothing changes). Returns 0 when the slot does not exist yet (no import since
// slots came in): the read then takes the store's node (lock/take.cypher) as before.
// Also returns when an interrupted load into an empty store began (load/mark.cypher;
// a running load holds every slot, so a marker seen here is one whose load died).
OPTIONAL MATCH (s:BrmLock {name: $slot})
SET s.reads = coalesce(s.reads, 0) + 1
WITH count(s) AS n
OPTIONAL MATCH (m:BrmLoading)
RETURN n, min(m.started) AS loading

// The first statement of a consistent read (Neo4jStore.snapshot): take reader slot
// $slot ('read-<n>', created by the imports: lock/take_slots.cypher) by setting a
// property, which holds its write lock until the read's transaction ends (it is rolled
// back: nothing changes). Returns 0 when the slot does not exist yet (no import since
// slots came in): the read then takes the store's node (lock/take.cypher) as before.
OPTIONAL MATCH (s:BrmLock {name: $slot})
SET s.reads = coalesce(s.reads, 0) + 1
RETURN count(s) AS n

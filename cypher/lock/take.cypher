// The store's one lock node, taken (created if missing) as the FIRST statement of every
// import transaction and of every consistent read (Neo4jStore.snapshot). Setting a
// property takes the node's write lock until the transaction ends, so imports run one
// after another (two racing imports can never each validate against a state the other
// then changes), and a snapshot read sees no import commit while it runs. `generation`
// counts imports; `format` and `schema_version` mark the database as a brmgraph store.
// A snapshot read rolls its transaction back: it never changes anything.
MERGE (l:BrmLock {name: 'store'})
ON CREATE SET l.format = 'brmgraph', l.schema_version = $schema_version, l.generation = 0
SET l.generation = l.generation + $step
RETURN l.format AS format, l.schema_version AS schema_version, l.generation AS generation

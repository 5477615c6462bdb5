// The store's lock node without taking it: its marker (format, schema version).
MATCH (l:BrmLock {name: 'store'})
RETURN l.format AS format, l.schema_version AS schema_version, l.generation AS generation

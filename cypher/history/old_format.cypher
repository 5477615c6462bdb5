// The packed version rows written before history was keyed by field name (change sets
// without format 2), for their one-time upgrade (brmgraph/store/history.py: upgrade_packed).
MATCH (c:BrmChangeSet)
WHERE c.format IS NULL AND c.versions IS NOT NULL
RETURN c.id AS id, c.versions AS versions

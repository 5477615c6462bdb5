// Every change set (one per import), by id (brmgraph/store/history.py).
MATCH (c:BrmChangeSet)
RETURN c.id AS id, c.time AS time, c.source AS source, c.mode AS mode, c.counts AS counts
ORDER BY c.id

// Every change set (one per import), by id, with its packed version rows
// (brmgraph/store/history.py: pack).
MATCH (c:BrmChangeSet)
RETURN c.id AS id, c.time AS time, c.source AS source, c.mode AS mode, c.counts AS counts,
       c.versions AS versions
ORDER BY c.id

// When a load into an empty store began (load/mark.cypher), or nothing: null when no
// load is writing or was interrupted.
OPTIONAL MATCH (m:BrmLoading)
RETURN min(m.started) AS started

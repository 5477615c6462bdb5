// The whole version rows of schema-2 stores not yet keyed by field name.
MATCH (v:BrmVersion)
WHERE v.format IS NULL AND v.data IS NOT NULL
RETURN elementId(v) AS node, v.section AS section, v.data AS data

// $keys: [[section, key]] — when each record's current version began (its latest
// version row's valid_to); records without version rows have no row.
UNWIND $keys AS k
MATCH (v:BrmVersion {section: k[0], key: k[1]})
RETURN k[0] AS section, k[1] AS key, max(v.valid_to) AS last

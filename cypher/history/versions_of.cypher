// $keys: [[section, key]] — the version rows of those records.
UNWIND $keys AS k
MATCH (v:BrmVersion {section: k[0], key: k[1]})
RETURN v.section AS section, v.key AS key, v.data AS data, v.valid_from AS valid_from,
       v.valid_to AS valid_to, v.changeset AS changeset

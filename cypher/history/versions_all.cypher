// Every version row stored whole by schema-2 stores (BrmVersion nodes; new change sets
// pack theirs into BrmChangeSet.versions).
MATCH (v:BrmVersion)
RETURN v.section AS section, v.key AS key, v.data AS data, v.valid_from AS valid_from,
       v.valid_to AS valid_to, v.changeset AS changeset

// $after: the version rows still valid after that time (state at a past time).
MATCH (v:BrmVersion)
WHERE v.valid_to > $after
RETURN v.section AS section, v.key AS key, v.data AS data, v.valid_from AS valid_from,
       v.valid_to AS valid_to, v.changeset AS changeset

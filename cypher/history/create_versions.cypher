// Earlier versions of records ended by a change set: [section, key, data (JSON text or
// null: "did not exist"), valid_from (null: since the beginning), valid_to, change set id].
UNWIND $rows AS r
CREATE (:BrmVersion {section: r[0], key: r[1], data: r[2], valid_from: r[3], valid_to: r[4], changeset: r[5]})

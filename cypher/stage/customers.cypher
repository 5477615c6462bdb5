// Staged bulk import (cypher/README.md, "Staged imports"): as create/customers.cypher, on :BrmStaged nodes.
// $rows: [[id, name, industry, tier, attrs (JSON text)]] — customers not stored yet
// (the import transaction looked them up): CREATE, no MERGE.
UNWIND $rows AS r
CREATE (:BrmStaged {id: r[0], name: r[1], industry: r[2], tier: r[3], attrs: r[4]})

// The flag cache (brmgraph/store/stamps.py), read in a flags run's snapshot: every
// customer's stamp (the change set that last touched it), then the store-wide stamp
// (customer null). A customer without a :BrmStamp node has stamp 0.
MATCH (s:BrmStamp)
RETURN s.customer AS customer, s.changeset AS changeset
UNION ALL
OPTIONAL MATCH (g:BrmStoreStamp {name: 'store'})
RETURN null AS customer, coalesce(g.changeset, 0) AS changeset

// Inside an import --replace transaction, after its writes: stamps and cached results
// of customers that are no longer stored.
CALL () {
  MATCH (n:BrmStamp) RETURN n
  UNION ALL
  MATCH (n:BrmFlagCache) RETURN n
}
WITH n
WHERE NOT EXISTS { MATCH (:Customer {id: n.customer}) }
DELETE n

// The cached flag results for one max_cost (brmgraph/store/stamps.py); `flags` is the
// JSON text of the customer's flag records, valid only for its key
// (stamp, shared, rules) — the caller compares it with the current stamps.
MATCH (c:BrmFlagCache)
WHERE c.max_cost = $max_cost
RETURN c.customer AS customer, c.stamp AS stamp, c.shared AS shared, c.rules AS rules, c.flags AS flags

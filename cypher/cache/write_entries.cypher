// Store computed flag results (after a flags run's snapshot, best effort, with a short
// transaction timeout). Columns: r[0] id (max_cost and customer), r[1] customer,
// r[2] max_cost, r[3] stamp, r[4] shared stamp, r[5] rules version, r[6] flags JSON.
UNWIND $rows AS r
MERGE (c:BrmFlagCache {id: r[0]})
SET c.customer = r[1], c.max_cost = r[2], c.stamp = r[3], c.shared = r[4], c.rules = r[5], c.flags = r[6]

// Delete what an interrupted load into an empty store wrote: every node of the graph
// model with its edges, in batches of their own transactions (the store held none when
// the load began, and the load's marker keeps every other import out until this ran).
MATCH (n)
WHERE n:Customer OR n:KeyPerson OR n:Employee OR n:Competitor OR n:CompetitorStaff OR n:Project
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS

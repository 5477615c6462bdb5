// Record one message `brmgraph notify` sent (run id, channel, message number); recording
// it again changes nothing. `id` joins the three (uniqueness constraint in schema.cypher).
MERGE (s:BrmNotifySend {id: $id})
ON CREATE SET s.run_id = $run_id, s.channel = $channel, s.part = $part, s.time = $time, s.detail = $detail

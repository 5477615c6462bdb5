// The messages `brmgraph notify` recorded as sent for one run id (docs/spec.md §5.5).
MATCH (s:BrmNotifySend {run_id: $run_id})
RETURN s.channel AS channel, s.part AS part

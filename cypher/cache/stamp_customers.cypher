// Inside an import's transaction, after its writes: the customers it touched get its
// change set as their stamp (brmgraph/store/stamps.py: touched).
UNWIND $ids AS id
MERGE (s:BrmStamp {customer: id})
SET s.changeset = $changeset

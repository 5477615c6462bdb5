// Remove every brmgraph node and its relationships (import --replace, inside the
// import transaction). Nodes with other labels are left alone.
MATCH (n)
WHERE n:Customer OR n:KeyPerson OR n:Employee OR n:Competitor OR n:CompetitorStaff OR n:Project
DETACH DELETE n

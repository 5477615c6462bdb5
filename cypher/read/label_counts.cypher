// How many brmgraph nodes are stored (from Neo4j's count store: no scan). The import
// chooses between reading every stored id and looking up only the file's ids.
MATCH (n:Customer) RETURN count(n) AS n
UNION ALL
MATCH (n:KeyPerson) RETURN count(n) AS n
UNION ALL
MATCH (n:Employee) RETURN count(n) AS n
UNION ALL
MATCH (n:Competitor) RETURN count(n) AS n
UNION ALL
MATCH (n:CompetitorStaff) RETURN count(n) AS n
UNION ALL
MATCH (n:Project) RETURN count(n) AS n

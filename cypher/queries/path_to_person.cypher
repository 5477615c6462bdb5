// Path to a person — the fewest-hop influence paths to one key person (Neo4j 5.x SHORTEST).
//
// How to use (Neo4j Browser or cypher-shell), set the parameters first:
//   :param person => 'P1'          // the key person to reach (required)
//   :param team => null            // or 'East': only employees of that team
//   :param employee => null        // or 'E1': only that employee (individual perspective)
//   :param competitor => null      // or 'K1' / '*': paths from that competitor's staff instead
// With all three null this is the company perspective (every employee).
//
// Arcs (SPEC §4.2) counted as hops, every arc the same weight: influence edges in their
// direction, REPORTS_TO in both directions (down to a subordinate, or up as a referral).
// Relay rule for our perspectives: an opposing key person (closeness oppose /
// strong_oppose) may end a path but never relay it. Competitor perspectives have none.
// Costs by strength and reporting direction are NOT applied here: `brmgraph path --to P1`
// gives the cheapest path; this query gives the one with the fewest hops (the same path
// when every arc costs the same).
//
// Returns one row: source, target, hops, path (node ids) — the fewest hops, ties broken
// by the smallest list of ids; no row when the person cannot be reached.
MATCH (t:KeyPerson {id: $person})
MATCH p = ALL SHORTEST
  (s WHERE (s:Employee AND $competitor IS NULL
             AND ($team IS NULL OR s.team = $team)
             AND ($employee IS NULL OR s.id = $employee))
        OR (s:CompetitorStaff AND $competitor IS NOT NULL
             AND ($competitor = '*' OR EXISTS { (s)-[:WORKS_FOR]->(:Competitor {id: $competitor}) })))
  -[:INFLUENCES_EXTERNAL]->(:KeyPerson)
  ((a:KeyPerson)-[r:INFLUENCES_INTERNAL|REPORTS_TO]-(b:KeyPerson)
     WHERE (type(r) = 'REPORTS_TO' OR startNode(r) = a)
       AND ($competitor IS NOT NULL OR NOT a.closeness IN ['oppose', 'strong_oppose']))*
  (t)
WITH s, t, p, [n IN nodes(p) | n.id] AS ids
ORDER BY length(p), ids
LIMIT 1
RETURN s.id AS source, t.id AS target, length(p) AS hops, ids AS path

// Uncovered veto holders — the nightly `brmgraph flags` question in plain Cypher.
//
// How to use (Neo4j Browser or cypher-shell):
//   :param max_cost => 4        // SPEC §4.3 default; at most 4 (see the *0..3 bound below)
// then run this file. One row per (project, person): a key person with veto = 'yes' in
// the decision chain of an open project whom no employee of ours reaches with an
// influence path costing at most $max_cost (coverage status `none`, company
// perspective, SPEC §4.3) — the reason UNCOVERED of SPEC §4.4.
//
// Path costs follow SPEC §4.2: influence arcs cost 1 / 2 / 3 (strong / medium / weak),
// REPORTS_TO costs 1 from superior down to subordinate and 2 upward; an opposing key
// person never relays. Every arc costs at least 1, so a path of cost <= 4 has at most 4
// arcs: the external first arc plus up to 3 internal ones (*0..3). For a larger
// max_cost raise that bound to max_cost - 1 as well.
MATCH (d:KeyPerson {veto: 'yes'})-[:IN_CHAIN]->(j:Project {status: 'open'})-[:FOR]->(c:Customer)
WHERE NOT EXISTS {
  MATCH p = (:Employee)-[:INFLUENCES_EXTERNAL]->(:KeyPerson)-[:INFLUENCES_INTERNAL|REPORTS_TO*0..3]-(d)
  WHERE all(i IN range(1, length(p) - 1)
            WHERE type(relationships(p)[i]) = 'REPORTS_TO' OR startNode(relationships(p)[i]) = nodes(p)[i])
    AND none(n IN nodes(p)[1..-1] WHERE n.closeness IN ['oppose', 'strong_oppose'])
    AND reduce(cost = 0, i IN range(0, length(p) - 1) |
          cost + CASE
            WHEN type(relationships(p)[i]) <> 'REPORTS_TO'
              THEN CASE relationships(p)[i].strength WHEN 'strong' THEN 1 WHEN 'weak' THEN 3 ELSE 2 END
            WHEN startNode(relationships(p)[i]) = nodes(p)[i] THEN 2   // subordinate -> superior
            ELSE 1                                                     // superior -> subordinate
          END) <= $max_cost
}
WITH DISTINCT j, c, d
RETURN j.id AS project, c.id AS customer, d.id AS person, d.name AS name, d.closeness AS closeness
ORDER BY project, person

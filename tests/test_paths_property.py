"""Property test: the one multi-source Dijkstra equals brute force over simple paths.

Brute force (straight from SPEC 4.2): for every target, enumerate every simple path from
every source of the perspective with ``nx.all_simple_paths``, drop those with an opposing
key person as an intermediate (individual/team/company only), and take the minimum by
(total cost, arcs, list of ids).
"""

from __future__ import annotations

import networkx as nx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brmgraph.analysis.paths import best_paths
from brmgraph.graph import CustomerGraph, Perspective
from brmgraph.model import Dataset
from brmgraph.service.scope import parse_perspective

STANCES = ["strong_support", "support", "neutral", "oppose", "strong_oppose", "unknown"]
STRENGTHS = ["strong", "medium", "weak"]
EMPLOYEES = {"E1": "East", "E2": "West", "E3": "East"}
STAFF = {"S1": "K1", "S2": "K2"}
PERSPECTIVES = ["company", "team:East", "team:West", "individual:E1", "individual:E2",
                "competitor:K1", "competitor:K2", "competitor:*"]


@st.composite
def graphs(draw):
    n = draw(st.integers(min_value=1, max_value=7))
    # ids chosen so that string order differs from numeric order (P10 < P2)
    pool = ["P1", "P2", "P10", "P11", "P3", "P20", "P9"]
    ids = pool[:n]
    persons = []
    for i, pid in enumerate(ids):
        boss = draw(st.one_of(st.none(), st.sampled_from(ids[:i]))) if i else None
        persons.append({"id": pid, "customer": "C1", "closeness": draw(st.sampled_from(STANCES)),
                        "reports_to": boss})
    sources = list(EMPLOYEES) + list(STAFF)
    pairs = draw(st.sets(st.tuples(st.sampled_from(sources + ids), st.sampled_from(ids)), max_size=18))
    infl = [{"source": a, "target": b, "strength": draw(st.sampled_from(STRENGTHS))} for a, b in sorted(pairs) if a != b]
    ds = Dataset.model_validate({
        "customers": [{"id": "C1"}],
        "key_persons": persons,
        "employees": [{"id": e, "team": t} for e, t in EMPLOYEES.items()],
        "competitors": [{"id": "K1"}, {"id": "K2"}],
        "competitor_staff": [{"id": s, "competitor": k} for s, k in STAFF.items()],
        "influences": infl,
    })
    return CustomerGraph.from_dataset(ds, "C1"), draw(st.sampled_from(PERSPECTIVES))


def brute_force(cg: CustomerGraph, perspective: Perspective) -> dict[str, tuple]:
    g = cg.g
    sources = cg.sources(perspective)
    blocked = {p for p, kp in cg.persons.items() if kp.closeness.value in ("oppose", "strong_oppose")} \
        if perspective.kind != "competitor" else set()
    out = {}
    for t in cg.persons:
        best = None
        for s in sorted(sources):
            for path in nx.all_simple_paths(g, s, t):
                if any(v in blocked for v in path[1:-1]):
                    continue
                cost = sum(g.edges[u, v]["cost"] for u, v in zip(path, path[1:]))
                key = (cost, len(path) - 1, list(path))
                if best is None or key < best:
                    best = key
        out[t] = best if best else (None, None, [])
    return out


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs())
def test_best_paths_equals_brute_force(case):
    cg, ptext = case
    p = parse_perspective(ptext)
    got = {t: (r.cost, r.hops, r.path) for t, r in best_paths(cg, p).items()}
    assert got == brute_force(cg, p)

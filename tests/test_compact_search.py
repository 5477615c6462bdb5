"""The cost-only search (``paths.shortest_costs``, used by coverage statuses and the
competitor comparison of ``flags``) gives exactly the costs of the full search
(``paths.shortest_labels``) on random graphs, every perspective, with and without the
relay rule, also when key persons are passed as sources."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brmgraph.analysis.context import AnalysisContext
from brmgraph.analysis.paths import shortest_costs, shortest_labels
from brmgraph.graph import COMPANY
from brmgraph.service.scope import parse_perspective

from .test_paths_property import graphs


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs(), st.booleans(), st.integers(min_value=0, max_value=3))
def test_costs_equal_the_costs_of_the_labels(case, relay_rule: bool, extra: int) -> None:  # type: ignore[no-untyped-def]
    cg, ptext = case
    p = parse_perspective(ptext)
    sources = set(cg.sources(p)) | set(sorted(cg.persons)[:extra])  # key persons as origins too
    blocked = cg.blocked_relays(COMPANY) if relay_rule else frozenset()
    want = {v: lab[0] for v, lab in shortest_labels(cg, sources, blocked).items()}
    assert shortest_costs(cg, sources, blocked) == want
    # the context answers the same whichever search ran first
    a, b = AnalysisContext(cg), AnalysisContext(cg)
    b.labels(p)
    for person in cg.persons:
        assert a.cost(person, p) == b.cost(person, p) == (b.best(person, p).cost)
        assert a.status(person, p) == b.status(person, p)

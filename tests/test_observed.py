"""Observed strength (docs/spec.md §4.8.5) from interactions."""

from __future__ import annotations

from datetime import date

import pytest

from brmgraph.analysis.coverage import coverage
from brmgraph.analysis.observed import observed_strength, observed_strengths, with_observed_strength
from brmgraph.graph import CustomerGraph
from brmgraph.model import Dataset

TODAY = date(2026, 6, 1)


@pytest.mark.parametrize(
    "frequency, depth, last, want",
    [
        (1, 4, date(2026, 5, 1), "strong"),    # career consultation, recent
        (3, 3, date(2026, 5, 30), "strong"),   # frequent business consultation
        (2, 3, date(2026, 5, 30), "medium"),   # business consultation, not frequent enough
        (0, 5, date(2026, 1, 1), "medium"),    # a friend, but not within 90 days
        (0, 5, date(2025, 11, 1), "weak"),     # nothing for more than 180 days
        (1, 1, date(2026, 5, 30), "weak"),     # one like
        (2, 1, date(2026, 5, 30), "medium"),   # likes, often
        (1, 2, date(2026, 3, 3), "medium"),    # a visit, 90 days ago (window end included)
    ],
)
def test_rule(frequency, depth, last, want):
    assert observed_strength(frequency, depth, last, TODAY).value == want


def test_only_declared_employee_ties_change_and_analyses_see_them():
    ds = Dataset.model_validate({
        "customers": [{"id": "C1"}],
        "key_persons": [{"id": "P1", "customer": "C1", "veto": "yes"}, {"id": "P2", "customer": "C1"}],
        "employees": [{"id": "E1"}, {"id": "E2"}],
        "influences": [{"source": "E1", "target": "P2", "strength": "weak"},
                       {"source": "P2", "target": "P1", "strength": "weak"},
                       {"source": "E2", "target": "P2", "strength": "strong"}],
        "projects": [{"id": "J1", "customer": "C1", "decision_chain": [{"person": "P1"}]}],
        "interactions": [{"employee": "E1", "person": "P2", "date": "2026-05-20", "kind": "mentor"},
                         {"employee": "E2", "person": "P1", "date": "2026-05-20", "kind": "friend"},
                         {"employee": "E1", "person": "P2", "date": "2026-07-01", "kind": "greeting"}],
    })
    out = with_observed_strength(ds, "C1", TODAY)
    got = {(i.source, i.target): i.strength.value for i in out.influences}
    # E1→P2 observed strong; P2→P1 internal stays; E2→P2 has no interaction: declared;
    # E2's interaction with P1 creates no tie; the interaction after today is ignored
    assert got == {("E1", "P2"): "strong", ("P2", "P1"): "weak", ("E2", "P2"): "strong"}
    assert coverage(CustomerGraph.from_dataset(out, "C1"), project="J1").members[0].cost == 4


def test_histories_over_several_customers():
    """Hand-built histories → the strengths every command then uses (strength_from)."""
    from brmgraph.analysis.observed import StrengthFrom, observed_in, strength_from

    ds = Dataset.model_validate({
        "customers": [{"id": "C1"}, {"id": "C2"}],
        "key_persons": [{"id": "P1", "customer": "C1"}, {"id": "P2", "customer": "C1"},
                        {"id": "Q1", "customer": "C2"}, {"id": "Q2", "customer": "C2"}],
        "employees": [{"id": "E1"}, {"id": "E2"}],
        "competitors": [{"id": "K1"}],
        "competitor_staff": [{"id": "S1", "competitor": "K1"}],
        "influences": [{"source": "E1", "target": "P1", "strength": "weak"},
                       {"source": "E2", "target": "P1", "strength": "strong"},
                       {"source": "E1", "target": "Q1", "strength": "medium"},
                       {"source": "E2", "target": "Q2", "strength": "medium"},
                       {"source": "S1", "target": "Q2", "strength": "weak"},
                       {"source": "P1", "target": "P2", "strength": "weak"}],
        "interactions": [
            # E1–P1: three technical talks in the window → strong
            *({"employee": "E1", "person": "P1", "date": d, "kind": "technical consultation"}
              for d in ("2026-03-10", "2026-04-20", "2026-05-25")),
            # E2–P1: a friend long ago, a like last month → the last is recent, depth 5 → strong
            {"employee": "E2", "person": "P1", "date": "2019-01-01", "kind": "friend"},
            {"employee": "E2", "person": "P1", "date": "2026-05-01", "kind": "点赞"},
            # E1–Q1: visits, the last 100 days ago → medium (not recent, not stale)
            {"employee": "E1", "person": "Q1", "date": "2026-02-21", "kind": "visit"},
            {"employee": "E1", "person": "Q1", "date": "2026-01-10", "kind": "会议"},
            # E2–Q2: one greeting a week ago → weak
            {"employee": "E2", "person": "Q2", "date": "2026-05-25", "kind": "greeting"},
            # a competitor's contact and an untied pair are not ties of ours
            {"employee": "E1", "person": "Q2", "date": "2026-05-25", "kind": "mentor"},
        ],
    })
    want = {("E1", "P1"): "strong", ("E2", "P1"): "strong", ("E1", "Q1"): "medium", ("E2", "Q2"): "weak"}
    assert {k: v.value for k, v in observed_in(ds, TODAY).items()} == want
    assert {k: v.value for k, v in observed_in(ds, TODAY, "C2").items()} == {
        k: v for k, v in want.items() if k[1].startswith("Q")}
    out = strength_from(ds, StrengthFrom.interactions, TODAY)
    got = {(i.source, i.target): i.strength.value for i in out.influences}
    assert got == {**want, ("S1", "Q2"): "weak", ("P1", "P2"): "weak"}
    assert strength_from(ds, "declared", TODAY) is ds
    # per customer, the data-set reading equals the graph reading
    for c in ("C1", "C2"):
        assert observed_in(ds, TODAY, c) == observed_strengths(CustomerGraph.from_dataset(ds, c), TODAY)

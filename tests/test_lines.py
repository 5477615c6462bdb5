"""The four lines (SPEC 4.6) and the report JSON shape (SPEC 5) on a small named graph.

The graph (arcs with their costs)::

    E1 -strong(1)-> A          A reports to B: B -> A (1), A -> B (2)
    A -medium(2)-> C           C opposes (may not relay for us)
    C -strong(1)-> B           S1 (competitor K1) -medium(2)-> B
    D: no edges

    A  IT       support  veto yes
    B  Exec     neutral  approver yes
    C  IT       oppose
    D  Finance  unknown
    open project J1: chain B, D; no competitors listed (so: all competitors)
"""

from __future__ import annotations

from datetime import date

import pytest

from brmgraph.analysis.lines import report
from brmgraph.graph import COMPANY
from brmgraph.service.scope import parse_perspective
from tests.builders import M, S, build

TODAY = date(2026, 10, 1)


def graph():
    return build(
        {
            "A": {"department": "IT", "closeness": "support", "veto": "yes", "reports_to": "B"},
            "B": {"department": "Exec", "closeness": "neutral", "approver": "yes"},
            "C": {"department": "IT", "closeness": "oppose"},
            "D": {"department": "Finance"},
        },
        [("E1", "A", S), ("A", "C", M), ("C", "B", S), ("S1", "B", M)],
        staff={"S1": "K1"},
        projects=[{"id": "J1", "customer": "C1", "decision_chain": [{"person": "D", "role": "user"},
                                                                     {"person": "B", "role": "decision_maker"}]}],
        interactions=[{"employee": "E1", "person": "A", "date": "2026-09-01", "kind": "visit"}],
    )


@pytest.fixture(scope="module")
def rep():
    return report(graph(), COMPANY, today=TODAY).model_dump(mode="json")


def test_top_level_shape(rep):
    assert set(rep) >= {"customer", "perspective", "lines"}
    assert (rep["customer"], rep["perspective"], rep["max_cost"], rep["today"]) == ("C1", "company", 4, "2026-10-01")
    assert list(rep["lines"]) == ["customer", "decision_chain", "key_person", "influence"]


def test_customer_line(rep):
    c = rep["lines"]["customer"]
    # company best paths: A [E1,A] 1; B [E1,A,B] 1+2 = 3; C [E1,A,C] 1+2 = 3; D none
    # covered (direct or <= 4): A, B, C -> departments IT, Exec of Exec, Finance, IT -> 2/3
    assert c["covered_persons"] == ["A", "B", "C"]
    assert c["departments"] == ["Exec", "Finance", "IT"]
    assert c["breadth"] == pytest.approx(2 / 3)
    # direct sources per covered person: A 1 (E1), B 0, C 0 -> 1/3
    assert c["depth"] == pytest.approx(1 / 3)
    # known features: A closeness, veto, reports_to, influenced = 4; B closeness, approver,
    # influenced = 3; C closeness, influenced = 2; D 0 -> 9 / 28
    assert c["transparency"] == pytest.approx(9 / 28)
    assert c["stance_mix"] == {"strong_support": 0, "support": 1, "neutral": 1, "oppose": 1, "strong_oppose": 0, "unknown": 1}
    assert c["decision_makers"] == ["A", "B", "D"]
    assert c["coverage"]["coverage"] == pytest.approx(2 / 3)  # A direct, B indirect, D none
    assert c["coverage"]["weighted_coverage"] == pytest.approx(6 / 7)  # (3 + 3) / (3 + 3 + 1)
    # B: our 3 versus K1's 2 -> COMPETITOR_CLOSER; A: ours 1, theirs S1->B->A 3 -> fine
    assert c["exposure"] == {"scope": {"customer": "C1"},
                             "exposed": [{"person": "B", "veto": "unknown", "approver": "yes", "reasons": ["COMPETITOR_CLOSER"]}],
                             "unassessed": ["B", "D"]}
    assert c["cooling"] == ["B", "C", "D"]  # only A had an interaction in the last 90 days


def test_decision_chain_line(rep):
    (j,) = rep["lines"]["decision_chain"]
    assert j["project"] == "J1" and j["status"] == "open"
    assert j["members"] == [{"person": "B", "role": "decision_maker"}, {"person": "D", "role": "user"}]
    assert [(m["person"], m["status"], m["cost"]) for m in j["coverage"]["members"]] == [("B", "indirect", 3), ("D", "none", None)]
    assert j["comparison"] == [
        {"person": "B", "ours_cost": 3, "ours_path": ["E1", "A", "B"], "competitor_cost": 2,
         "competitor_path": ["S1", "B"], "closer": "competitor"},
        {"person": "D", "ours_cost": None, "ours_path": [], "competitor_cost": None, "competitor_path": [],
         "closer": "neither"},
    ]
    assert j["competitor_coverage"] == [{"competitor": "K1", "coverage": 0.5, "weighted_coverage": 0.75}]
    assert j["exposure"]["exposed"] == [{"person": "B", "veto": "unknown", "approver": "yes", "reasons": ["COMPETITOR_CLOSER"]}]


def test_key_person_line(rep):
    kp = {k["person"]: k for k in rep["lines"]["key_person"]}
    assert list(kp) == ["A", "B", "C", "D"]
    b = kp["B"]
    assert b["influenced_by"] == {"internal": [{"source": "C", "strength": "strong", "competitor": None}],
                                  "ours": [],
                                  "competitors": [{"source": "S1", "strength": "medium", "competitor": "K1"}]}
    assert b["paths"]["company"]["path"] == ["E1", "A", "B"]
    assert b["paths"]["competitor:*"]["path"] == ["S1", "B"]
    assert b["strategy"]["strategy"] == "influence" and b["strategy"]["tactics"]
    assert b["decision_maker"] is True and b["roles"] == [{"project": "J1", "role": "decision_maker"}]
    a = kp["A"]
    assert a["influences"] == ["C"] and a["reports_to"] == "B"
    assert (a["interactions"], a["last_interaction"], a["cooling"]) == (1, "2026-09-01", False)
    assert a["degrees"][0]["depth"] == 2 and a["degrees"][0]["frequency"] == 1
    assert kp["C"]["strategy"]["strategy"] == "defuse" and kp["D"]["strategy"]["strategy"] == "assess"


def test_influence_line(rep):
    inf = rep["lines"]["influence"]
    # key-person arcs: B->A 1, A->B 2, A->C 2, C->B 1.
    # shortest by cost: B->C via A (3), C->A via B (2); every other pair is direct.
    # betweenness A 1, B 1, C 0, D 0. out_degree (internal influence only): A 1 (C), C 1 (B).
    # reach (decision makers A, B, D other than itself within 4): A: B(2); B: A(1); C: B(1), A(2); D: 0.
    # on best paths (company): B's path E1 -> A -> B passes A.
    assert inf["persons"] == [
        {"person": "A", "out_degree": 1, "betweenness": 1.0, "reach": 1, "on_best_paths": 1},
        {"person": "B", "out_degree": 0, "betweenness": 1.0, "reach": 1, "on_best_paths": 0},
        {"person": "C", "out_degree": 1, "betweenness": 0.0, "reach": 2, "on_best_paths": 0},
        {"person": "D", "out_degree": 0, "betweenness": 0.0, "reach": 0, "on_best_paths": 0},
    ]
    # E1: A direct, B at 3 -> reach 2, direct 1. K1: B direct (2), A via B (3) -> 2, 1.
    assert inf["employees"] == [{"employee": "E1", "name": "E1", "team": "East", "reach": 2, "direct": 1}]
    assert inf["competitors"] == [{"competitor": "K1", "name": "", "reach": 2, "direct": 1}]


def test_competitor_perspective_changes_coverage_lines():
    r = report(graph(), parse_perspective("competitor:*"), today=TODAY).model_dump(mode="json")
    c = r["lines"]["customer"]
    # from S1: B 2, A 3 (B -> A), C 3 + 2 = 5 (> 4), D none
    assert c["covered_persons"] == ["A", "B"]
    assert c["breadth"] == pytest.approx(2 / 3) and c["depth"] == pytest.approx(0.5)
    assert r["perspective"] == "competitor:*"
    assert r["lines"]["key_person"][1]["paths"]["competitor:*"]["path"] == ["S1", "B"]
    assert list(r["lines"]["key_person"][1]["paths"]) == ["competitor:*", "company"]
    # the exposure stays the company view
    assert c["exposure"]["exposed"][0]["reasons"] == ["COMPETITOR_CLOSER"]


@pytest.mark.parametrize("p", ["individual:E1", "team:East", "team:Nobody", "company", "competitor:K1", "competitor:*"])
def test_every_perspective_runs(p):
    r = report(graph(), parse_perspective(p), today=TODAY)
    assert r.perspective == p
    assert [x.person for x in r.lines.influence.persons] == ["A", "B", "C", "D"]
    # betweenness and out-degree do not depend on the perspective
    assert [x.betweenness for x in r.lines.influence.persons] == [1.0, 1.0, 0.0, 0.0]


def test_empty_customer():
    r = report(build([], []), COMPANY, today=TODAY)
    c = r.lines.customer
    assert (c.breadth, c.depth, c.transparency, c.coverage.coverage) == (None, None, None, None)
    assert r.lines.influence.persons == []

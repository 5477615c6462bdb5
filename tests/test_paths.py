"""Influence paths (SPEC 4.2) on small named graphs, answers worked out by hand.

Costs: strong 1, medium 2, weak 3; ``a reports_to b``: b → a costs 1, a → b costs 2.
"""

from __future__ import annotations

import pytest

from brmgraph.analysis.paths import PathResult, best_path, best_paths
from brmgraph.errors import BadArgument, NotFound
from brmgraph.graph import ALL_COMPETITORS, ARC_KINDS, COMPANY, CustomerGraph, Step
from brmgraph.service.scope import check_perspective, parse_perspective
from tests.builders import M, S, W, build


def bp(cg: CustomerGraph, target: str, perspective: str = "company") -> tuple:
    r = best_path(cg, target, parse_perspective(perspective))
    return r.cost, r.hops, r.path


# ---------------------------------------------------------------- ties
def test_tie_on_cost_fewer_hops_wins():
    # E1 -weak(3)-> T  versus  E1 -strong(1)-> A -medium(2)-> T: both cost 3;
    # the direct arc has 1 hop, so it wins.
    cg = build(["A", "T"], [("E1", "T", W), ("E1", "A", S), ("A", "T", M)])
    assert bp(cg, "T") == (3, 1, ["E1", "T"])


def test_tie_on_cost_and_hops_smallest_ids_win():
    # E1 -> A -> T and E1 -> B -> T, all strong: cost 2, 2 hops each; ['E1','A','T'] < ['E1','B','T'].
    cg = build(["A", "B", "T"], [("E1", "B", S), ("E1", "A", S), ("A", "T", S), ("B", "T", S)])
    assert bp(cg, "T") == (2, 2, ["E1", "A", "T"])


def test_tie_across_sources_compares_source_ids_first():
    # E2 -> A -> T and E1 -> B -> T, all strong: ['E1','B','T'] < ['E2','A','T'] although A < B.
    cg = build(
        ["A", "B", "T"],
        [("E2", "A", S), ("E1", "B", S), ("A", "T", S), ("B", "T", S)],
        employees={"E1": "East", "E2": "East"},
    )
    assert bp(cg, "T") == (2, 2, ["E1", "B", "T"])


def test_tie_uses_string_not_numeric_order():
    # E1 -> P9 -> T and E1 -> P10 -> T, all strong: as strings "P10" < "P9".
    cg = build(["P9", "P10", "T"], [("E1", "P9", S), ("E1", "P10", S), ("P9", "T", S), ("P10", "T", S)])
    assert bp(cg, "T") == (2, 2, ["E1", "P10", "T"])


def test_tie_broken_late_in_the_path():
    # Two equal-cost 3-hop paths sharing the prefix E1 -> A; they differ at the third id:
    # E1 -> A -> X -> T and E1 -> A -> Y -> T (all strong): X < Y.
    # A cheaper-looking but longer route E1 -> B -> C -> D -> T (all strong, cost 4) loses on cost.
    cg = build(
        ["A", "B", "C", "D", "X", "Y", "T"],
        [("E1", "A", S), ("A", "Y", S), ("A", "X", S), ("X", "T", S), ("Y", "T", S),
         ("E1", "B", S), ("B", "C", S), ("C", "D", S), ("D", "T", S)],
    )
    assert bp(cg, "T") == (3, 3, ["E1", "A", "X", "T"])


# ---------------------------------------------------------------- relay rule
OPP = {"closeness": "oppose"}


def test_opposer_blocks_the_only_path_but_is_reachable():
    # E1 -> O -> T (strong); O opposes. Company: O is a target (cost 1) but cannot relay to T.
    cg = build({"O": OPP, "T": {}}, [("E1", "O", S), ("O", "T", S)], staff={"S1": "K1"})
    assert bp(cg, "O") == (1, 1, ["E1", "O"])
    assert bp(cg, "T") == (None, None, [])
    # no relay rule for competitors: S1 -> O -> T works
    cg2 = build({"O": OPP, "T": {}}, [("S1", "O", S), ("O", "T", S)], staff={"S1": "K1"})
    assert bp(cg2, "T", "competitor:K1") == (2, 2, ["S1", "O", "T"])
    assert bp(cg2, "T", "competitor:*") == (2, 2, ["S1", "O", "T"])


def test_strong_opposer_forces_a_dearer_detour():
    # E1 -> X -> T strong (2) through a strong opposer X; detour E1 -> A -> T weak (3+3 = 6).
    cg = build({"X": {"closeness": "strong_oppose"}, "A": {}, "T": {}},
               [("E1", "X", S), ("X", "T", S), ("E1", "A", W), ("A", "T", W)])
    assert bp(cg, "T") == (6, 2, ["E1", "A", "T"])
    assert bp(cg, "X") == (1, 1, ["E1", "X"])


def test_opposer_as_target_reached_through_others():
    # E1 -> A -> O (strong, strong): the opposer is the end of the path, which is allowed.
    cg = build({"A": {}, "O": OPP}, [("E1", "A", S), ("A", "O", S)])
    assert bp(cg, "O") == (2, 2, ["E1", "A", "O"])


# ---------------------------------------------------------------- reports-to arcs
def test_upward_referral_and_down_the_line():
    # A reports to B, C reports to B. E1 -strong-> A.
    # to B: E1 -> A (1) then referral up A -> B (2) = 3.
    # to C: E1 -> A -> B -> C = 1 + 2 + 1 = 4.
    cg = build({"A": {"reports_to": "B"}, "B": {}, "C": {"reports_to": "B"}}, [("E1", "A", S)])
    assert bp(cg, "B") == (3, 2, ["E1", "A", "B"])
    assert bp(cg, "C") == (4, 3, ["E1", "A", "B", "C"])


def test_reporting_arc_beats_weak_influence_between_same_pair():
    # B influences A weakly (3) and B is A's superior (arc B -> A costs 1): the arc costs 1.
    cg = build({"A": {"reports_to": "B"}, "B": {}}, [("E1", "B", S), ("B", "A", W)])
    assert bp(cg, "A") == (2, 2, ["E1", "B", "A"])


# ---------------------------------------------------------------- perspectives
def _four_perspectives_graph() -> CustomerGraph:
    # E1 (East) -medium-> A -strong-> T ; E2 (West) -weak-> T ; S1 (K1) -strong-> T ; S2 (K2) -medium-> A
    return build(
        ["A", "T"],
        [("E1", "A", M), ("A", "T", S), ("E2", "T", W), ("S1", "T", S), ("S2", "A", M)],
        employees={"E1": "East", "E2": "West"},
        staff={"S1": "K1", "S2": "K2"},
    )


@pytest.mark.parametrize(
    "perspective, expected",
    [
        ("individual:E1", (3, 2, ["E1", "A", "T"])),  # 2 + 1
        ("individual:E2", (3, 1, ["E2", "T"])),  # weak direct
        ("team:East", (3, 2, ["E1", "A", "T"])),
        ("team:West", (3, 1, ["E2", "T"])),
        ("company", (3, 1, ["E2", "T"])),  # cost tie 3 = 3, fewer hops wins
        ("competitor:K1", (1, 1, ["S1", "T"])),
        ("competitor:K2", (3, 2, ["S2", "A", "T"])),
        ("competitor:*", (1, 1, ["S1", "T"])),
    ],
)
def test_every_perspective(perspective, expected):
    assert bp(_four_perspectives_graph(), "T", perspective) == expected


def test_perspective_with_no_sources_here_gives_no_paths():
    cg = _four_perspectives_graph()
    res = best_paths(cg, parse_perspective("team:North"))
    assert all(r.cost is None and r.path == [] and r.hops is None for r in res.values())


def test_best_paths_covers_every_key_person_in_id_order():
    cg = _four_perspectives_graph()
    res = best_paths(cg, COMPANY)
    assert list(res) == ["A", "T"]
    assert res["A"] == PathResult(
        target="A", perspective="company", cost=2, hops=1, path=["E1", "A"],
        steps=[Step(from_="E1", to="A", kind="influences_external", cost=2)],
    )
    assert best_paths(cg, ALL_COMPETITORS)["A"].path == ["S2", "A"]


def test_explicit_sources_and_blocked():
    # blocked overrides the relay set: blocking A forces E2's weak arc even for E1.
    cg = _four_perspectives_graph()
    res = best_paths(cg, COMPANY, sources={"E1"}, blocked={"A"})
    assert res["T"].cost is None
    assert res["A"].path == ["E1", "A"]


def test_json_shape_no_path():
    cg = build(["T"], [])
    assert best_path(cg, "T", COMPANY).model_dump(mode="json") == {
        "target": "T", "perspective": "company", "cost": None, "hops": None, "path": [], "steps": []}


# ---------------------------------------------------------------- arc kinds (steps)
def test_k03_k08_reporting_line_beats_weak_influence():
    # K03 is K08's superior (K03 -> K08 costs 1, reports_down) and also influences K08
    # weakly (cost 3). The cheapest edge is the reporting line, so the step says so.
    cg = build({"K03": {}, "K08": {"reports_to": "K03"}}, [("E1", "K03", S), ("K03", "K08", W)])
    r = best_path(cg, "K08", COMPANY)
    assert r.path == ["E1", "K03", "K08"]
    assert [s.model_dump(mode="json") for s in r.steps] == [
        {"from": "E1", "to": "K03", "kind": "influences_external", "cost": 1},
        {"from": "K03", "to": "K08", "kind": "reports_down", "cost": 1},
    ]


@pytest.mark.parametrize("strength", [S, M, W])
@pytest.mark.parametrize("direction", ["down", "up"])
def test_reporting_line_and_influence_on_one_pair(direction, strength):
    # A and B are joined by a reporting line and by an internal influence A -> B of every
    # strength; the arc A -> B is "reports_down" (cost 1) when A is B's superior and
    # "reports_up" (cost 2) when A reports to B. The cheaper edge names the arc; on equal
    # cost the reporting kind comes first in ARC_KINDS.
    persons = {"A": {}, "B": {"reports_to": "A"}} if direction == "down" else {"A": {"reports_to": "B"}, "B": {}}
    cg = build(persons, [("E1", "A", S), ("A", "B", strength)])
    report_cost = 1 if direction == "down" else 2
    report_kind = "reports_down" if direction == "down" else "reports_up"
    infl_cost = {S: 1, M: 2, W: 3}[strength]
    want_cost = min(report_cost, infl_cost)
    want_kind = report_kind if report_cost <= infl_cost else "influences_internal"
    assert cg.arc_kind("A", "B") == want_kind
    assert cg.cost("A", "B") == want_cost
    assert cg.g.edges["A", "B"]["kind"] == want_kind
    r = best_path(cg, "B", COMPANY)
    assert r.path == ["E1", "A", "B"]
    assert r.steps[-1] == Step(from_="A", to="B", kind=want_kind, cost=want_cost)


def test_arc_kind_precedence_order():
    assert ARC_KINDS == ("reports_down", "reports_up", "influences_internal", "influences_external")


def test_steps_one_per_arc_and_costs_add_up():
    cg = build(["A", "B", "T"], [("E1", "A", M), ("A", "B", W), ("B", "T", S)])
    r = best_path(cg, "T", COMPANY)
    assert [(s.from_, s.to) for s in r.steps] == list(zip(r.path, r.path[1:]))
    assert sum(s.cost for s in r.steps) == r.cost
    assert [s.kind for s in r.steps] == ["influences_external", "influences_internal", "influences_internal"]


# ---------------------------------------------------------------- errors
def test_unknown_target():
    with pytest.raises(NotFound, match="unknown key person 'ZZ'"):
        best_path(build(["T"], []), "ZZ", COMPANY)


def test_check_perspective_against_known_ids():
    emps = [type("E", (), {"id": "E1", "team": "East"})()]
    comps = ["K1"]
    assert str(check_perspective("individual:E1", emps, comps)) == "individual:E1"
    assert str(check_perspective("team:East", emps, comps)) == "team:East"
    assert str(check_perspective("competitor:*", emps, comps)) == "competitor:*"
    with pytest.raises(NotFound, match="unknown employee 'E9'"):
        check_perspective("individual:E9", emps, comps)
    with pytest.raises(NotFound, match="unknown team 'West'"):
        check_perspective("team:West", emps, comps)
    with pytest.raises(NotFound, match="unknown competitor 'K9'"):
        check_perspective("competitor:K9", emps, comps)
    with pytest.raises(BadArgument):
        check_perspective("boss:E1", emps, comps)

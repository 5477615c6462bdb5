"""Coverage (SPEC 4.3), exposure (4.4) and flags on small named graphs."""

from __future__ import annotations

import pytest

from brmgraph.analysis.coverage import coverage
from brmgraph.analysis.exposure import Flag, exposure, flags, reasons_for, sort_flags
from brmgraph.errors import BadArgument, NotFound
from brmgraph.graph import COMPANY
from brmgraph.service.scope import parse_perspective
from tests.builders import M, S, W, build

# ---------------------------------------------------------------- coverage


def test_weak_direct_edge_beside_cheaper_indirect_path_is_direct():
    # E1 -weak(3)-> D ; E1 -strong-> A -strong-> D (cost 2). Status direct (an edge from a
    # source straight to D), cost and path are still the best path: 2, [E1, A, D].
    cg = build(
        ["A", "D"],
        [("E1", "D", W), ("E1", "A", S), ("A", "D", S)],
        projects=[{"id": "J1", "customer": "C1", "decision_chain": [{"person": "D", "role": "decision_maker"}]}],
    )
    res = coverage(cg, project="J1")
    assert res.model_dump(mode="json") == {
        "scope": {"project": "J1"},
        "perspective": "company",
        "max_cost": 4,
        "coverage": 1.0,
        "weighted_coverage": 1.0,
        "members": [{"person": "D", "status": "direct", "cost": 2, "path": ["E1", "A", "D"]}],
        "health": "amber",  # added by issue 13 (project scope only)
    }


def _chain_graph():
    # D1 veto=yes: E1 -strong-> D1                         -> direct, cost 1
    # D2:          E1 -> A (medium 2) -> D2 (medium 2)      -> indirect, cost 4 (<= 4)
    # D3 approver: E1 -> A (2) -> B (weak 3) -> D3 (strong 1) -> cost 6 > 4 -> none
    # D4:          nothing reaches it                       -> none, no path
    return build(
        {"D1": {"veto": "yes"}, "D2": {}, "D3": {"approver": "yes"}, "D4": {}, "A": {}, "B": {}},
        [("E1", "D1", S), ("E1", "A", M), ("A", "D2", M), ("A", "B", W), ("B", "D3", S)],
        projects=[
            {
                "id": "J1",
                "customer": "C1",
                "decision_chain": [
                    {"person": "D4", "role": "user"},
                    {"person": "D1", "role": "decision_maker"},
                    {"person": "D2", "role": "technical"},
                    {"person": "D3", "role": "approver"},
                ],
            },
            {"id": "J2", "customer": "C1", "decision_chain": []},
            {"id": "J3", "customer": "C1", "status": "lost", "decision_chain": [{"person": "A"}]},
        ],
    )


def test_statuses_costs_and_weights():
    res = coverage(_chain_graph(), project="J1")
    got = [(m.person, m.status, m.cost, m.path) for m in res.members]
    assert got == [
        ("D1", "direct", 1, ["E1", "D1"]),
        ("D2", "indirect", 4, ["E1", "A", "D2"]),
        ("D3", "none", 6, ["E1", "A", "B", "D3"]),
        ("D4", "none", None, []),
    ]
    # 2 of 4 covered; weights D1 3, D2 1, D3 3, D4 1 -> (3 + 1) / 8
    assert res.coverage == 0.5
    assert res.weighted_coverage == 0.5
    # with max cost 6, D3 becomes indirect: 3 of 4; weighted (3 + 1 + 3) / 8
    res6 = coverage(_chain_graph(), project="J1", max_cost=6)
    assert res6.coverage == 0.75 and res6.weighted_coverage == 7 / 8
    # max cost 0: only direct counts
    res0 = coverage(_chain_graph(), project="J1", max_cost=0)
    assert [m.status for m in res0.members] == ["direct", "none", "none", "none"]


def test_customer_scope_is_open_chains_plus_veto_and_approver():
    # open J1 members D1..D4; J2 empty; J3 is lost so A does not count; no other veto/approver.
    res = coverage(_chain_graph())
    assert res.scope == {"customer": "C1"}
    assert [m.person for m in res.members] == ["D1", "D2", "D3", "D4"]


def test_veto_holder_outside_any_chain_is_a_customer_decision_maker():
    cg = build({"V": {"veto": "yes"}, "A": {"approver": "yes"}, "X": {}}, [("E1", "V", M)])
    assert [m.person for m in coverage(cg).members] == ["A", "V"]


def test_chain_without_members_gives_null_coverage():
    res = coverage(_chain_graph(), project="J2")
    assert res.coverage is None and res.weighted_coverage is None and res.members == []
    assert res.model_dump(mode="json")["coverage"] is None
    # and a customer without any decision maker
    res2 = coverage(build(["A"], [("E1", "A", S)]))
    assert res2.coverage is None and res2.weighted_coverage is None


def test_coverage_under_a_competitor_perspective_has_no_relay_rule():
    # S1 -> O (opposer) -> D, all strong. competitor:K1: indirect, cost 2. company: none.
    cg = build(
        {"O": {"closeness": "oppose"}, "D": {"veto": "yes"}},
        [("S1", "O", S), ("O", "D", S), ("E1", "O", S)],
        staff={"S1": "K1"},
    )
    theirs = coverage(cg, parse_perspective("competitor:K1"))
    assert [(m.status, m.cost) for m in theirs.members] == [("indirect", 2)]
    ours = coverage(cg, COMPANY)
    assert [(m.status, m.cost) for m in ours.members] == [("none", None)]


def test_direct_only_counts_sources_of_the_perspective():
    # E2 (West) has the direct edge; from team:East (E1) D is only indirect via A.
    cg = build(
        {"D": {"veto": "yes"}, "A": {}},
        [("E2", "D", W), ("E1", "A", S), ("A", "D", S)],
        employees={"E1": "East", "E2": "West"},
    )
    assert coverage(cg, parse_perspective("team:East")).members[0].status == "indirect"
    assert coverage(cg, parse_perspective("team:West")).members[0].status == "direct"
    assert coverage(cg, parse_perspective("individual:E2")).members[0].status == "direct"
    assert coverage(cg, COMPANY).members[0].status == "direct"


def test_coverage_errors():
    with pytest.raises(NotFound, match="unknown project 'J9'"):
        coverage(_chain_graph(), project="J9")
    with pytest.raises(BadArgument):
        coverage(_chain_graph(), max_cost=-1)


# ---------------------------------------------------------------- exposure


def _competition(ours: str | None, theirs: str | None, closeness: str = "support"):
    """V holds the veto; our E1 and competitor staff S1 (K1) each have an optional edge to it."""
    infl = []
    if ours:
        infl.append(("E1", "V", ours))
    if theirs:
        infl.append(("S1", "V", theirs))
    return build({"V": {"veto": "yes", "closeness": closeness}}, infl, staff={"S1": "K1"})


@pytest.mark.parametrize(
    "ours, theirs, reasons",
    [
        (M, S, ["COMPETITOR_CLOSER"]),  # 1 < 2: closer
        (M, M, []),  # 2 = 2: equal is not closer
        (S, W, []),  # theirs dearer
        (M, None, []),  # competitor absent
        (None, W, ["UNCOVERED", "COMPETITOR_CLOSER"]),  # they have a path, we do not
        (None, None, ["UNCOVERED"]),
    ],
)
def test_competitor_closer_equal_absent(ours, theirs, reasons):
    res = exposure(_competition(ours, theirs))
    got = res.exposed[0].reasons if res.exposed else []
    assert got == reasons


def test_reasons_in_table_order():
    # uncovered, opposed and the competitor reaches him: all but STANCE_UNKNOWN, in order.
    cg = _competition(None, S, closeness="strong_oppose")
    assert exposure(cg).exposed[0].reasons == ["UNCOVERED", "OPPOSED", "COMPETITOR_CLOSER"]
    cg2 = _competition(None, S, closeness="unknown")
    assert exposure(cg2).exposed[0].reasons == ["UNCOVERED", "STANCE_UNKNOWN", "COMPETITOR_CLOSER"]


def test_exposure_shape_approvers_and_unassessed():
    # V veto yes, covered, supportive -> not exposed. AP approver yes, veto unknown,
    # uncovered -> exposed (UNCOVERED, STANCE_UNKNOWN) and unassessed. U: chain member,
    # veto unknown -> unassessed only. N: veto no -> neither.
    cg = build(
        {
            "V": {"veto": "yes", "closeness": "support"},
            "AP": {"approver": "yes"},
            "U": {},
            "N": {"veto": "no", "closeness": "oppose"},
        },
        [("E1", "V", S), ("E1", "U", S), ("E1", "N", S)],
        projects=[{"id": "J1", "customer": "C1", "decision_chain": [{"person": "U"}, {"person": "N"}]}],
    )
    assert exposure(cg).model_dump(mode="json") == {
        "scope": {"customer": "C1"},
        "exposed": [{"person": "AP", "veto": "unknown", "approver": "yes", "reasons": ["UNCOVERED", "STANCE_UNKNOWN"]}],
        "unassessed": ["AP", "U"],
    }
    assert exposure(cg, project="J1").model_dump(mode="json") == {
        "scope": {"project": "J1"},
        "exposed": [],
        "unassessed": ["U"],
    }


def _two_competitors(project_competitors: list[str]):
    # V veto, supportive. Ours: E1 -medium-> V (2). K1: S1 -strong-> V (1). K2: S2 -weak-> V (3).
    return build(
        {"V": {"veto": "yes", "closeness": "support"}},
        [("E1", "V", M), ("S1", "V", S), ("S2", "V", W)],
        staff={"S1": "K1", "S2": "K2"},
        projects=[{"id": "J1", "customer": "C1", "competitors": project_competitors,
                   "decision_chain": [{"person": "V"}]}],
    )


def test_project_scope_uses_the_projects_competitors():
    assert exposure(_two_competitors(["K2"]), project="J1").exposed == []  # K2 costs 3 > 2
    assert exposure(_two_competitors(["K1"]), project="J1").exposed[0].reasons == ["COMPETITOR_CLOSER"]
    # none listed: every competitor, K1 is closer
    assert exposure(_two_competitors([]), project="J1").exposed[0].reasons == ["COMPETITOR_CLOSER"]
    # customer scope: competitor:*, whatever the project lists
    assert exposure(_two_competitors(["K2"])).exposed[0].reasons == ["COMPETITOR_CLOSER"]
    assert reasons_for(_two_competitors(["K2"]), "V", project="J1") == []


def test_competitor_path_through_an_opposer_counts():
    # Ours: E1 -> O -> V blocked (O opposes), E1 -weak-> A -weak-> V = 6 > 4 (uncovered).
    # Theirs: S1 -> O -> V strong = 2 (no relay rule) -> COMPETITOR_CLOSER.
    cg = build(
        {"O": {"closeness": "oppose"}, "A": {}, "V": {"veto": "yes", "closeness": "neutral"}},
        [("E1", "O", S), ("O", "V", S), ("E1", "A", W), ("A", "V", W), ("S1", "O", S)],
        staff={"S1": "K1"},
    )
    assert exposure(cg).exposed[0].reasons == ["UNCOVERED", "COMPETITOR_CLOSER"]


# ---------------------------------------------------------------- flags


def test_flags_one_record_per_project_and_person_with_all_reasons():
    # V1 veto, uncovered, unknown stance, member of open J1 and J2 (twice in J2) and lost J3.
    # V2 veto, covered -> no flag. A approver, uncovered -> not a veto holder, no flag.
    cg = build(
        {"V1": {"veto": "yes"}, "V2": {"veto": "yes", "closeness": "support"}, "A": {"approver": "yes"}},
        [("E1", "V2", S), ("S1", "V1", W)],
        staff={"S1": "K1"},
        projects=[
            {"id": "J2", "customer": "C1", "competitors": ["K1"],
             "decision_chain": [{"person": "V1", "role": "a"}, {"person": "V1", "role": "b"}, {"person": "A"}]},
            {"id": "J1", "customer": "C1", "competitors": [],
             "decision_chain": [{"person": "V2"}, {"person": "V1"}]},
            {"id": "J3", "customer": "C1", "status": "lost", "decision_chain": [{"person": "V1"}]},
        ],
    )
    got = [f.model_dump(include={"project", "customer", "person", "reasons"}) for f in flags(cg)]
    assert got == [
        {"project": "J1", "customer": "C1", "person": "V1", "reasons": ["UNCOVERED", "STANCE_UNKNOWN", "COMPETITOR_CLOSER"]},
        {"project": "J2", "customer": "C1", "person": "V1", "reasons": ["UNCOVERED", "STANCE_UNKNOWN", "COMPETITOR_CLOSER"]},
    ]


def test_flags_covered_veto_holder_with_other_reasons_is_not_flagged():
    # V veto, opposed but reached directly: OPPOSED only, no UNCOVERED -> no flag.
    cg = build({"V": {"veto": "yes", "closeness": "oppose"}}, [("E1", "V", S)],
               projects=[{"id": "J1", "customer": "C1", "decision_chain": [{"person": "V"}]}])
    assert flags(cg) == []


def test_sort_flags_by_ids():
    recs = [Flag(project="J2", customer="C1", person="P1", reasons=[]),
            Flag(project="J10", customer="C2", person="P9", reasons=[]),
            Flag(project="J10", customer="C2", person="P10", reasons=[])]
    assert [(f.project, f.person) for f in sort_flags(recs)] == [("J10", "P10"), ("J10", "P9"), ("J2", "P1")]

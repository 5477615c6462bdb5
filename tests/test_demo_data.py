"""The bundled demo data set (brmgraph/data/demo.yaml) tells the story its header says.

Graph-level facts are checked with :class:`CustomerGraph` and networkx alone; the
analysis-level facts use ``brmgraph.analysis.*`` (skipped until those modules exist).
"""

from __future__ import annotations

import importlib
from collections import Counter
from datetime import date
from pathlib import Path

import networkx as nx
import pytest
import yaml

import brmgraph
from brmgraph.graph import ALL_COMPETITORS, COMPANY, CustomerGraph, Perspective
from brmgraph.model import Dataset
from brmgraph.service.scope import parse_perspective

DEMO = Path(brmgraph.__file__).parent / "data" / "demo.yaml"
TODAY = date(2026, 11, 23)


def _analysis(name: str):
    return importlib.import_module(f"brmgraph.analysis.{name}")


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return Dataset.model_validate(yaml.safe_load(DEMO.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def cgs(ds: Dataset) -> dict[str, CustomerGraph]:
    return {c.id: CustomerGraph.from_dataset(ds, c.id) for c in ds.customers}


# --------------------------------------------------------------------------- shape
def test_sizes(ds: Dataset) -> None:
    n = ds.counts()
    assert n["customers"] >= 3 and len({c.industry for c in ds.customers}) >= 3
    assert n["key_persons"] >= 40
    assert n["employees"] >= 10 and len({e.team for e in ds.employees}) >= 3
    assert n["competitors"] == 2 and n["competitor_staff"] >= 4
    assert n["projects"] >= 5
    assert {j.status.value for j in ds.projects} == {"open", "won", "lost"}
    assert n["interactions"] >= 60


def test_every_enum_value_is_used(ds: Dataset) -> None:
    stances = Counter()
    for p in ds.key_persons:
        stances.update([p.closeness.value, p.solution_acceptance.value, p.price_acceptance.value])
    assert set(stances) == {"strong_support", "support", "neutral", "oppose", "strong_oppose", "unknown"}
    assert {p.closeness.value for p in ds.key_persons} == set(stances)
    assert {p.veto.value for p in ds.key_persons} == {"yes", "no", "unknown"}
    assert {p.approver.value for p in ds.key_persons} == {"yes", "no", "unknown"}
    assert {i.strength.value for i in ds.influences} == {"strong", "medium", "weak"}


def test_chinese_labels_are_used() -> None:
    raw = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    closeness = {p.get("closeness") for p in raw["key_persons"]}
    assert {"支持", "强支持", "反对", "未知"} <= closeness
    assert {"是", "否", "未知"} <= {p.get("veto") for p in raw["key_persons"]}
    assert {"强", "中", "弱"} <= {i.get("strength") for i in raw["influences"]}


def test_interaction_kinds_cover_five_depths_and_three_years(ds: Dataset) -> None:
    kinds = {x.kind for x in ds.interactions}
    assert kinds == {
        "greeting", "like", "visit", "meeting", "business consultation", "technical consultation",
        "family consultation", "career consultation", "friend", "mentor",
    }
    dates = [x.date for x in ds.interactions]
    assert max(dates) <= TODAY
    assert (TODAY - min(dates)).days > 2.9 * 365


def test_import_rules_hold(ds: Dataset) -> None:
    """SPEC §3, checked independently of the validator."""
    ids = [r.id for sec in ("customers", "key_persons", "employees", "competitors", "competitor_staff", "projects")
           for r in getattr(ds, sec)]
    assert len(ids) == len(set(ids))
    persons = {p.id: p for p in ds.key_persons}
    staff = {e.id for e in ds.employees} | {s.id for s in ds.competitor_staff}
    customers = {c.id for c in ds.customers}
    assert all(p.customer in customers for p in ds.key_persons)
    assert all(s.competitor in {k.id for k in ds.competitors} for s in ds.competitor_staff)
    # reports_to: same customer, no cycles
    tree = nx.DiGraph()
    for p in ds.key_persons:
        if p.reports_to:
            assert persons[p.reports_to].customer == p.customer
            tree.add_edge(p.id, p.reports_to)
    assert nx.is_directed_acyclic_graph(tree)
    pairs = [(i.source, i.target) for i in ds.influences]
    assert len(pairs) == len(set(pairs))
    for i in ds.influences:
        assert i.source != i.target and i.target in persons
        if i.source in persons:
            assert persons[i.source].customer == persons[i.target].customer
        else:
            assert i.source in staff
    for j in ds.projects:
        assert j.customer in customers
        assert all(persons[m.person].customer == j.customer for m in j.decision_chain)
        assert set(j.competitors) <= {k.id for k in ds.competitors}
    for x in ds.interactions:
        assert x.person in persons and x.employee in {e.id for e in ds.employees}


def test_validates_with_the_importer() -> None:
    from brmgraph.dataset import load_dataset

    loaded = load_dataset(DEMO)
    assert loaded.counts()["key_persons"] >= 40


def test_org_charts_and_cycles(cgs: dict[str, CustomerGraph]) -> None:
    for cg in cgs.values():
        depts = {p.department for p in cg.persons.values()}
        assert len(depts) >= 5
        roots = [p for p in cg.persons.values() if not p.reports_to]
        assert 1 <= len(roots) <= 2
        internal = nx.DiGraph(
            [(i.source, i.target) for i in cg.influences if i.source in cg.persons]
        )
        assert list(nx.simple_cycles(internal)), f"no internal influence cycle at {cg.id}"
    roles = {m.role for cg in cgs.values() for j in cg.projects.values() for m in j.decision_chain}
    assert {"decision_maker", "technical_evaluator", "user", "procurement", "approver"} <= roles


# --------------------------------------------------------------------------- the story, graph level
def _without_relays(cg: CustomerGraph, perspective: Perspective) -> nx.DiGraph:
    g = cg.g.copy()
    for b in cg.blocked_relays(perspective):
        g.remove_edges_from(list(g.out_edges(b)))
    return g


def _reachable(g: nx.DiGraph, sources: set[str], target: str) -> bool:
    return any(nx.has_path(g, s, target) for s in sources)


def test_p103_is_reached_by_no_employee(cgs: dict[str, CustomerGraph]) -> None:
    cg = cgs["C1"]
    p = cg.persons["P103"]
    assert p.veto.value == "yes"
    assert "P103" in cg.project_decision_makers("J1") and cg.projects["J1"].status.value == "open"
    g = _without_relays(cg, COMPANY)
    assert not _reachable(g, cg.sources(COMPANY), "P103")
    # ... while competitor K1 reaches her through the opposer P104
    assert _reachable(cg.g, cg.sources(parse_perspective("competitor:K1")), "P103")


def test_p203_only_path_runs_through_an_opposer(cgs: dict[str, CustomerGraph]) -> None:
    cg = cgs["C2"]
    assert cg.persons["P202"].closeness.opposing
    assert "P203" in cg.project_decision_makers("J3")
    ours = cg.sources(COMPANY)
    assert _reachable(cg.g, ours, "P203")  # reachable if the opposer relayed ...
    assert not _reachable(_without_relays(cg, COMPANY), ours, "P203")  # ... but he will not
    g = cg.g.copy()
    g.remove_node("P202")
    assert not _reachable(g, ours | cg.sources(ALL_COMPETITORS), "P203")  # the ONLY way in


# --------------------------------------------------------------------------- the story, analyses
def test_best_paths(cgs: dict[str, CustomerGraph]) -> None:
    paths = _analysis("paths")
    c1 = paths.best_paths(cgs["C1"], COMPANY)
    assert c1["P103"].cost is None and c1["P103"].path == []
    c2 = paths.best_paths(cgs["C2"], COMPANY)
    assert c2["P203"].cost is None
    assert c2["P201"].path == ["E04", "P213", "P201"] and c2["P201"].cost == 3
    k2 = paths.best_paths(cgs["C2"], parse_perspective("competitor:K2"))
    assert k2["P203"].path == ["S21", "P202", "P203"] and k2["P203"].cost == 2
    # the upward referral: E06 -> P302 (strong, 1) -> P301 (subordinate to superior, 2)
    c3 = paths.best_path(cgs["C3"], "P301", COMPANY)
    assert c3.path == ["E06", "P302", "P301"] and c3.cost == 3
    assert cgs["C3"].persons["P302"].reports_to == "P301"
    assert "reports_up" in cgs["C3"].g.edges["P302", "P301"]["kinds"]
    k1 = paths.best_path(cgs["C3"], "P301", parse_perspective("competitor:K1"))
    assert k1.path == ["S11", "P301"] and k1.cost == 1


def test_flags_exactly_the_uncovered_veto_holder(cgs: dict[str, CustomerGraph]) -> None:
    exposure = _analysis("exposure")
    found = [f.model_dump(include={"project", "customer", "person", "reasons"}) for cg in cgs.values() for f in exposure.flags(cg)]
    assert found == [
        {"project": "J1", "customer": "C1", "person": "P103",
         "reasons": ["UNCOVERED", "STANCE_UNKNOWN", "COMPETITOR_CLOSER"]}
    ]


def test_exposure_per_project(cgs: dict[str, CustomerGraph]) -> None:
    exposure = _analysis("exposure")

    def reasons(cid: str, project: str) -> dict[str, list[str]]:
        r = exposure.exposure(cgs[cid], project=project)
        return {e.person: e.reasons for e in r.exposed}

    assert reasons("C1", "J1") == {"P103": ["UNCOVERED", "STANCE_UNKNOWN", "COMPETITOR_CLOSER"]}
    assert reasons("C2", "J3") == {"P201": ["STANCE_UNKNOWN"], "P202": ["OPPOSED", "COMPETITOR_CLOSER"]}
    assert reasons("C3", "J5") == {"P301": ["COMPETITOR_CLOSER"]}
    j3 = exposure.exposure(cgs["C2"], project="J3")
    assert "P208" in j3.unassessed  # veto 未知


def test_coverage(cgs: dict[str, CustomerGraph]) -> None:
    coverage = _analysis("coverage")
    j3 = {m.person: m for m in coverage.coverage(cgs["C2"], COMPANY, project="J3", max_cost=4).members}
    assert j3["P203"].status == "none"
    assert j3["P202"].status == "direct"
    assert j3["P201"].status == "indirect" and j3["P201"].cost == 3
    j1 = {m.person: m.status for m in coverage.coverage(cgs["C1"], COMPANY, project="J1").members}
    assert j1["P103"] == "none" and j1["P102"] == "direct"
    team = coverage.coverage(cgs["C3"], parse_perspective("team:Manufacturing"), project="J5")
    assert team.coverage is not None and 0 < team.coverage <= 1


def test_cooling(cgs: dict[str, CustomerGraph]) -> None:
    degrees = _analysis("degrees")
    cold = {p for cg in cgs.values() for p in degrees.cooling(cg, TODAY)}
    assert {"P106", "P301", "P202", "P103", "P203"} <= cold
    assert not {"P102", "P107", "P204", "P302"} & cold
    d = {(x.employee, x.person): x for x in degrees.degrees(cgs["C1"], TODAY)}
    assert d[("E01", "P102")].depth == 5 and d[("E01", "P102")].frequency == 2
    assert d[("E02", "P106")].depth == 4 and d[("E02", "P106")].frequency == 0
    depths = {x.depth for cg in cgs.values() for x in degrees.degrees(cg, TODAY)}
    assert depths == {1, 2, 3, 4, 5}

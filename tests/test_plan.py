"""``plan`` equals an exhaustive search over every key person at every step.

The exhaustive search follows the definition (docs/spec.md §4.8.1) literally: at
each step, for every key person without a direct tie from the perspective's staff, add
the influence to a copy of the data set, run :func:`coverage` on a freshly built graph and
count the weighted covered decision makers; take the largest gain (ties: smallest id);
name the employee by running :func:`best_paths` from each employee alone.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brmgraph.analysis.coverage import coverage
from brmgraph.analysis.paths import best_paths
from brmgraph.analysis.plan import perspective_employees, plan
from brmgraph.analysis.rules import is_covered, weight
from brmgraph.graph import CustomerGraph, Perspective
from brmgraph.model import Dataset, Influence
from brmgraph.service.scope import parse_perspective
from tests.conftest import Ran, in_process

STANCES = ["strong_support", "support", "neutral", "oppose", "strong_oppose", "unknown"]
TRI = ["yes", "no", "unknown"]
STRENGTHS = ["strong", "medium", "weak"]
EMPLOYEES = {"E1": "East", "E2": "West", "E3": "East", "E4": "West"}  # E4 never has an edge
STAFF = {"S1": "K1"}
PERSPECTIVES = ["company", "team:East", "team:West", "individual:E1", "individual:E4"]


@st.composite
def cases(draw):
    n = draw(st.integers(min_value=1, max_value=7))
    ids = ["P1", "P2", "P10", "P11", "P3", "P20", "P9"][:n]
    persons = []
    for i, pid in enumerate(ids):
        boss = draw(st.one_of(st.none(), st.sampled_from(ids[:i]))) if i else None
        persons.append({"id": pid, "customer": "C1", "closeness": draw(st.sampled_from(STANCES)),
                        "veto": draw(st.sampled_from(TRI)), "approver": draw(st.sampled_from(TRI)),
                        "reports_to": boss})
    sources = ["E1", "E2", "E3", "S1"]
    pairs = draw(st.sets(st.tuples(st.sampled_from(sources + ids), st.sampled_from(ids)), max_size=12))
    infl = [{"source": a, "target": b, "strength": draw(st.sampled_from(STRENGTHS))} for a, b in sorted(pairs) if a != b]
    chain = draw(st.lists(st.sampled_from(ids), unique=True, max_size=n))
    ds = Dataset.model_validate({
        "customers": [{"id": "C1"}],
        "key_persons": persons,
        "employees": [{"id": e, "team": t} for e, t in EMPLOYEES.items()],
        "competitors": [{"id": "K1"}],
        "competitor_staff": [{"id": s, "competitor": k} for s, k in STAFF.items()],
        "influences": infl,
        "projects": [{"id": "J1", "customer": "C1", "decision_chain": [{"person": p} for p in chain]}],
    })
    return (ds, draw(st.sampled_from(PERSPECTIVES)), draw(st.sampled_from(["J1", None])),
            draw(st.sampled_from(STRENGTHS)), draw(st.integers(0, 6)), draw(st.integers(0, 4)))


def _weighted_covered(ds: Dataset, p: Perspective, project: str | None, max_cost: int) -> tuple[int, set[str]]:
    cg = CustomerGraph.from_dataset(ds, "C1")
    res = coverage(cg, p, project=project, max_cost=max_cost)
    cov = {m.person for m in res.members if is_covered(m.status)}
    return sum(weight(cg.persons[d]) for d in cov), cov


def _add(ds: Dataset, src: str, person: str, strength: str) -> Dataset:
    return ds.model_copy(update={"influences": [*ds.influences, Influence(source=src, target=person, strength=strength)]})


def exhaustive(ds: Dataset, p: Perspective, project: str | None, strength: str, max_cost: int, k: int) -> list[tuple]:
    staff = [e.id for e in perspective_employees(p, ds.employees)]
    steps = []
    for _ in range(k):
        base, covered = _weighted_covered(ds, p, project, max_cost)
        tied = {i.target for i in ds.influences if i.source in staff}
        best = None
        for person in sorted(x.id for x in ds.key_persons):
            if person in tied:
                continue
            w, cov = _weighted_covered(_add(ds, staff[0], person, strength), p, project, max_cost)
            if best is None or w - base > best[0]:
                best = (w - base, person, sorted(cov - covered))
        if best is None or best[0] <= 0:
            break
        gain, person, newly = best
        cg = CustomerGraph.from_dataset(ds, "C1")
        reach = []
        for e in staff:
            if e in cg.employees:
                cost = best_paths(cg, Perspective("individual", e))[person].cost
                if cost is not None:
                    reach.append((cost, e))
        if reach:
            who = min(reach)[1]
        else:
            who = min(staff, key=lambda e: (-len({i.target for i in ds.influences if i.source == e}), e))
        ds = _add(ds, who, person, strength)
        steps.append((person, who, gain, newly))
    return steps


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_plan_equals_exhaustive_search(case):
    ds, ptext, project, strength, max_cost, k = case
    p = parse_perspective(ptext)
    cg = CustomerGraph.from_dataset(ds, "C1")
    res = plan(cg, p, project=project, k=k, strength=strength, max_cost=max_cost, employees=ds.employees)
    got = [(s.person, s.employee, s.gain, s.newly_covered) for s in res.steps]
    assert got == exhaustive(ds, p, project, strength, max_cost, k)
    before = coverage(cg, p, project=project, max_cost=max_cost)
    assert (res.before.coverage, res.before.weighted_coverage) == (before.coverage, before.weighted_coverage)
    # each step's gain is the weight of what it newly covers, and the shares only grow
    prev = res.before.weighted_coverage
    for s in res.steps:
        assert s.gain == sum(weight(cg.persons[d]) for d in s.newly_covered) > 0
        assert s.weighted_coverage > prev
        prev = s.weighted_coverage


def test_tie_to_an_opposer_helps_only_the_opposer():
    ds = Dataset.model_validate({
        "customers": [{"id": "C1"}],
        "key_persons": [{"id": "P1", "customer": "C1", "closeness": "oppose"},
                        {"id": "P2", "customer": "C1", "veto": "yes"}],
        "employees": [{"id": "E1"}],
        "influences": [{"source": "P1", "target": "P2", "strength": "strong"}],
        "projects": [{"id": "J1", "customer": "C1", "decision_chain": [{"person": "P1"}, {"person": "P2"}]}],
    })
    cg = CustomerGraph.from_dataset(ds, "C1")
    res = plan(cg, parse_perspective("company"), project="J1", k=3, employees=ds.employees)
    # P2 (weight 3) first; then P1 (weight 1) — a tie to P1 never reaches P2 through P1
    assert [(s.person, s.gain, s.newly_covered) for s in res.steps] == [("P2", 3, ["P2"]), ("P1", 1, ["P1"])]
    assert res.steps[0].employee == "E1"  # nobody reaches P2: the one with most ties (all 0), smallest id
    assert res.model_dump(mode="json")["before"] == {"coverage": 0.0, "weighted_coverage": 0.0}


def _cli(*args: str, store: str) -> Ran:
    return in_process(*args, "--store", store)


def test_plan_cli_json_shape_and_errors(tmp_path, sqlite_url):
    from brmgraph.dataset import import_path
    from brmgraph.store import open_store

    data = tmp_path / "d.json"
    data.write_text(json.dumps({
        "customers": [{"id": "C1"}],
        "key_persons": [{"id": "P1", "customer": "C1", "veto": "yes"}, {"id": "P2", "customer": "C1"}],
        "employees": [{"id": "E1", "team": "East"}, {"id": "E2", "team": "West"}],
        "influences": [{"source": "E1", "target": "P2", "strength": "strong"}],
        "projects": [{"id": "J1", "customer": "C1", "decision_chain": [{"person": "P1"}, {"person": "P2"}]}],
    }))
    with open_store(sqlite_url) as st_:
        import_path(st_, data)
    r = _cli("plan", "--project", "J1", "--json", store=sqlite_url)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out == {
        "scope": {"project": "J1"}, "perspective": "company", "max_cost": 4, "strength": "strong",
        "before": {"coverage": 0.5, "weighted_coverage": 0.25},
        "steps": [{"person": "P1", "employee": "E1", "gain": 3, "newly_covered": ["P1"],
                   "coverage": 1.0, "weighted_coverage": 1.0}],
    }
    r = _cli("plan", "--customer", "C1", "-p", "team:West", "--json", store=sqlite_url)
    assert r.returncode == 0 and json.loads(r.stdout)["steps"][0]["employee"] == "E2"
    r = _cli("plan", "--customer", "C1", store=sqlite_url)
    assert r.returncode == 0 and "P1" in r.stdout
    for args, code in ((("--project", "J9"), 4), (("--project", "J1", "--customer", "C1"), 2),
                       (("--project", "J1", "--strength", "huge"), 2), (("--project", "J1", "--k", "-1"), 2),
                       (("--project", "J1", "-p", "competitor:*"), 2), (("--project", "J1", "-p", "individual:E9"), 4)):
        r = _cli("plan", *args, store=sqlite_url)
        assert r.returncode == code, (args, r.stderr)
        assert r.stderr.startswith("error: ") and "Traceback" not in r.stderr and r.stdout == ""

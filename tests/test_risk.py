"""``risk`` (one pass, candidate employees only) equals the per-employee what-if."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brmgraph.analysis.risk import risk
from brmgraph.analysis.whatif import apply_changes, flag_changes, parse_without, without_employee
from brmgraph.graph import CustomerGraph
from brmgraph.model import Dataset
from tests.conftest import Ran, in_process
from tests.test_whatif import DOC, documents


def _per_customer(ds: Dataset) -> list[Dataset]:
    """Customer sub-graphs as a store yields them (via the graph builder's own filter)."""
    from brmgraph.analysis.whatif import dataset_of

    return [dataset_of(CustomerGraph.from_dataset(ds, c.id)) for c in ds.customers]


def per_employee(ds: Dataset, max_cost: int) -> dict[str, list[tuple]]:
    out = {}
    for e in ds.employees:
        new = [f for f in flag_changes(_per_customer(ds), [parse_without(e.id)], max_cost=max_cost) if f.change == "new"]
        out[e.id] = [(f.project, f.customer, f.person, f.reasons) for f in new]
    return out


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=documents(customers=("C1", "C2", "C3")), max_cost=st.integers(0, 6))
def test_risk_equals_per_employee_whatif(doc, max_cost):
    ds = Dataset.model_validate(doc)
    res = risk(_per_customer(ds), ds.employees, max_cost=max_cost)
    got = {r.employee: [(f.project, f.customer, f.person, f.reasons) for f in r.flags] for r in res.employees}
    assert got == per_employee(ds, max_cost)
    assert [r.count for r in res.employees] == sorted((r.count for r in res.employees), reverse=True)
    assert all(r.count == len(r.flags) for r in res.employees)
    # the shortcut graph equals the graph rebuilt from the changed data
    for c in ds.customers:
        cg = CustomerGraph.from_dataset(ds, c.id)
        for e in cg.employees:
            a = without_employee(cg, e)
            b = CustomerGraph.from_dataset(apply_changes(ds, [parse_without(e)]), c.id)
            assert (a.succ, a.kinds, a.arc_kinds, sorted(a.employees)) == (b.succ, b.kinds, b.arc_kinds, sorted(b.employees))


def test_risk_names_the_only_bridge():
    ds = Dataset.model_validate(DOC | {"projects": [
        {"id": "J1", "customer": "C1", "decision_chain": [{"person": "P1"}, {"person": "P3"}]}]})
    res = risk(_per_customer(ds), ds.employees).model_dump(mode="json")
    first = res["employees"][0]
    keys = ("project", "customer", "person", "reasons")
    assert {k: first[k] for k in ("employee", "name", "team", "count")} == {
        "employee": "E1", "name": "", "team": "East", "count": 1}
    assert [{k: f[k] for k in keys} for f in first["flags"]] == [
        {"project": "J1", "customer": "C1", "person": "P1", "reasons": ["UNCOVERED", "COMPETITOR_CLOSER"]}]
    assert res["employees"][1]["count"] == 0  # P3 is an approver, not a veto holder: no flag


def _brm(store_url: str, *args: str) -> Ran:
    return in_process(*args, "--store", store_url)


def test_risk_cli_sqlite_and_neo4j_agree(tmp_path, sqlite_url, neo4j_store):
    from brmgraph.dataset import import_path
    from brmgraph.store import open_store

    f = tmp_path / "d.json"
    f.write_text(json.dumps(DOC))
    with open_store(sqlite_url) as st_:
        import_path(st_, f)
    import_path(neo4j_store, f, replace=True)
    r = _brm(sqlite_url, "risk", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["employees"][0]["employee"] == "E1" and out["employees"][0]["count"] == 1
    assert risk(neo4j_store.iter_customer_graphs(), neo4j_store.employees()).model_dump(mode="json") == out
    r = _brm(sqlite_url, "risk")
    assert r.returncode == 0 and "E1" in r.stdout
    r = _brm(sqlite_url, "risk", "--max-cost", "-1")
    assert r.returncode == 2 and r.stderr.startswith("error: ")

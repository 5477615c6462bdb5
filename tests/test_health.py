"""Deal health (docs/spec.md §4.8.2) on named cases, and where it is shown."""

from __future__ import annotations

from datetime import date

import pytest

from brmgraph.analysis.coverage import coverage
from brmgraph.analysis.health import health
from brmgraph.analysis.lines import report
from brmgraph.errors import NotFound
from brmgraph.graph import CustomerGraph
from brmgraph.model import Dataset


def graph(persons: list[dict], influences: list[tuple], status: str = "open", staff: list[tuple] = ()) -> CustomerGraph:
    ds = Dataset.model_validate({
        "customers": [{"id": "C1"}],
        "key_persons": [{"customer": "C1", **p} for p in persons],
        "employees": [{"id": "E1"}],
        "competitors": [{"id": "K1"}],
        "competitor_staff": [{"id": "S1", "competitor": "K1"}],
        "influences": [{"source": a, "target": b, "strength": s} for a, b, s in [*influences, *staff]],
        "projects": [{"id": "J1", "customer": "C1", "status": status,
                      "decision_chain": [{"person": p["id"]} for p in persons]},
                     {"id": "J2", "customer": "C1"}],
    })
    return CustomerGraph.from_dataset(ds, "C1")


SUPPORTER = {"id": "P1", "closeness": "support", "veto": "no", "approver": "no"}


@pytest.mark.parametrize(
    "persons, influences, staff, want",
    [
        # a veto holder we do not reach: red
        ([{"id": "P2", "veto": "yes", "closeness": "support"}], [], [], "red"),
        # an approver who opposes us, even reached directly: red
        ([{"id": "P2", "approver": "yes", "closeness": "oppose"}], [("E1", "P2", "strong")], [], "red"),
        # reached, supportive veto holder, no competitor closer: green
        ([{"id": "P2", "veto": "yes", "closeness": "strong_support"}], [("E1", "P2", "medium")], [], "green"),
        # the same with a competitor closer: exposed but not red: amber
        ([{"id": "P2", "veto": "yes", "closeness": "support"}], [("E1", "P2", "medium")], [("S1", "P2", "strong")], "amber"),
        # unknown stance of a reached approver: exposed (STANCE_UNKNOWN): amber
        ([SUPPORTER, {"id": "P2", "approver": "yes"}], [("E1", "P2", "strong")], [], "amber"),
        # nobody exposed but nobody supportive: amber
        ([{"id": "P2", "veto": "no", "closeness": "neutral"}], [], [], "amber"),
        # an unreached ordinary member does not make it red; a supporter makes it green
        ([SUPPORTER, {"id": "P2", "veto": "unknown", "closeness": "neutral"}], [], [], "green"),
        # an empty chain: amber
        ([], [], [], "amber"),
    ],
)
def test_health_rules(persons, influences, staff, want):
    cg = graph(persons, influences, staff=staff)
    assert health(cg, "J1") == want
    assert coverage(cg, project="J1").model_dump(mode="json")["health"] == want


def test_health_only_for_open_projects_and_only_in_project_scope():
    cg = graph([{"id": "P2", "veto": "yes"}], [], status="won")
    assert health(cg, "J1") is None
    assert coverage(cg, project="J1").model_dump(mode="json")["health"] is None
    assert "health" not in coverage(cg).model_dump(mode="json")
    with pytest.raises(NotFound):
        health(cg, "J9")


def test_health_uses_max_cost():
    cg = graph([{"id": "P2", "veto": "yes", "closeness": "support"}, {"id": "P3", "closeness": "support"}],
               [("E1", "P3", "weak"), ("P3", "P2", "weak")])  # P2 at cost 6
    assert health(cg, "J1") == "red"
    assert health(cg, "J1", max_cost=6) == "green"


def test_report_project_lines_carry_health():
    cg = graph([{"id": "P2", "veto": "yes", "closeness": "support"}], [])
    rep = report(cg, today=date(2026, 1, 1)).model_dump(mode="json")
    lines = {j["project"]: j for j in rep["lines"]["decision_chain"]}
    assert lines["J1"]["health"] == lines["J1"]["coverage"]["health"] == "red"
    assert lines["J2"]["health"] == "amber"
    assert "health" not in rep["lines"]["customer"]["coverage"]


def test_served_customers_list_and_project_page_show_health(tmp_path):
    from starlette.testclient import TestClient

    from brmgraph.store.sqlite import SqliteStore
    from brmgraph.web import create_app

    ds = Dataset.model_validate({
        "customers": [{"id": "C1", "name": "Acme"}, {"id": "C2", "name": "Beta"}],
        "key_persons": [{"id": "P1", "customer": "C1", "veto": "yes", "closeness": "support"},
                        {"id": "P2", "customer": "C1", "closeness": "support"},
                        {"id": "Q1", "customer": "C2"}],
        "employees": [{"id": "E1"}],
        "influences": [{"source": "E1", "target": "P2", "strength": "strong"}],
        "projects": [{"id": "J1", "customer": "C1", "decision_chain": [{"person": "P1"}]},   # red
                     {"id": "J2", "customer": "C1", "decision_chain": [{"person": "P2"}]},   # green
                     {"id": "J3", "customer": "C1", "status": "lost", "decision_chain": [{"person": "P1"}]},
                     {"id": "J4", "customer": "C2", "status": "won"}],
    })
    url = f"sqlite:///{tmp_path / 'brm.db'}"
    st = SqliteStore(url)
    st.import_dataset(ds, replace=True)
    st.close()
    c = TestClient(create_app(url))
    rows = {r["id"]: r for r in c.get("/api/customers").json()}
    assert rows["C1"]["health"] == "red" and rows["C1"]["health_counts"] == {"red": 1, "amber": 0, "green": 1}
    assert rows["C2"]["health"] is None and rows["C2"]["health_counts"] == {"red": 0, "amber": 0, "green": 0}
    cg = CustomerGraph.from_dataset(ds, "C1")
    assert [health(cg, j) for j in ("J1", "J2", "J3")] == ["red", "green", None]
    home = c.get("/").text
    assert 'class="health-red" title="open projects: 1 red, 1 green">red</td>' in home
    assert ">—</td></tr>" in home  # C2: no open project
    assert 'health <span class="health-green">green</span>' in c.get("/projects/J2").text
    assert "health" not in c.get("/projects/J3").text.split("</summary>")[0]

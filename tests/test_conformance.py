"""One store suite, run against both stores: the embedded SQLite store and a real Neo4j.

Every test in the ``store``-parametrized part runs twice (``[sqlite]`` and ``[neo4j]``)
and checks each store against the same expectations written out here, so both stores
give the same answers. The cross tests at the end import a generated data set into both
and compare every ``customer_graph``, the ``export`` and the CLI answers directly.

Neo4j comes from tests/fixtures_neo4j.py (NEO4J_URI, testcontainers or the local
launcher); without one these tests skip locally and fail in CI.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from brmgraph.errors import InvalidData, NotFound, Problem, StoreUnavailable
from brmgraph.model import Dataset, Interaction
from brmgraph.store import open_store
from brmgraph.store.base import Store
from tests.builders import canon

HOSTILE = '"}) DETACH DELETE n //'

BASE: dict[str, Any] = {
    "customers": [
        {"id": "C1", "name": "Huaxin Bank", "industry": "banking", "tier": "A",
         "attrs": {"region": "东部", "employees": 5200, "tags": ["core", "pilot"], "nested": {"x": None, "ok": True}}},
        {"id": "C2", "name": "Northwind", "industry": "retail", "tier": ""},
    ],
    "key_persons": [
        {"id": "P1", "customer": "C1", "name": "Wang Fang", "title": "CIO", "department": "IT",
         "closeness": "support", "solution_acceptance": "neutral", "price_acceptance": "unknown",
         "veto": "yes", "approver": "no", "reports_to": "P2"},
        {"id": "P2", "customer": "C1", "name": "Liu Yang", "title": "President", "department": "Board",
         "closeness": "强反对", "approver": "是"},
        {"id": "P3", "customer": "C1", "name": "Chen Jie", "department": "IT", "reports_to": "P1"},
        {"id": "P4", "customer": "C2", "name": "Ann Lee", "veto": "yes"},
    ],
    "employees": [
        {"id": "E1", "name": "Li Lei", "team": "East", "title": "Account manager"},
        {"id": "E2", "name": "Han Meimei", "team": "West", "title": "Solutions"},
        {"id": "E3", "name": "Idle", "team": "East"},
    ],
    "competitors": [{"id": "K1", "name": "RivalSoft"}, {"id": "K2", "name": "OtherCo"}, {"id": "K3", "name": "Unused"}],
    "competitor_staff": [{"id": "S1", "name": "Zhao Qiang", "competitor": "K1"}, {"id": "S2", "name": "Q", "competitor": "K2"}],
    "influences": [
        {"source": "E1", "target": "P1", "strength": "strong"},
        {"source": "P1", "target": "P2", "strength": "weak"},
        {"source": "P3", "target": "P1"},
        {"source": "S1", "target": "P2", "strength": "strong"},
        {"source": "E2", "target": "P4", "strength": "medium"},
        {"source": "S2", "target": "P4", "strength": "weak"},
    ],
    "projects": [
        {"id": "J1", "customer": "C1", "name": "Core banking upgrade", "status": "open", "stage": "proposal",
         "amount": 1200000, "close_date": "2026-12-31",
         "decision_chain": [{"person": "P2", "role": "decision_maker"}, {"person": "P1", "role": "technical_evaluator"}],
         "competitors": ["K2", "K1"]},
        {"id": "J2", "customer": "C1", "name": "Old deal", "status": "won"},
        {"id": "J3", "customer": "C2", "name": "POS", "status": "lost", "amount": 0.5,
         "decision_chain": [{"person": "P4", "role": ""}], "competitors": []},
    ],
    "interactions": [
        {"employee": "E1", "person": "P1", "date": "2026-10-01", "kind": "meeting"},
        {"employee": "E1", "person": "P1", "date": "2026-10-01", "kind": "dinner"},
        {"employee": "E3", "person": "P2", "date": "2024-02-29", "kind": "greeting"},
        {"employee": "E2", "person": "P4", "date": "2026-11-20", "kind": "visit"},
    ],
}


def ds_of(doc: dict[str, Any]) -> Dataset:
    return Dataset.model_validate(doc)


def subgraph(doc: dict[str, Any], customer: str) -> dict[str, Any]:
    """The expected customer_graph of ``customer`` (Store.customer_graph's contract), by hand."""
    persons = [p for p in doc["key_persons"] if p["customer"] == customer]
    pids = {p["id"] for p in persons}
    projects = [j for j in doc["projects"] if j["customer"] == customer]
    influences = [i for i in doc["influences"] if i["target"] in pids]
    sources = {i["source"] for i in influences}
    employees = [e for e in doc["employees"] if e["id"] in sources]
    staff = [s for s in doc["competitor_staff"] if s["id"] in sources]
    wanted = {s["competitor"] for s in staff} | {k for j in projects for k in j.get("competitors", [])}
    return {
        "customers": [c for c in doc["customers"] if c["id"] == customer],
        "key_persons": persons,
        "employees": employees,
        "competitors": [k for k in doc["competitors"] if k["id"] in wanted],
        "competitor_staff": staff,
        "influences": influences,
        "projects": projects,
        "interactions": [x for x in doc["interactions"] if x["person"] in pids],
    }


def reopen(store: Store) -> Store:
    """A second connection to the same store (what another process would see)."""
    return open_store(store.url)


# ------------------------------------------------------------------------ round trip


def test_empty_store(store: Store) -> None:
    assert canon(store.export()) == canon(Dataset())
    assert store.customers() == []
    assert store.counts() == {k: 0 for k in Dataset.SECTIONS}


def test_same_data_in_same_data_out(store: Store) -> None:
    ds = ds_of(BASE)
    summary = store.import_dataset(ds)
    assert summary.counts == ds.counts() and not summary.replaced
    other = reopen(store)
    try:
        assert canon(other.export()) == canon(ds)
        for c in ("C1", "C2"):
            assert canon(other.customer_graph(c)) == canon(ds_of(subgraph(BASE, c))), c
    finally:
        other.close()


def test_reads_sorted_and_typed(store: Store) -> None:
    store.import_dataset(ds_of(BASE))
    assert [c.id for c in store.customers()] == ["C1", "C2"]
    assert [e.id for e in store.employees()] == ["E1", "E2", "E3"]
    assert [k.id for k in store.competitors()] == ["K1", "K2", "K3"]
    assert [(s.id, s.competitor) for s in store.competitor_staff()] == [("S1", "K1"), ("S2", "K2")]
    assert [j.id for j in store.projects()] == ["J1", "J2", "J3"]
    assert [j.id for j in store.projects("C1")] == ["J1", "J2"]
    assert store.projects("C9") == []
    j1 = store.project("J1")
    assert j1.close_date == date(2026, 12, 31) and isinstance(j1.close_date, date)
    assert j1.amount == 1200000.0
    assert [(m.person, m.role) for m in j1.decision_chain] == [("P2", "decision_maker"), ("P1", "technical_evaluator")]
    assert j1.competitors == ["K2", "K1"]  # the file's order
    j2 = store.project("J2")
    assert j2.amount is None and j2.close_date is None and j2.decision_chain == [] and j2.competitors == []
    p2 = store.key_person("P2")
    assert p2.closeness.value == "strong_oppose" and p2.approver.value == "yes" and p2.reports_to is None
    assert store.key_person("P1").reports_to == "P2"
    c1 = store.customers()[0]
    assert c1.attrs == BASE["customers"][0]["attrs"]
    cg = store.customer_graph("C1")
    assert all(isinstance(x.date, date) for x in cg.interactions)
    assert [(x.employee, x.kind) for x in cg.interactions] == [("E1", "dinner"), ("E1", "meeting"), ("E3", "greeting")]


def test_unknown_ids_raise_not_found(store: Store) -> None:
    store.import_dataset(ds_of(BASE))
    for call in (lambda: store.customer_graph("C9"), lambda: store.project("J9"), lambda: store.key_person("P9"),
                 lambda: store.key_person("E1"), lambda: store.project("C1")):
        with pytest.raises(NotFound):
            call()


def test_id_index(store: Store) -> None:
    ds = ds_of(BASE)
    store.import_dataset(ds)
    idx = store.id_index()
    ref = type(idx).of(ds)
    assert idx.kind == ref.kind
    assert idx.person_customer == ref.person_customer
    assert idx.reports_to == ref.reports_to


# ------------------------------------------------------------------------ upserts


def test_reimport_is_idempotent(store: Store) -> None:
    ds = ds_of(BASE)
    store.import_dataset(ds)
    first = canon(store.export())
    store.import_dataset(ds)
    store.import_dataset(ds)
    assert canon(store.export()) == first
    assert store.counts() == ds.counts()


def test_upsert_updates_in_place(store: Store) -> None:
    store.import_dataset(ds_of(BASE))
    update = {
        "customers": [{"id": "C2", "name": "Northwind Ltd", "industry": "retail", "tier": "B", "attrs": {"k": "v"}}],
        "key_persons": [
            {"id": "P1", "customer": "C1", "name": "Wang Fang", "closeness": "neutral", "veto": "no"},  # reports_to dropped
            {"id": "P3", "customer": "C1", "name": "Chen Jie", "reports_to": "P2"},  # new superior
            {"id": "P5", "customer": "C2", "name": "New", "reports_to": "P4"},
        ],
        "influences": [{"source": "E1", "target": "P1", "strength": "weak"}, {"source": "E1", "target": "P5"}],
        "projects": [{"id": "J1", "customer": "C1", "name": "Core banking upgrade", "status": "lost",
                      "decision_chain": [{"person": "P3", "role": "user"}], "competitors": ["K3"]}],
        "interactions": [{"employee": "E1", "person": "P1", "date": "2026-10-01", "kind": "meeting"},
                         {"employee": "E1", "person": "P5", "date": "2026-11-01", "kind": "visit"}],
    }
    store.import_dataset(ds_of(update))
    expected = json.loads(json.dumps(BASE))
    expected["customers"][1] = update["customers"][0]
    expected["key_persons"][0] = update["key_persons"][0]
    expected["key_persons"][2] = update["key_persons"][1]
    expected["key_persons"].append(update["key_persons"][2])
    expected["influences"][0]["strength"] = "weak"
    expected["influences"].append(update["influences"][1])
    expected["projects"][0] = update["projects"][0]
    expected["interactions"].append(update["interactions"][1])
    assert canon(store.export()) == canon(ds_of(expected))
    assert canon(store.customer_graph("C2")) == canon(ds_of(subgraph(expected, "C2")))
    assert canon(store.customer_graph("C1")) == canon(ds_of(subgraph(expected, "C1")))


def test_key_person_moves_customer(store: Store) -> None:
    store.import_dataset(ds_of(BASE))
    store.import_dataset(ds_of({"key_persons": [{"id": "P3", "customer": "C2", "name": "Chen Jie"}]}))
    expected = json.loads(json.dumps(BASE))
    expected["key_persons"][2] = {"id": "P3", "customer": "C2", "name": "Chen Jie"}
    assert canon(store.export()) == canon(ds_of(expected))
    assert "P3" in [p.id for p in store.customer_graph("C2").key_persons]
    # its influence edge into P1 stays an edge into C1
    assert [(i.source, i.target) for i in store.customer_graph("C1").influences if i.source == "P3"] == [("P3", "P1")]


# ------------------------------------------------------------------------ replace


def test_replace_holds_exactly_the_data_set(store: Store) -> None:
    store.import_dataset(ds_of(BASE))
    small = {
        "customers": [{"id": "C9", "name": "Only"}],
        "key_persons": [{"id": "P1", "customer": "C9", "name": "Moved"}],
        "employees": [{"id": "E1", "name": "Li Lei"}],
        "influences": [{"source": "E1", "target": "P1"}],
    }
    summary = store.import_dataset(ds_of(small), replace=True)
    assert summary.replaced
    assert canon(store.export()) == canon(ds_of(small))
    with pytest.raises(NotFound):
        store.customer_graph("C1")
    store.import_dataset(Dataset(), replace=True)
    assert canon(store.export()) == canon(Dataset())


# ------------------------------------------------------------------------ all or nothing


class Exploding(list):
    """A section that breaks while the store is writing it (after earlier sections)."""

    def __iter__(self):
        items = list.__iter__(self)
        yield next(items)
        raise RuntimeError("boom in the middle of an import")


def test_failed_import_leaves_previous_content(store: Store) -> None:
    store.import_dataset(ds_of(BASE))
    before = canon(store.export())
    new = ds_of({**BASE, "customers": [*BASE["customers"], {"id": "C3", "name": "New"}]})
    data = {k: getattr(new, k) for k in Dataset.SECTIONS}
    data["interactions"] = Exploding(
        [Interaction(employee="E1", person="P1", date=date(2026, 1, 1), kind="x"),
         Interaction(employee="E2", person="P4", date=date(2026, 1, 2), kind="y")]
    )
    broken = Dataset.model_construct(**data)
    for replace in (False, True):
        with pytest.raises(RuntimeError, match="boom"):
            store.import_dataset(broken, replace=replace)
        other = reopen(store)
        try:
            assert canon(other.export()) == before
        finally:
            other.close()
    assert canon(store.export()) == before


def test_rejecting_check_writes_nothing(store: Store) -> None:
    store.import_dataset(ds_of(BASE))
    before = canon(store.export())
    seen = []
    seen_index = []

    def check(idx) -> None:
        seen.append(dict(idx.kind))
        seen_index.append(idx)
        raise InvalidData([Problem("x.json:$.customers[0]", "rejected")], "x.json")

    # the check sees (at least) every stored id the file mentions, with its kind, and the
    # stored key persons up the reporting chains of the persons it mentions
    doc = {"customers": [{"id": "C7"}], "influences": [{"source": "S1", "target": "P3"}]}
    with pytest.raises(InvalidData):
        store.import_dataset(ds_of(doc), check=check)
    assert seen and seen[0]["P3"] == "key person" and seen[0]["S1"] == "competitor staff member"
    assert "C7" not in seen[0]
    idx = seen_index[0]
    assert idx.person_customer["P3"] == "C1" and idx.reports_to["P3"] == "P1"
    assert idx.reports_to["P1"] == "P2" and idx.reports_to["P2"] is None and idx.person_customer["P2"] == "C1"
    assert canon(store.export()) == before


# ------------------------------------------------------------------------ hostile text


HOSTILE_DOC: dict[str, Any] = {
    "customers": [
        {"id": HOSTILE, "name": HOSTILE, "industry": "`n`:Customer", "tier": "B",
         "attrs": {HOSTILE: HOSTILE, "quote'\"": ["`", "\\", "\n"], "中文": "客户"}},
        {"id": "C'1", "name": "O'Brien & \"Sons\" `x`", "industry": "\\u0000?"},
    ],
    "key_persons": [
        {"id": "P`1", "customer": HOSTILE, "name": "王芳 🚀", "title": "}]->(m) SET m.x=1 //", "department": "' OR 1=1 --",
         "reports_to": "P\"2"},
        {"id": "P\"2", "customer": HOSTILE, "name": "Line\nbreak\ttab", "closeness": "支持"},
        {"id": "P 3", "customer": "C'1", "name": "  spaced  "},
    ],
    "employees": [{"id": "E$1", "name": "$rows", "team": "{team}", "title": "${x}"}],
    "competitors": [{"id": "K'1", "name": "MATCH (n) DETACH DELETE n"}],
    "competitor_staff": [{"id": "S`1", "name": ")-[:X]-(", "competitor": "K'1"}],
    "influences": [
        {"source": "E$1", "target": "P`1", "strength": "strong"},
        {"source": "P\"2", "target": "P`1"},
        {"source": "S`1", "target": "P 3", "strength": "weak"},
    ],
    "projects": [{"id": "J'1", "customer": HOSTILE, "name": HOSTILE, "stage": "'; DROP TABLE projects; --",
                  "decision_chain": [{"person": "P`1", "role": HOSTILE}], "competitors": ["K'1"]}],
    "interactions": [{"employee": "E$1", "person": "P\"2", "date": "2026-01-31", "kind": HOSTILE}],
}


def test_hostile_and_unicode_text_stored_verbatim(store: Store) -> None:
    store.import_dataset(ds_of(BASE))
    ds = ds_of(HOSTILE_DOC)
    store.import_dataset(ds)
    out = store.export()
    # everything of BASE is still there (nothing was deleted by an injected query)
    assert {c.id for c in out.customers} == {"C1", "C2", HOSTILE, "C'1"}
    assert out.counts() == {k: len(BASE[k]) + len(HOSTILE_DOC[k]) for k in Dataset.SECTIONS}
    hostile_only = {k: [r for r in getattr(out, k) if r not in getattr(ds_of(BASE), k)] for k in Dataset.SECTIONS}
    assert canon(Dataset.model_construct(**hostile_only)) == canon(ds)
    assert canon(store.customer_graph(HOSTILE)) == canon(ds_of(subgraph(HOSTILE_DOC, HOSTILE)))
    assert canon(store.customer_graph("C'1")) == canon(ds_of(subgraph(HOSTILE_DOC, "C'1")))
    assert store.key_person("P`1").title == "}]->(m) SET m.x=1 //"
    assert store.project("J'1").decision_chain[0].role == HOSTILE


# ------------------------------------------------------------------------ unavailable


def _dead_url(scheme: str) -> str:
    from brmgraph.neo4j_local import free_port

    return f"{scheme}://127.0.0.1:{free_port()}"


@pytest.mark.parametrize("scheme", ["bolt", "neo4j"])
def test_unreachable_neo4j_is_one_clear_error(scheme: str) -> None:
    with pytest.raises(StoreUnavailable) as err:
        open_store(_dead_url(scheme))
    msg = str(err.value)
    assert "\n" not in msg and "does not answer" in msg and "brmgraph neo4j start" in msg


def test_unreachable_neo4j_cli_exit_code() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "brmgraph", "info", "--store", _dead_url("bolt")],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == StoreUnavailable.exit_code
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("error: ") and "Traceback" not in proc.stderr


# ------------------------------------------------------------------------ cross-store


def test_neo4j_equals_sqlite_on_generated_data(generated: Path, sqlite_url: str, neo4j_store: Store) -> None:
    from brmgraph.dataset import load_dataset

    ds = load_dataset(generated)
    sq = open_store(sqlite_url)
    try:
        for st in (sq, neo4j_store):
            st.import_dataset(ds)
        assert canon(neo4j_store.export()) == canon(sq.export()) == canon(ds)
        for c in sq.customers():
            assert canon(neo4j_store.customer_graph(c.id)) == canon(sq.customer_graph(c.id)), c.id
        # an upsert on top: strengths flipped, chains reversed, a superior dropped
        doc = ds.model_dump(mode="json")
        for i in doc["influences"]:
            i["strength"] = {"strong": "weak", "weak": "medium", "medium": "strong"}[i["strength"]]
        for j in doc["projects"]:
            j["decision_chain"].reverse()
            j["competitors"].reverse()
        for p in doc["key_persons"][::3]:
            p["reports_to"] = None
        upd = Dataset.model_validate(doc)
        for st in (sq, neo4j_store):
            st.import_dataset(upd)
        assert canon(neo4j_store.export()) == canon(sq.export())
        for c in sq.customers():
            a, b = neo4j_store.customer_graph(c.id), sq.customer_graph(c.id)
            assert a.model_dump(mode="json") == b.model_dump(mode="json"), c.id  # same order too
    finally:
        sq.close()


def _cli(args: list[str], store_url: str) -> tuple[int, str]:
    """Run the CLI in-process (as `brmgraph --store URL ...`): (exit code, stdout)."""
    import contextlib
    import io

    from brmgraph.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main([*args, "--store", store_url])
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, out.getvalue() + err.getvalue().replace(store_url, "<store>")


def test_cli_answers_equal_on_both_stores(generated: Path, sqlite_url: str, neo4j_store: Store) -> None:
    """flags, coverage, exposure, path and report through Neo4j equal the embedded store's."""
    from brmgraph.dataset import load_dataset

    ds = load_dataset(generated)
    urls = {"sqlite": sqlite_url, "neo4j": neo4j_store.url}
    for name, url in urls.items():
        code, text = _cli(["import", str(generated)], url)
        assert code == 0, (name, text)
    customers = [c.id for c in ds.customers]
    projects = [j.id for j in ds.projects]
    persons = [p.id for p in ds.key_persons]
    commands: list[list[str]] = [["flags"], ["flags", "--format", "csv"]]
    for c in customers:
        commands += [
            ["coverage", "--customer", c, "--json"],
            ["coverage", "--customer", c, "--perspective", "competitor:*", "--json"],
            ["exposure", "--customer", c, "--json"],
            ["report", "--customer", c, "--json", "--today", "2026-11-23"],
        ]
    for j in projects[:6]:
        commands += [["coverage", "--project", j, "--json"], ["exposure", "--project", j, "--json"]]
    for p in persons[:: max(1, len(persons) // 12)]:
        commands += [["path", "--to", p, "--json"], ["path", "--to", p, "--perspective", "competitor:*", "--json"]]
    commands += [["path", "--to", "NO-SUCH-PERSON", "--json"], ["coverage", "--customer", "NO-SUCH", "--json"]]
    for args in commands:
        a, b = _cli(args, urls["sqlite"]), _cli(args, urls["neo4j"])
        assert a == b, args
        assert a[1].strip() or args[0] == "flags", args
    assert _cli(["flags"], urls["neo4j"])[1].count("\n") >= 2, "the data set should raise flags"

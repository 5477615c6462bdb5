"""The compact per-customer rows of the embedded store (schema 4) never disagree with
the records: after each of a sequence of different imports (replace, upserts that move
key persons and projects between customers, staff changes, ``--patch``, effective-dated
imports, CRM imports, a replace that removes customers), and after migrating a store of
schema 3, the graphs and flags read from them equal those of the data-set path
(``iter_customer_graphs`` + ``CustomerGraph.from_dataset``)."""

from __future__ import annotations

import json
import random
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from brmgraph.analysis.exposure import flags, sort_flags
from brmgraph.crm import import_crm
from brmgraph.dataset import import_patch, import_path
from brmgraph.graph import COMPANY, CustomerGraph, Perspective
from brmgraph.store import compact, open_store
from brmgraph.store.compact import FlagGraph
from brmgraph.store.sqlite import SCHEMA_VERSION
from brmgraph.store.sqlite import compact as sql_compact
from tests.crm_exports import salesforce_export

from .test_perf_competent import _thinned

ROOT = Path(__file__).resolve().parent.parent


def _same(url: str, rows: bool = True) -> int:
    """Assert the flag-row path equals the data-set path on every customer, and every
    stored row equals the row built from the tables; the number of flags (max cost 4)."""
    st = open_store(url, create=False)
    try:
        model = [CustomerGraph.from_dataset(ds, ds.customers[0].id) for ds in st.iter_customer_graphs(interactions=False)]
        ids = [g.id for g in model]
        fast = list(st.iter_flag_graphs(ids))
        if rows:  # (unless damaged on purpose)
            got = _rows_sql(Path(url[len("sqlite:///") :]))
            assert sorted(got["stored"]) == sorted(ids)  # one row per customer, none for a removed one
            assert got["stored"] == got["rebuilt"]
        for a, b in zip(fast, model, strict=True):
            assert isinstance(a, FlagGraph)  # really the flag-row path
            assert a.id == b.id and a.customer.name == b.customer.name
            assert a.succ == b.succ and a.kinds == b.kinds
            assert a.blocked_relays(COMPANY) == b.blocked_relays(COMPANY)
            assert a.blocked_relays(Perspective("competitor", "*")) == set()
            assert a.employees == b.employees and a.staff == b.staff
            assert a.sources(COMPANY) == b.sources(COMPANY)
            assert a.open_project_ids() == b.open_project_ids()
            for j in b.open_project_ids():
                assert a.project_decision_makers(j) == b.project_decision_makers(j)
                assert a.projects[j].competitors == b.projects[j].competitors
            assert {p for p in b.persons if a.holds_veto(p)} == {p for p in b.persons if b.holds_veto(p)}
            for pid, p in a.persons.items():  # the persons a flag can name
                q = b.persons[pid]
                assert (p.name, p.title, p.closeness, p.veto) == (q.name, q.title, q.closeness, q.veto)
        n = 0
        for max_cost in (2, 4, 6):
            got_flags = sort_flags(f for g in st.iter_flag_graphs(ids) for f in flags(g, max_cost=max_cost))
            want = sort_flags(f for g in model for f in flags(g, max_cost=max_cost))
            assert got_flags == want
            n = len(want) if max_cost == 4 else n
        return n
    finally:
        st.close()


def _write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _upsert(data: dict[str, Any], rnd: random.Random, tag: str) -> dict[str, Any]:
    """Records that change many customers' rows at once: key persons with new
    superiors, stances and vetoes changed, projects moved, closed
    and re-opened, influences added and re-weighted, a new customer, a new employee
    with edges, and staff moved to another competitor."""
    persons = data["key_persons"]
    customers = [c["id"] for c in data["customers"]]
    by_customer: dict[str, list[dict[str, Any]]] = {}
    for p in persons:
        by_customer.setdefault(p["customer"], []).append(p)
    out: dict[str, list[dict[str, Any]]] = {k: [] for k in data}
    changed = rnd.sample(persons, 12)
    ids = {p["id"] for p in changed}
    for p in changed:
        p = dict(p)
        p["closeness"] = rnd.choice(["support", "oppose", "strong_oppose", "unknown", "neutral"])
        p["veto"] = rnd.choice(["yes", "no", "unknown"])
        if rnd.random() < 0.5:  # a new superior: a top person left as it is (no cycle)
            tops = [q["id"] for q in by_customer[p["customer"]] if not q.get("reports_to") and q["id"] not in ids]
            p["reports_to"] = rnd.choice(tops) if tops and rnd.random() < 0.7 else None
        out["key_persons"].append(p)
    moved: set[str] = set()
    for j in rnd.sample(data["projects"], 8):
        j = dict(j)
        j["status"] = rnd.choice(["open", "won", "lost", "open"])
        if rnd.random() < 0.3:
            j["customer"] = rnd.choice(customers)
            j["decision_chain"] = [
                {"person": p["id"], "role": "user"} for p in by_customer[j["customer"]][:3] if p["id"] not in moved
            ]
        out["projects"].append(j)
    new_c = f"CX{tag}"
    out["customers"].append({"id": new_c, "name": f"New {tag}"})
    out["key_persons"] += [
        {"id": f"PX{tag}1", "customer": new_c, "veto": "yes", "closeness": "neutral"},
        {"id": f"PX{tag}2", "customer": new_c, "reports_to": f"PX{tag}1", "closeness": "oppose"},
    ]
    out["projects"].append({"id": f"JX{tag}", "customer": new_c, "decision_chain": [{"person": f"PX{tag}1"}]})
    out["employees"].append({"id": f"EX{tag}", "team": "North"})
    targets = [p["id"] for p in rnd.sample(persons, 6)] + [f"PX{tag}2"]
    out["influences"] += [{"source": f"EX{tag}", "target": t, "strength": "strong"} for t in targets]
    out["influences"].append({"source": f"PX{tag}2", "target": f"PX{tag}1", "strength": "weak"})
    for i in rnd.sample(data["influences"], 10):
        out["influences"].append({**i, "strength": rnd.choice(["strong", "medium", "weak"])})
    comps = [k["id"] for k in data["competitors"]]
    for s in data["competitor_staff"][:2]:
        out["competitor_staff"].append({**s, "competitor": rnd.choice(comps)})
    return {k: v for k, v in out.items() if v}


def test_rows_follow_every_kind_of_import(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    data_path = _thinned(tmp_path, 7)
    data = json.loads(data_path.read_text(encoding="utf-8"))
    rnd = random.Random(7)
    st = open_store(url)
    try:
        import_path(st, data_path, replace=True)
        assert _same(url) > 5
        for n in range(3):  # upserts, the last one effective-dated
            change = _upsert(data, rnd, str(n))
            import_path(st, _write(tmp_path / f"u{n}.json", change), effective="2999-01-03" if n == 2 else None)
            _same(url)
        stored = st.export()
        patch = {
            "key_persons": [
                {"id": p.id, "closeness": rnd.choice(["oppose", "support", "unknown"]), "veto": "yes"}
                for p in rnd.sample(stored.key_persons, 10)
            ],
            "projects": [{"id": j.id, "status": "open"} for j in stored.projects[:5]],
            "influences": [{"source": stored.employees[0].id, "target": stored.key_persons[3].id, "strength": "weak"}],
        }
        import_patch(st, _write(tmp_path / "patch.json", patch))
        _same(url)
        # a replace by a smaller data set: the rows of removed customers go
        small = dict(data)
        keep = {c["id"] for c in data["customers"][:10]}
        small["customers"] = [c for c in data["customers"] if c["id"] in keep]
        small["key_persons"] = [p for p in data["key_persons"] if p["customer"] in keep]
        kept = {p["id"] for p in small["key_persons"]}
        small["projects"] = [j for j in data["projects"] if j["customer"] in keep]
        small["influences"] = [i for i in data["influences"] if i["target"] in kept and (i["source"] in kept or i["source"][0] != "P")]
        small["interactions"] = [x for x in data["interactions"] if x["person"] in kept]
        import_path(st, _write(tmp_path / "small.json", small), replace=True)
        assert _same(url) > 0
    finally:
        st.close()


def test_rows_follow_crm_imports(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    st = open_store(url)
    try:
        import_path(st, _thinned(tmp_path, 8), replace=True)
        folder = salesforce_export(tmp_path / "sf")
        import_crm(st, folder, "salesforce")
        _same(url)
        import_crm(st, salesforce_export(tmp_path / "sf1", variant=1), "salesforce")
        _same(url)
    finally:
        st.close()


def test_a_store_of_schema_3_gets_its_rows_on_upgrade(tmp_path: Path) -> None:
    db = tmp_path / "v3.db"
    url = f"sqlite:///{db}"
    st = open_store(url)
    import_path(st, _thinned(tmp_path, 9), replace=True)
    st.close()
    with sqlite3.connect(db) as c:  # what schema 3 was: the same without the compact rows
        c.execute("DROP TABLE customer_compact")
        c.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    assert _same(url) > 0  # opening it upgrades it
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == str(SCHEMA_VERSION)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE customer_compact SET data = x'00ff' WHERE customer = (SELECT MIN(customer) FROM customer_compact)",
        # one character of the JSON changed: the CRC no longer matches
        "UPDATE customer_compact SET data = replace(data, '\"succ\":{', '\"succ\":{\"X\":{},') "
        "WHERE customer = (SELECT MIN(customer) FROM customer_compact)",
        "UPDATE customer_compact SET data = '{}' WHERE customer = (SELECT MAX(customer) FROM customer_compact)",
        "DELETE FROM customer_compact WHERE customer = (SELECT MIN(customer) FROM customer_compact)",
        "DELETE FROM customer_compact",
    ],
)
def test_a_damaged_or_missing_row_is_built_again(tmp_path: Path, sql: str) -> None:
    """Flag rows are derived data: a damaged or missing one is built from the tables
    when read (``flags`` answers as before), and the next import writes it again."""
    db = tmp_path / "d.db"
    url = f"sqlite:///{db}"
    data = _thinned(tmp_path, 10)
    st = open_store(url)
    import_path(st, data, replace=True)
    st.close()
    want = subprocess.run(
        [sys.executable, "-m", "brmgraph", "flags", "--recompute", "--store", url],
        check=True, capture_output=True, text=True, timeout=120, cwd=ROOT,
    ).stdout
    assert want.strip()
    with sqlite3.connect(db) as c:
        before = dict(c.execute("SELECT customer, data FROM customer_compact"))
        c.execute(sql)
        assert dict(c.execute("SELECT customer, data FROM customer_compact")) != before
    r = subprocess.run(
        [sys.executable, "-m", "brmgraph", "flags", "--recompute", "--store", url],
        check=False, capture_output=True, text=True, timeout=120, cwd=ROOT,
    )
    assert r.returncode == 0 and r.stdout == want and "Traceback" not in r.stderr, r.stderr
    assert _same(url, rows=False) > 0  # (reads the damaged row, too)
    st = open_store(url)
    try:
        import_path(st, _write(tmp_path / "none.json", {"customers": []}))  # an import that changes nothing
    finally:
        st.close()
    with sqlite3.connect(db) as c:
        assert dict(c.execute("SELECT customer, data FROM customer_compact")) == before
    assert _same(url) > 0


def test_the_import_builds_rows_in_this_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No second process: the flag rows are written in the import's transaction, and a
    failed import leaves the store (rows included) as it was."""
    import os

    def no_fork() -> int:
        raise AssertionError("an import forked")

    monkeypatch.setattr(os, "fork", no_fork)
    from brmgraph.store.sqlite import writing

    db = tmp_path / "f.db"
    st = open_store(f"sqlite:///{db}")
    try:
        data = _thinned(tmp_path, 12)
        import_path(st, data)
        assert _same(f"sqlite:///{db}") > 0
        real = writing.compact.refresh

        def broken(*args: Any) -> None:
            real(*args)
            raise sqlite3.OperationalError("disk I/O error")

        monkeypatch.setattr(writing.compact, "refresh", broken)
        with pytest.raises(Exception, match="rolled back"):
            import_path(st, data, replace=True)
        assert st.counts()["customers"] > 0
        monkeypatch.setattr(writing.compact, "refresh", real)
        assert _same(f"sqlite:///{db}") > 0
    finally:
        st.close()


def _plain(value: Any) -> Any:
    """A row decoded and every value tagged with its type, so that equal results mean
    equal values of equal types (1 == 1.0 == True otherwise)."""
    if isinstance(value, bytes) and value.startswith(compact.PREFIX):
        row = compact.decode(value)
        assert row is not None
        return ("row", _plain(row))
    if isinstance(value, dict):
        return ("dict", [(_plain(k), _plain(v)) for k, v in value.items()])  # in order
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [_plain(v) for v in value])
    return (type(value).__name__, value)


def _rows_sql(db: Path) -> dict[str, Any]:
    """The store's compact rows as they are, and as :func:`rebuild` builds them from
    the tables (decoded, typed)."""
    c = sqlite3.connect(db)
    try:
        stored = {cid: _plain(data) for cid, data in c.execute("SELECT customer, data FROM customer_compact")}
        c.execute("BEGIN")
        sql_compact.rebuild(c, None)
        rebuilt = {cid: _plain(data) for cid, data in c.execute("SELECT customer, data FROM customer_compact")}
        c.execute("ROLLBACK")
    finally:
        c.close()
    return {"stored": stored, "rebuilt": rebuilt}


def test_rows_with_awkward_values(tmp_path: Path) -> None:
    """Rows built at import equal the rows built from the tables, value for value and
    type for type, with awkward values (non-ASCII text, amounts, dates, empty chains),
    after an import into an empty store and a replacing one."""
    data = json.loads(_thinned(tmp_path, 11).read_text(encoding="utf-8"))
    rnd = random.Random(11)
    for j in data["projects"][:6]:
        j.update(amount=rnd.choice([0, 1500, 2.5, -0.0, 1e18]), close_date="2026-03-01", name="Prüfung ✓ 検査")
    data["projects"][6]["decision_chain"] = []
    for section in ("customers", "key_persons", "projects", "influences"):
        rnd.shuffle(data[section])  # the file's order is not the tables' order
    data["key_persons"][0].update(closeness="strong_oppose", veto="yes", name="Zoë Ölund")
    data["influences"][0]["strength"] = "weak"
    data["customers"][2].update(name="ünïcode", attrs={"b": 1, "a": "x", "c": [1.5, None]})
    db = tmp_path / "m.db"
    st = open_store(f"sqlite:///{db}")
    try:
        import_path(st, _write(tmp_path / "d.json", data))  # into an empty store
        assert _same(f"sqlite:///{db}") > 0
        data["customers"] = data["customers"][3:]
        keep = {c["id"] for c in data["customers"]}
        data["key_persons"] = [q for q in data["key_persons"] if q["customer"] in keep]
        kept = {q["id"] for q in data["key_persons"]}
        data["projects"] = [
            dict(q, decision_chain=[m for m in q.get("decision_chain", []) if m["person"] in kept])
            for q in data["projects"] if q["customer"] in keep
        ]
        data["influences"] = [q for q in data["influences"] if q["target"] in kept and (q["source"] in kept or q["source"][0] != "P")]
        data["interactions"] = [x for x in data["interactions"] if x["person"] in kept]
        import_path(st, _write(tmp_path / "r.json", data), replace=True)
        assert _same(f"sqlite:///{db}") > 0
    finally:
        st.close()

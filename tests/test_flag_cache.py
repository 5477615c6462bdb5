"""The per-customer flag cache (docs/spec.md §4.10, brmgraph/store/stamps.py): on seeded
random change sequences, on both stores, a cached run equals a run with ``--recompute``
and a run on a fresh store holding the same data, and computes exactly the customers
the change touched; a stale entry is never served; a read-only or busy store still
answers (without waiting for the busy one)."""

from __future__ import annotations

import copy
import json
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from brmgraph.analysis.exposure import Flag
from brmgraph.batch import FlagStats, run_flags
from brmgraph.dataset import import_patch, import_path
from brmgraph.model import Dataset, Stance, Strength
from brmgraph.store import history as H
from brmgraph.store import open_store
from brmgraph.store import stamps as S
from brmgraph.store.base import Store
from tests.builders import run_on_terminal, thinned_generated_doc

ROOT = Path(__file__).resolve().parent.parent
Doc = dict[str, Any]


def _dump(records: list[Flag]) -> list[dict[str, Any]]:
    return [f.model_dump(mode="json") for f in records]


def _run(st: Store, **kw: Any) -> tuple[list[dict[str, Any]], FlagStats]:
    stats = FlagStats()
    return _dump(run_flags(st.url, store=st, stats=stats, **kw)), stats


def _fresh_flags(st: Store, tmp: Path) -> list[dict[str, Any]]:
    """Flags computed without any cache on a new embedded store holding the same data."""
    path = tmp / f"fresh-{time.monotonic_ns()}.db"
    fresh = open_store(f"sqlite:///{path}")
    try:
        fresh.import_dataset(st.export(), replace=True)
        return _dump(run_flags(fresh.url, store=fresh, cache=False))
    finally:
        fresh.close()
        path.unlink()


def _check(st: Store, tmp: Path, touched: set[str] | None, *, workers: bool = False) -> None:
    """The cached run equals --recompute and a fresh store; it computed exactly the
    ``touched`` customers (None: all of them, a shared record changed)."""
    if workers:  # the workers compute the missing customers, the parent writes them
        s1 = FlagStats()
        cached = _dump(run_flags(st.url, workers=2, stats=s1))
    else:
        cached, s1 = _run(st)
    again, s2 = _run(st, recompute=True)
    assert cached == again == _fresh_flags(st, tmp)
    customers = {c.id for c in st.customers()}
    want = len(customers) if touched is None else len(touched & customers)
    assert (s1.recomputed, s1.cached) == (want, len(customers) - want), (touched, s1)
    assert s2.recomputed == len(customers) and s2.cache == "written"
    third, s3 = _run(st)
    assert third == cached and s3.recomputed == 0 and s3.cached == len(customers)
    if workers:
        assert _dump(run_flags(st.url, workers=2, recompute=True)) == cached


# ----------------------------------------------------------------------- changes
class Changes:
    """A seeded random sequence of imports; ``doc`` is what the store should hold."""

    def __init__(self, st: Store, tmp: Path, seed: int, customers: int = 8) -> None:
        self.st, self.tmp, self.rng = st, tmp, random.Random(seed)
        self.doc: Doc = thinned_generated_doc(f"cache-{seed}", customers=customers)
        self.n = 0
        self.day = 0

    def _file(self, doc: Doc) -> Path:
        self.n += 1
        p = self.tmp / f"step{self.n}.json"
        p.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        return p

    def customers(self) -> list[str]:
        return sorted(c["id"] for c in self.doc["customers"])

    def persons(self, customer: str) -> list[Doc]:
        return [p for p in self.doc["key_persons"] if p["customer"] == customer]

    def first(self) -> set[str] | None:
        import_path(self.st, self._file(self.doc), replace=True)
        return None

    def _tweak(self, customer: str) -> None:
        """Change a closeness and add (or re-weigh) one of our influences in ``customer``."""
        p = self.rng.choice(self.persons(customer))
        p["closeness"] = self.rng.choice([s.value for s in Stance if s.value != p["closeness"]])
        target = self.rng.choice(self.persons(customer))["id"]
        source = self.rng.choice(self.doc["employees"])["id"]
        for i in self.doc["influences"]:
            if (i["source"], i["target"]) == (source, target):
                i["strength"] = self.rng.choice([s.value for s in Strength if s.value != i["strength"]])
                return
        self.doc["influences"].append({"source": source, "target": target, "strength": "strong"})

    def upsert(self, effective: bool = False) -> set[str]:
        """Re-import the whole file with one or two customers changed."""
        touched = set(self.rng.sample(self.customers(), 2))
        for c in touched:
            self._tweak(c)
        at = None
        if effective:
            self.day += 1
            at = H.parse_time(f"2100-01-{self.day:02d}")
        import_path(self.st, self._file(self.doc), effective=at)
        return touched

    def patch(self) -> set[str]:
        c = self.rng.choice(self.customers())
        p = self.rng.choice(self.persons(c))
        p["closeness"] = self.rng.choice([s.value for s in Stance if s.value != p["closeness"]])
        import_patch(self.st, self._file({"key_persons": [{"id": p["id"], "closeness": p["closeness"]}]}))
        return {c}

    def replace_dropping(self) -> set[str]:
        """Replace by the file without one customer, and without one influence elsewhere."""
        gone, other = self.rng.sample(self.customers(), 2)
        ids = {p["id"] for p in self.persons(gone)}
        d = self.doc
        d["customers"] = [c for c in d["customers"] if c["id"] != gone]
        d["key_persons"] = [p for p in d["key_persons"] if p["id"] not in ids]
        d["projects"] = [j for j in d["projects"] if j["customer"] != gone]
        d["influences"] = [i for i in d["influences"] if i["source"] not in ids and i["target"] not in ids]
        d["interactions"] = [x for x in d["interactions"] if x["person"] not in ids]
        mine = {p["id"] for p in self.persons(other)}
        drop = self.rng.choice([i for i in d["influences"] if i["target"] in mine])
        d["influences"].remove(drop)
        import_path(self.st, self._file(d), replace=True)
        return {other}

    def shared(self) -> None:
        """A competitor staff member changes competitor, an employee team."""
        s = self.rng.choice(self.doc["competitor_staff"])
        s["competitor"] = self.rng.choice([k["id"] for k in self.doc["competitors"] if k["id"] != s["competitor"]])
        e = self.rng.choice(self.doc["employees"])
        e["team"] += " (new)"
        import_path(self.st, self._file(self.doc))

    def move(self) -> set[str]:
        """A key person moves to another customer, its ties inside the old one cut (a
        move is only possible with --replace)."""
        d = self.doc
        chains = {m["person"] for j in d["projects"] for m in j["decision_chain"]}
        a = self.rng.choice([c for c in self.customers() if any(p["id"] not in chains for p in self.persons(c))])
        b = self.rng.choice([c for c in self.customers() if c != a])
        p = self.rng.choice([p for p in self.persons(a) if p["id"] not in chains])
        colleagues = {q["id"] for q in self.persons(a)}
        d["influences"] = [
            i for i in d["influences"] if not (i["source"] == p["id"] and i["target"] in colleagues) and not (
                i["target"] == p["id"] and i["source"] in colleagues)
        ]
        for q in d["key_persons"]:
            if q.get("reports_to") == p["id"]:
                q["reports_to"] = None
        p["reports_to"] = None
        p["customer"] = b
        import_path(self.st, self._file(d), replace=True)
        return {a, b}


def _sequence(st: Store, tmp: Path, seed: int, steps: int, workers: bool) -> None:
    ch = Changes(st, tmp, seed)
    ch.first()
    _check(st, tmp, None)
    kinds = ["upsert", "patch", "replace", "shared", "move", "effective"]
    order = kinds + [ch.rng.choice(kinds) for _ in range(max(0, steps - len(kinds)))]
    for n, kind in enumerate(order[:steps]):
        many = workers and n % 3 == 0
        if kind == "upsert":
            _check(st, tmp, ch.upsert(), workers=many)
        elif kind == "effective":
            _check(st, tmp, ch.upsert(effective=True), workers=many)
        elif kind == "patch":
            _check(st, tmp, ch.patch(), workers=many)
        elif kind == "replace":
            if len(ch.customers()) > 4:
                _check(st, tmp, ch.replace_dropping(), workers=many)
        elif kind == "shared":
            ch.shared()
            _check(st, tmp, None, workers=many)
        else:
            _check(st, tmp, ch.move(), workers=many)


@pytest.mark.parametrize("seed", [1, 2])
def test_random_change_sequences_embedded(tmp_path: Path, seed: int) -> None:
    st = open_store(f"sqlite:///{tmp_path / 's.db'}")
    try:
        _sequence(st, tmp_path, seed, steps=10, workers=True)
    finally:
        st.close()


def test_random_change_sequence_neo4j(neo4j_store: Store, tmp_path: Path) -> None:
    _sequence(neo4j_store, tmp_path, 7, steps=6, workers=False)


# ----------------------------------------------------------------------- stamps (pure)
def test_touched_follows_persons_projects_and_targets() -> None:
    doc = thinned_generated_doc("touched", customers=3)
    old = Dataset.model_validate(doc)
    new_doc = copy.deepcopy(doc)
    c1 = [p for p in new_doc["key_persons"] if p["customer"] == "C1"]
    c2 = [p for p in new_doc["key_persons"] if p["customer"] == "C2"]
    new_doc["influences"].append({"source": "E01", "target": c2[0]["id"], "strength": "weak"})
    new = Dataset.model_validate(new_doc)
    ended, _ = H.plan(old, new, replace=False, first=False)
    assert S.touched(ended, old, new, first=False) == S.Touched({"C2"}, False)
    # a person moving from C1 to C3 touches both; an employee moves the shared stamp
    c1[0]["customer"] = "C3"
    new_doc["employees"][0]["title"] = "Chief"
    new = Dataset.model_validate(new_doc)
    ended, _ = H.plan(old, new, replace=False, first=False)
    assert S.touched(ended, old, new, first=False) == S.Touched({"C1", "C2", "C3"}, True)
    # a project, and a deleted influence whose target is gone too (replace): its old customer
    new_doc = copy.deepcopy(doc)
    new_doc["projects"][-1]["stage"] = "won?"
    victim = next(i for i in doc["influences"] if i["target"].startswith("P") and i["source"].startswith("E"))
    owner = next(p["customer"] for p in doc["key_persons"] if p["id"] == victim["target"])
    new_doc["influences"] = [i for i in new_doc["influences"] if i["target"] != victim["target"]]
    new_doc["interactions"] = [x for x in new_doc["interactions"] if x["person"] != victim["target"]]
    new_doc["key_persons"] = [p for p in new_doc["key_persons"] if p["id"] != victim["target"]]
    for p in new_doc["key_persons"]:
        if p.get("reports_to") == victim["target"]:
            p["reports_to"] = None
    for j in new_doc["projects"]:
        j["decision_chain"] = [m for m in j["decision_chain"] if m["person"] != victim["target"]]
    new = Dataset.model_validate(new_doc)
    ended, _ = H.plan(old, new, replace=True, first=False)
    got = S.touched(ended, old, new, first=False)
    assert owner in got.customers and doc["projects"][-1]["customer"] in got.customers and not got.shared
    # the first change set stamps everything
    assert S.touched([], None, new, first=True) == S.Touched({"C1", "C2", "C3"}, True, True)


def test_encode_decode_round_trip() -> None:
    fl = [Flag(project="J1", customer="C1", person="P1", reasons=["UNCOVERED", "OPPOSED"], amount=5, title="CFO")]
    assert [f.model_dump(mode="json") for f in S.decode(S.encode(fl), Flag)] == [f.model_dump(mode="json") for f in fl]
    with pytest.raises(ValueError):
        S.decode('[["only", "two"]]', Flag)


# ----------------------------------------------------------------------- stale entries
def _plant(db: Path, customer: str, max_cost: int = 4) -> None:
    """Replace a customer's cached result by a fake flag, keeping its key."""
    fake = S.encode([Flag(project="FAKE", customer=customer, person="NOBODY", reasons=["UNCOVERED"])])
    with sqlite3.connect(db) as c:
        n = c.execute("UPDATE flag_cache SET flags = ? WHERE customer = ? AND max_cost = ?", (fake, customer, max_cost)).rowcount
    assert n == 1


def test_a_stale_entry_is_never_served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "s.db"
    st = open_store(f"sqlite:///{db}")
    try:
        ch = Changes(st, tmp_path, 3)
        ch.first()
        truth, _ = _run(st)

        def fake_served() -> bool:
            return any(f["project"] == "FAKE" for f in _run(st)[0])

        _plant(db, "C2")
        assert fake_served()  # a valid key is served as it is (so the checks below can fail)
        # the customer changes: its stamp moves
        _plant(db, "C2")
        st.import_dataset(Dataset.model_validate({"customers": [{**ch.doc["customers"][1], "name": "Renamed"}]}))
        assert ch.doc["customers"][1]["id"] == "C2" and not fake_served()
        # an influence aimed at one of its persons (from an employee)
        _plant(db, "C2")
        ch.doc["influences"].append({"source": "E02", "target": ch.persons("C2")[-1]["id"], "strength": "weak"})
        import_path(st, ch._file(ch.doc))
        assert not fake_served()
        # a shared record moves every customer's key
        _plant(db, "C3")
        ch.shared()
        assert not fake_served()
        # another max_cost, another rules version
        _plant(db, "C3")
        assert not any(f["project"] == "FAKE" for f in _dump(run_flags(st.url, store=st, max_cost=3)))
        monkeypatch.setattr("brmgraph.batch.RULES_VERSION", 999)
        assert not fake_served()
        monkeypatch.undo()
        # a damaged entry is computed again
        with sqlite3.connect(db) as c:
            c.execute("UPDATE flag_cache SET flags = 'not json' WHERE customer = 'C1'")
        out, stats = _run(st)
        assert stats.recomputed >= 1 and out == _run(st, recompute=True)[0]
    finally:
        st.close()
    assert truth  # the sequence had flags to compare


def test_first_change_set_clears_entries_of_a_removed_history(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    st = open_store(f"sqlite:///{db}")
    try:
        Changes(st, tmp_path, 4).first()
        _run(st)
        _plant(db, "C1")
        with sqlite3.connect(db) as c:  # the history removed: change set ids start again
            c.execute("DELETE FROM changesets")
        Changes(st, tmp_path, 4).first()
        assert not any(f["project"] == "FAKE" for f in _run(st)[0])
    finally:
        st.close()


# ----------------------------------------------------------------------- read-only, busy, CLI
def _cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "brmgraph", *args], capture_output=True, text=True, timeout=timeout,
                          cwd=ROOT)


def test_busy_store_does_not_block_and_cli_recompute(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    url = f"sqlite:///{db}"
    st = open_store(url)
    try:
        Changes(st, tmp_path, 5).first()
        want, _ = _run(st, cache=False)
    finally:
        st.close()
    first = _cli("flags", "--store", url)
    assert first.returncode in (0, 3) and first.stderr == ""  # no summary when stderr is not a terminal
    lines = [json.loads(x) for x in first.stdout.splitlines()]
    assert lines == want
    other = sqlite3.connect(db, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # an import holding the write lock
        other.execute("UPDATE meta SET value = value WHERE key = 'format'")
        t0 = time.monotonic()
        r = _cli("flags", "--recompute", "--store", url, timeout=60)
        assert time.monotonic() - t0 < 20  # the store's busy timeout is 120 s
        assert r.returncode in (0, 3) and r.stderr == "" and r.stdout == first.stdout
        stats = FlagStats()
        st = open_store(url, create=False)
        try:
            assert _dump(run_flags(url, store=st, recompute=True, stats=stats)) == want
            assert stats.cache == "skipped"
        finally:
            st.close()
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert _cli("flags", "--store", url).stdout == first.stdout


def test_summary_line_on_a_terminal(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    st = open_store(url)
    try:
        Changes(st, tmp_path, 6).first()
    finally:
        st.close()
    _cli("flags", "--store", url)
    code, _out, text = run_on_terminal("flags", "--store", url, cwd=ROOT, timeout=120)
    assert code in (0, 3)
    assert "flags: 8 customers, 0 recomputed, 8 from the cache" in text, text


def test_read_only_store_serves_the_cache(tmp_path: Path) -> None:
    from tests.conftest import need
    from tests.test_store_faults import _can_mount_readonly, _readonly_run

    need(_can_mount_readonly(tmp_path), "cannot mount read-only here (no user namespaces)")
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "s.db"
    url = f"sqlite:///{db}"
    st = open_store(url)
    try:
        ch = Changes(st, tmp_path, 8)
        ch.first()
        _run(st)
        ch.patch()  # one customer stale: computed, not written
        want, _ = _run(st, cache=False)
        st.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        st.close()
    for args in (["flags"], ["flags", "--recompute"], ["flags", "--workers", "2"]):
        r = _readonly_run(folder, [*args, "--store", url])
        assert r.returncode in (0, 3) and r.stderr == "", r.stderr
        assert [json.loads(x) for x in r.stdout.splitlines()] == want


def test_schema_3_store_is_migrated_with_stamps(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    url = f"sqlite:///{db}"
    st = open_store(url)
    try:
        ch = Changes(st, tmp_path, 9)
        ch.first()
        ch.upsert()
    finally:
        st.close()
    with sqlite3.connect(db) as c:  # as a schema-3 store was
        c.execute("DROP TABLE customer_stamps")
        c.execute("DROP TABLE flag_cache")
        c.execute("DROP TABLE shared_stamp")
        c.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    st = open_store(url, create=False)
    try:
        stamps = dict(st.conn.execute("SELECT customer, changeset FROM customer_stamps"))  # type: ignore[attr-defined]
        assert set(stamps) == set(ch.customers()) and set(stamps.values()) == {2}
        ch.st = st
        _check(st, tmp_path, None)
        _check(st, tmp_path, ch.patch())
    finally:
        st.close()

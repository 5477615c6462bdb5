"""The first load of a large data set into an empty Neo4j store (``Neo4jStore._load_empty``):
written straight into the graph's own labels in many transactions, yet all or nothing for
brmgraph — the same content as the embedded store, readers wait for it, a failure or an
invalid file leaves the store empty, and a killed load is refused by readers and cleared
by the next import."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from brmgraph.dataset import import_path, load_dataset
from brmgraph.errors import InvalidData, StoreUnavailable
from brmgraph.store import open_store

pytestmark = pytest.mark.neo4j

ROOT = Path(__file__).resolve().parent.parent


def _small_loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every import into an empty store takes the load path, in batches of 3 rows; returns
    the list the path appends "load" to each time it runs."""
    from brmgraph.store.neo4j import importing

    monkeypatch.setattr(importing, "STAGE_MIN_RECORDS", 0)
    monkeypatch.setattr(importing, "BATCH", 3)
    used: list[str] = []
    real = importing.Neo4jImport._load_empty

    def spy(self, *a, **kw):
        used.append("load")
        return real(self, *a, **kw)

    monkeypatch.setattr(importing.Neo4jImport, "_load_empty", spy)
    return used


def _count(store, query: str) -> int:
    with store.driver.session() as s:
        return int(s.run(query).single()[0])


def _markers(store) -> int:
    return _count(store, "MATCH (m:BrmLoading) RETURN count(m)")


def _data_nodes(store) -> int:
    return _count(
        store,
        "MATCH (n) WHERE n:Customer OR n:KeyPerson OR n:Employee OR n:Competitor OR n:CompetitorStaff "
        "OR n:Project RETURN count(n)",
    )


def test_load_writes_what_the_embedded_store_holds(neo4j_store, generated: Path, sqlite_url: str, monkeypatch) -> None:
    used = _small_loads(monkeypatch)
    sq = open_store(sqlite_url)
    try:
        a = import_path(neo4j_store, generated)
        b = import_path(sq, generated)
        assert used == ["load"]
        assert neo4j_store.export().sorted() == sq.export().sorted() == load_dataset(generated).sorted()
        for c in sq.customers():
            assert neo4j_store.customer_graph(c.id).model_dump(mode="json") == sq.customer_graph(c.id).model_dump(mode="json")
        # the same change set (first import, every record new) and stamps for the flag cache
        assert (a.changeset, a.changes, a.counts) == (b.changeset, b.changes, b.counts)
        assert [(c.id, c.mode, c.counts) for c in neo4j_store.changesets()] == [
            (c.id, c.mode, c.counts) for c in sq.changesets()
        ]
        assert _count(neo4j_store, "MATCH (s:BrmStamp) RETURN count(s)") == len(sq.customers())
        assert _markers(neo4j_store) == 0
        # the next import of the same file is an upsert on a non-empty store, not a load
        import_path(neo4j_store, generated)
        assert used == ["load"] and neo4j_store.export().sorted() == sq.export().sorted()
    finally:
        sq.close()


def test_a_load_with_repeated_ids_writes_what_the_embedded_store_holds(
    neo4j_store, generated: Path, sqlite_url: str, monkeypatch
) -> None:
    """A data set handed to the store that repeats records (files that do are refused
    before; the later record wins) is still loaded, its repeats merged one batch at a time."""
    from brmgraph.model import Dataset

    used = _small_loads(monkeypatch)
    doc = json.loads(generated.read_text(encoding="utf-8"))
    doc["customers"].append({**doc["customers"][0], "name": "Renamed"})
    doc["key_persons"].append({**doc["key_persons"][1], "title": "Retitled"})
    first = doc["influences"][0]
    doc["influences"].append({**first, "strength": "weak" if first["strength"] != "weak" else "strong"})
    ds = Dataset.model_validate(doc)
    sq = open_store(sqlite_url)
    try:
        neo4j_store.import_dataset(ds)
        sq.import_dataset(ds)
        assert used == ["load"]
        assert neo4j_store.export().sorted() == sq.export().sorted()
        assert "Renamed" in {c.name for c in neo4j_store.customers()}
        assert _markers(neo4j_store) == 0
    finally:
        sq.close()


def test_a_failing_batch_leaves_the_store_empty(neo4j_store, generated: Path, monkeypatch) -> None:
    from brmgraph.store.neo4j import importing, queries

    used = _small_loads(monkeypatch)
    real = importing.load_cypher

    def failing(name: str) -> str:
        if name == queries.Q_LOAD[queries.Q_CREATE_INTERACTIONS]:  # the last statement: the rest is written
            return "UNWIND $rows AS r RETURN r[0] / 0 AS boom"
        return real(name)

    monkeypatch.setattr(importing, "load_cypher", failing)
    with pytest.raises(StoreUnavailable, match="failed"):
        import_path(neo4j_store, generated)
    assert used == ["load"]
    assert _data_nodes(neo4j_store) == 0 and _markers(neo4j_store) == 0
    assert neo4j_store.changesets() == []
    with neo4j_store.snapshot():  # readable: an empty store
        assert neo4j_store.customers() == []
    monkeypatch.setattr(importing, "load_cypher", real)
    import_path(neo4j_store, generated)
    assert neo4j_store.export().sorted() == load_dataset(generated).sorted()


def test_a_file_refused_while_loading_leaves_the_store_empty(neo4j_store, generated: Path, tmp_path: Path, monkeypatch) -> None:
    """The references are checked while the first batches are written: a dangling one
    stops the load, and what it wrote is removed."""
    used = _small_loads(monkeypatch)
    doc = json.loads(generated.read_text(encoding="utf-8"))
    doc["key_persons"][-1]["reports_to"] = "NOBODY"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(InvalidData, match="NOBODY"):
        import_path(neo4j_store, bad)
    assert used == ["load"]
    assert _data_nodes(neo4j_store) == 0 and _markers(neo4j_store) == 0 and neo4j_store.changesets() == []


# ----------------------------------------------------------------- a load in another process
CHILD = """
import sys, time
from brmgraph.dataset import import_path
from brmgraph.store import open_store
from brmgraph.store.neo4j import importing, queries

importing.STAGE_MIN_RECORDS = 0
importing.BATCH = 3
real = importing._load_rows

def paused(name, rows, node_ids):
    if name == queries.Q_CREATE_REPORTS_TO:  # the nodes are written, the edges not yet
        print("LOADING", flush=True)
        time.sleep(float(sys.argv[3]))
    return real(name, rows, node_ids)

importing._load_rows = paused
st = open_store(sys.argv[1])
import_path(st, sys.argv[2])
print("DONE", flush=True)
"""


def _child(url: str, data: Path, pause: float) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    p = subprocess.Popen(
        [sys.executable, "-c", CHILD, url, str(data), str(pause)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env=env,
    )
    assert p.stdout is not None
    line = p.stdout.readline()
    assert line.strip() == "LOADING", (line, p.stderr.read() if p.poll() is not None else "")
    return p


def _read_in_thread(url: str, out: dict) -> threading.Thread:
    def read() -> None:
        st = open_store(url)
        try:
            with st.snapshot():
                out["export"] = st.export()
        except Exception as exc:  # noqa: BLE001 - the test looks at it
            out["error"] = exc
        finally:
            out["at"] = time.monotonic()
            st.close()

    t = threading.Thread(target=read)
    t.start()
    return t


def test_readers_wait_for_a_running_load_and_then_see_all_of_it(neo4j_store, neo4j_url: str, generated: Path) -> None:
    child = _child(neo4j_url, generated, 3.0)
    try:
        assert _data_nodes(neo4j_store) > 0  # nodes are there for raw Cypher...
        seen: dict = {}
        reader = _read_in_thread(neo4j_url, seen)
        reader.join(1.0)
        assert reader.is_alive()  # ...but a snapshot waits for the load
        out, err = child.communicate(timeout=120)
        done = time.monotonic()
        reader.join(60)
        assert child.returncode == 0 and out.strip() == "DONE", err
        assert "error" not in seen, seen.get("error")
        assert seen["at"] <= done + 5
        assert seen["export"].sorted() == load_dataset(generated).sorted()
    finally:
        if child.poll() is None:
            child.kill()


def test_a_killed_load_is_refused_by_readers_and_cleared_by_the_next_import(
    neo4j_store, neo4j_url: str, generated: Path, tmp_path: Path
) -> None:
    child = _child(neo4j_url, generated, 600.0)
    seen: dict = {}
    reader = _read_in_thread(neo4j_url, seen)
    reader.join(1.0)
    assert reader.is_alive()  # waits for the load...
    os.kill(child.pid, signal.SIGKILL)  # ...which dies half-way: its transaction (and lock) go with it
    child.communicate(timeout=60)
    reader.join(60)
    assert isinstance(seen.get("error"), StoreUnavailable), seen
    assert "unfinished import" in str(seen["error"]) and "\n" not in str(seen["error"])
    assert _markers(neo4j_store) == 1 and _data_nodes(neo4j_store) > 0

    # the command line says so in one line, and exits non-zero
    r = subprocess.run(
        [sys.executable, "-m", "brmgraph", "flags", "--store", neo4j_url], capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120,
    )
    assert r.returncode != 0 and "unfinished import" in r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr

    # any import clears it first: here a small one (the one-transaction path)
    small = tmp_path / "small.json"
    small.write_text(json.dumps({"customers": [{"id": "C1", "name": "Only"}]}), encoding="utf-8")
    import_path(neo4j_store, small)
    assert _markers(neo4j_store) == 0
    assert [c.id for c in neo4j_store.customers()] == ["C1"] and neo4j_store.export().key_persons == []

"""The one Neo4j import path (``Neo4jImport.import_dataset``): one managed transaction of
batched upserts per import — the same content as the embedded store, repeated records
merged in file order, a failing batch or a refused file leaves the previous content,
snapshots wait for a running import and then see all of it, an optimistic read does not
wait and sees the state before it, and a ``kill -9`` of the importing process leaves the
previous content (nothing to clear)."""

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
from brmgraph.model import Dataset
from brmgraph.store import open_store

pytestmark = pytest.mark.neo4j

ROOT = Path(__file__).resolve().parent.parent
OLD = {"customers": [{"id": "OLD"}], "key_persons": [{"id": "OP", "customer": "OLD"}]}


def _small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every statement of an import runs in many batches of 3 rows."""
    from brmgraph.store.neo4j import importing

    monkeypatch.setattr(importing, "BATCH", 3)


def _count(store, query: str) -> int:
    with store.driver.session() as s:
        return int(s.run(query).single()[0])


def _data_nodes(store) -> int:
    return _count(
        store,
        "MATCH (n) WHERE n:Customer OR n:KeyPerson OR n:Employee OR n:Competitor OR n:CompetitorStaff "
        "OR n:Project RETURN count(n)",
    )


def test_import_writes_what_the_embedded_store_holds(neo4j_store, generated: Path, sqlite_url: str, monkeypatch) -> None:
    _small_batches(monkeypatch)
    sq = open_store(sqlite_url)
    try:
        a = import_path(neo4j_store, generated)
        b = import_path(sq, generated)
        assert neo4j_store.export().sorted() == sq.export().sorted() == load_dataset(generated).sorted()
        for c in sq.customers():
            assert neo4j_store.customer_graph(c.id).model_dump(mode="json") == sq.customer_graph(c.id).model_dump(mode="json")
        # the same change set (first import, every record new) and stamps for the flag cache
        assert (a.changeset, a.changes, a.counts) == (b.changeset, b.changes, b.counts)
        assert [(c.id, c.mode, c.counts) for c in neo4j_store.changesets()] == [
            (c.id, c.mode, c.counts) for c in sq.changesets()
        ]
        assert _count(neo4j_store, "MATCH (s:BrmStamp) RETURN count(s)") == len(sq.customers())
        # the same file again, and a replace by it: nothing changes
        import_path(neo4j_store, generated)
        neo4j_store.import_dataset(load_dataset(generated), replace=True)
        assert neo4j_store.export().sorted() == sq.export().sorted()
    finally:
        sq.close()


def test_repeated_records_are_merged_in_file_order(neo4j_store, generated: Path, sqlite_url: str, monkeypatch) -> None:
    """A data set handed to the store that repeats records (files that do are refused
    before; the later record wins) is written as on the embedded store."""
    _small_batches(monkeypatch)
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
        assert neo4j_store.export().sorted() == sq.export().sorted()
        assert "Renamed" in {c.name for c in neo4j_store.customers()}
    finally:
        sq.close()


@pytest.mark.parametrize("replace", [False, True], ids=["upsert", "replace"])
def test_a_failing_batch_leaves_the_old_content(neo4j_store, generated: Path, monkeypatch, replace: bool) -> None:
    from brmgraph.store.neo4j import importing

    neo4j_store.import_dataset(Dataset.model_validate(OLD))
    before, sets = neo4j_store.export().sorted(), neo4j_store.changesets()
    _small_batches(monkeypatch)
    real = importing.plan

    def failing(ds, existing):
        yield from real(ds, existing)  # every statement written...
        yield "UNWIND $rows AS r RETURN r[0] / 0 AS boom", [[1]]  # ...then one fails on the server

    monkeypatch.setattr(importing, "plan", failing)
    with pytest.raises(StoreUnavailable, match="failed"):
        neo4j_store.import_dataset(load_dataset(generated), replace=replace)
    assert neo4j_store.export().sorted() == before and neo4j_store.changesets() == sets
    assert _data_nodes(neo4j_store) == 2
    monkeypatch.setattr(importing, "plan", real)
    import_path(neo4j_store, generated, replace=True)
    assert neo4j_store.export().sorted() == load_dataset(generated).sorted()


def test_a_refused_file_leaves_the_store_empty(neo4j_store, generated: Path, tmp_path: Path) -> None:
    doc = json.loads(generated.read_text(encoding="utf-8"))
    doc["key_persons"][-1]["reports_to"] = "NOBODY"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(InvalidData, match="NOBODY"):
        import_path(neo4j_store, bad)
    assert _data_nodes(neo4j_store) == 0 and neo4j_store.changesets() == []


# ------------------------------------------------------------- an import in another process
CHILD = """
import sys, time
from brmgraph.dataset import import_path
from brmgraph.store import open_store
from brmgraph.store.neo4j import importing

importing.BATCH = 3
real = importing.plan

def paused(ds, existing):
    for n, step in enumerate(real(ds, existing)):
        if n == 6:  # the nodes are written, the edges not yet
            print("LOADING", flush=True)
            time.sleep(float(sys.argv[3]))
        yield step

importing.plan = paused
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


def test_readers_wait_for_a_running_import_and_then_see_all_of_it(neo4j_store, neo4j_url: str, generated: Path) -> None:
    neo4j_store.import_dataset(Dataset.model_validate(OLD))
    child = _child(neo4j_url, generated, 3.0)
    try:
        # an optimistic read (one customer's question) does not wait: the state before
        with neo4j_store.optimistic_snapshot():
            assert [c.id for c in neo4j_store.customers()] == ["OLD"]
            assert [p.id for p in neo4j_store.customer_graph("OLD").key_persons] == ["OP"]
        seen: dict = {}
        reader = _read_in_thread(neo4j_url, seen)
        reader.join(1.0)
        assert reader.is_alive()  # a snapshot waits for the import
        out, err = child.communicate(timeout=120)
        done = time.monotonic()
        reader.join(60)
        assert child.returncode == 0 and out.strip() == "DONE", err
        assert "error" not in seen, seen.get("error")
        assert seen["at"] <= done + 5
        want = load_dataset(generated)
        assert {c.id for c in seen["export"].customers} == {c.id for c in want.customers} | {"OLD"}
    finally:
        if child.poll() is None:
            child.kill()


def test_a_killed_import_leaves_the_old_content(neo4j_store, neo4j_url: str, generated: Path) -> None:
    neo4j_store.import_dataset(Dataset.model_validate(OLD))
    before = neo4j_store.export().sorted()
    child = _child(neo4j_url, generated, 600.0)
    seen: dict = {}
    reader = _read_in_thread(neo4j_url, seen)
    reader.join(1.0)
    assert reader.is_alive()  # waits for the import...
    os.kill(child.pid, signal.SIGKILL)  # ...which dies half-way: its transaction (and lock) go with it
    child.communicate(timeout=60)
    reader.join(60)
    assert "error" not in seen, seen.get("error")
    assert seen["export"].sorted() == before
    assert neo4j_store.export().sorted() == before and _data_nodes(neo4j_store) == 2
    import_path(neo4j_store, generated)
    assert len(neo4j_store.customers()) == len(load_dataset(generated).customers) + 1


def test_the_declared_new_fields_round_trip(neo4j_store, sqlite_url: str) -> None:
    """email, status and left_on (brmgraph/schema.py) are written and read on Neo4j as on
    the embedded store: the import's property lists derive from the declaration."""
    from tests.test_new_fields import WANT, doc, fields

    ds = Dataset.model_validate(doc())
    sq = open_store(sqlite_url)
    try:
        neo4j_store.import_dataset(ds)
        sq.import_dataset(ds)
        got = neo4j_store.export().sorted()
        assert got == sq.export().sorted()
        assert fields(got.model_dump(mode="json")) == WANT
        assert neo4j_store.customer_graph("C1").model_dump(mode="json") == sq.customer_graph("C1").model_dump(mode="json")
        # an upsert that changes them (a person back at work) changes them on both
        back = Dataset.model_validate(doc(status="active", left_on=None))
        neo4j_store.import_dataset(back)
        sq.import_dataset(back)
        assert neo4j_store.export().sorted() == sq.export().sorted()
    finally:
        sq.close()

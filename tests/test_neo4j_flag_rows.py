"""The batch read path of the Neo4j store (``Neo4jStore.iter_flag_graphs``: one list-valued
query per batch of customers → ``CustomerGraph.from_rows``) gives the same graphs, and so
the same flags, as the data-set path (``iter_customer_graphs`` → ``from_dataset``) and as
the embedded store; it reads in one snapshot, and a damaged value is a one-line error."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from brmgraph.analysis.exposure import flags, sort_flags
from brmgraph.batch import collect_flags
from brmgraph.dataset import load_dataset
from brmgraph.errors import NotFound
from brmgraph.graph import COMPANY, CustomerGraph, Perspective
from brmgraph.store import open_store
from brmgraph.store.compact import FlagGraph

from .test_perf_competent import _thinned

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.neo4j


def _model_flags(st, max_cost: int) -> list[dict]:
    out = []
    for ds in st.iter_customer_graphs(interactions=False):
        out.extend(flags(CustomerGraph.from_dataset(ds, ds.customers[0].id), max_cost=max_cost))
    return [f.model_dump(mode="json") for f in sort_flags(out)]


@pytest.fixture(scope="module")
def data_sets(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    tmp = tmp_path_factory.mktemp("neo4j-rows")
    return [_thinned(tmp, seed) for seed in (4, 5, 6)]


def test_graphs_and_flags_of_the_row_path_equal_the_data_set_path(neo4j_store, data_sets, monkeypatch) -> None:
    from brmgraph.store.neo4j import reading

    monkeypatch.setattr(reading, "FLAG_BATCH", 7)  # several batches, the last one partial
    total = 0
    for data in data_sets:
        neo4j_store.import_dataset(load_dataset(data), replace=True)
        model = [CustomerGraph.from_dataset(ds, ds.customers[0].id) for ds in neo4j_store.iter_customer_graphs(interactions=False)]
        rows = list(neo4j_store.iter_flag_graphs())
        assert [g.id for g in rows] == [g.id for g in model] and len(rows) == 25
        for a, b in zip(rows, model):
            assert isinstance(a, FlagGraph)  # really the row path: what flags reads of it
            assert a.succ == b.succ and a.kinds == b.kinds
            assert list(a.succ) == list(b.succ)  # same node order
            assert a.blocked_relays(COMPANY) == b.blocked_relays(COMPANY)
            assert a.blocked_relays(Perspective("competitor", "*")) == set()
            assert a.customer.name == b.customer.name
            for name in ("employees", "staff", "competitors"):
                assert getattr(a, name) == getattr(b, name), name
            assert a.open_project_ids() == b.open_project_ids()
            for j in a.open_project_ids():
                assert a.project_decision_makers(j) == b.project_decision_makers(j)
            for pid, p in a.persons.items():
                assert (p.name, p.title, p.closeness) == (b.persons[pid].name, b.persons[pid].title, b.persons[pid].closeness)
        for max_cost in (2, 4, 6):
            fast = [f.model_dump(mode="json") for f in collect_flags(neo4j_store, max_cost=max_cost)]
            assert fast == _model_flags(neo4j_store, max_cost)
            total += len(fast)
    assert total > 30


def test_the_row_path_equals_the_embedded_store(neo4j_store, data_sets, sqlite_url: str) -> None:
    ds = load_dataset(data_sets[0])
    neo4j_store.import_dataset(ds)
    sq = open_store(sqlite_url)
    try:
        sq.import_dataset(ds)
        assert collect_flags(neo4j_store) == collect_flags(sq)
        ids = [c.id for c in sq.customers()]
        some = [ids[3], ids[0], ids[17]]  # the order asked for is the order given
        assert [g.id for g in neo4j_store.iter_flag_graphs(some)] == some
        for a, b in zip(neo4j_store.iter_flag_graphs(some), sq.iter_flag_graphs(some)):
            assert a.succ == b.succ and a.arc_kinds == b.arc_kinds and a.projects == b.projects
    finally:
        sq.close()
    with pytest.raises(NotFound, match="nobody"):
        list(neo4j_store.iter_flag_graphs([ids[0], "nobody"]))


def test_the_row_path_reads_in_one_snapshot(neo4j_store, neo4j_url: str, data_sets, monkeypatch) -> None:
    """While the batch is being read, an import waits; the batch answers from the state
    before it, and the import then commits."""
    from brmgraph.store.neo4j import reading

    monkeypatch.setattr(reading, "FLAG_BATCH", 5)
    first, second = load_dataset(data_sets[0]), load_dataset(data_sets[1])
    neo4j_store.import_dataset(first)
    before = collect_flags(neo4j_store)
    graphs = neo4j_store.iter_flag_graphs()
    got = [next(graphs)]  # the snapshot is open now
    done = threading.Event()
    errors: list[BaseException] = []

    def writer() -> None:
        other = open_store(neo4j_url)
        try:
            other.import_dataset(second, replace=True)
        except BaseException as exc:  # pragma: no cover - shown by the assertion below
            errors.append(exc)
        finally:
            other.close()
            done.set()

    t = threading.Thread(target=writer)
    t.start()
    time.sleep(1.5)
    assert not done.is_set(), "the import committed while the batch was reading"
    got.extend(graphs)
    t.join(120)
    assert done.is_set() and not errors
    out = []
    for g in got:
        out.extend(flags(g))
    assert sort_flags(out) == before
    assert collect_flags(neo4j_store) != before  # the import did commit afterwards


@pytest.mark.parametrize(
    "cypher",
    [
        "MATCH (p:KeyPerson) WITH p ORDER BY p.id LIMIT 1 SET p.closeness = 'bogus'",
        "MATCH ()-[i:INFLUENCES_EXTERNAL]->() WITH i LIMIT 1 SET i.strength = 'bogus'",
    ],
)
def test_a_damaged_value_is_a_one_line_error(neo4j_store, data_sets, cypher: str) -> None:
    neo4j_store.import_dataset(load_dataset(data_sets[1]))
    with neo4j_store.driver.session() as s:
        s.run(cypher).consume()
    try:
        r = subprocess.run(
            [sys.executable, "-m", "brmgraph", "flags", "--store", neo4j_store.url],
            check=False, capture_output=True, text=True, timeout=300, cwd=ROOT,
        )
    finally:  # the next test's fixture reads the store before replacing it
        with neo4j_store.driver.session() as s:
            s.run("MATCH (n) WHERE NOT n:BrmLock DETACH DELETE n").consume()
    assert r.returncode != 0 and r.stdout == ""
    assert "bogus" in r.stderr and "damaged" in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_cli_flags_on_neo4j_workers_and_shards(neo4j_store, data_sets) -> None:
    neo4j_store.import_dataset(load_dataset(data_sets[2]))
    model = _model_flags(neo4j_store, 4)

    def cli(*args: str) -> list[dict]:
        r = subprocess.run(
            [sys.executable, "-m", "brmgraph", "flags", *args, "--store", neo4j_store.url],
            check=False, capture_output=True, text=True, timeout=300, cwd=ROOT,
        )
        assert r.returncode == 0, r.stderr[-2000:]
        return [json.loads(line) for line in r.stdout.splitlines()]

    assert cli() == model
    assert cli("--workers", "2") == model
    shards = cli("--shard", "1/2") + cli("--shard", "2/2")
    assert sorted(shards, key=lambda d: (d["project"], d["person"], d["customer"])) == model

"""Reader slots of the Neo4j store (cypher/lock/take_slot.cypher): snapshots of several
processes read side by side, an import waits for every one of them, and a store whose
imports made no slots yet falls back to the store's lock node (reads wait for each other)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from brmgraph.model import Dataset
from brmgraph.store import open_store

pytestmark = pytest.mark.neo4j

DATA = {
    "customers": [{"id": "C1"}, {"id": "C2"}],
    "key_persons": [{"id": "P1", "customer": "C1"}, {"id": "P2", "customer": "C2"}],
}


def _in_thread(work: Callable[[], None]) -> tuple[threading.Thread, threading.Event]:
    done = threading.Event()

    def run() -> None:
        try:
            work()
        finally:
            done.set()

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t, done


def _slots(monkeypatch: pytest.MonkeyPatch, *picks: int) -> None:
    """The reader slots the next snapshots pick, in order."""
    import random

    queue = list(picks)
    monkeypatch.setattr(random, "randrange", lambda n, *a: queue.pop(0) if queue else 0)


def test_snapshots_read_side_by_side_and_an_import_waits_for_them(neo4j_store, neo4j_url: str, monkeypatch) -> None:
    neo4j_store.import_dataset(Dataset.model_validate(DATA))
    with neo4j_store.driver.session() as s:
        assert s.run("MATCH (l:BrmLock) WHERE l.name STARTS WITH 'read-' RETURN count(l) AS n").single()["n"] >= 2
    _slots(monkeypatch, 3, 5)
    other = open_store(neo4j_url)
    writer = open_store(neo4j_url)
    try:
        with neo4j_store.snapshot():
            assert [c.id for c in neo4j_store.customers()] == ["C1", "C2"]
            entered = threading.Event()

            def second() -> None:
                with other.snapshot():
                    other.customers()
                    entered.set()

            t, _ = _in_thread(second)
            assert entered.wait(30), "a second snapshot waited for the first"
            t.join(30)
            new = Dataset.model_validate({"customers": [{"id": "C3"}]})
            t, done = _in_thread(lambda: writer.import_dataset(new))
            time.sleep(1.5)
            assert not done.is_set(), "an import committed while a snapshot was reading"
            assert [c.id for c in neo4j_store.customers()] == ["C1", "C2"]
        t.join(60)
        assert done.is_set()
        assert [c.id for c in neo4j_store.customers()] == ["C1", "C2", "C3"]
    finally:
        other.close()
        writer.close()


def test_without_slots_a_snapshot_takes_the_store_lock(neo4j_store, neo4j_url: str) -> None:
    neo4j_store.import_dataset(Dataset.model_validate(DATA))
    with neo4j_store.driver.session() as s:  # a store written before reader slots came in
        s.run("MATCH (l:BrmLock) WHERE l.name STARTS WITH 'read-' DELETE l").consume()
    other = open_store(neo4j_url)
    try:
        with neo4j_store.snapshot():
            entered = threading.Event()

            def second() -> None:
                with other.snapshot():
                    entered.set()

            t, _ = _in_thread(second)
            assert not entered.wait(1.5), "without slots, snapshots take the store's lock node"
        t.join(30)
        assert entered.is_set()
    finally:
        other.close()


def _hold_the_lock(url: str):
    """A raw transaction that holds what an import holds (the store's lock node and every
    reader slot), as a running import does; the caller rolls it back."""
    from neo4j import GraphDatabase

    from brmgraph.store.neo4j import READ_SLOTS, SCHEMA_VERSION, load_cypher

    driver = GraphDatabase.driver(url, auth=None)
    session = driver.session()
    tx = session.begin_transaction()
    tx.run(load_cypher("lock/take"), schema_version=SCHEMA_VERSION, step=1).consume()
    tx.run(load_cypher("lock/take_slots"), slots=READ_SLOTS).consume()
    return driver, session, tx


def test_one_customer_reads_take_no_lock_and_cannot_write(neo4j_store, neo4j_url: str) -> None:
    """`path` and `report` read in an optimistic snapshot: a read transaction (read-only
    credentials serve; a write there fails) that does not wait for a running import."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from neo4j import exceptions as nx

    neo4j_store.import_dataset(Dataset.model_validate(DATA))
    driver, session, tx = _hold_the_lock(neo4j_url)
    try:
        with neo4j_store.optimistic_snapshot():
            assert [c.id for c in neo4j_store.customers()] == ["C1", "C2"]
            assert [p.id for p in neo4j_store.customer_graph("C1").key_persons] == ["P1"]
            with pytest.raises(nx.ClientError, match="(?i)read"):  # the snapshot's transaction is a read one
                neo4j_store._tx.run("CREATE (:Customer {id: 'X'})").consume()
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
        for args in (["report", "--customer", "C1", "--format", "json"], ["path", "--to", "P1", "--json"]):
            r = subprocess.run(
                [sys.executable, "-m", "brmgraph", *args, "--store", neo4j_url],
                capture_output=True, text=True, env=env, timeout=60,
            )
            assert r.returncode == 0, (args, r.stderr)
    finally:
        tx.rollback()
        session.close()
        driver.close()


def test_an_import_between_two_reads_of_one_question_fails_it_cleanly(neo4j_store, neo4j_url: str) -> None:
    from brmgraph.errors import StoreUnavailable

    neo4j_store.import_dataset(Dataset.model_validate(DATA))
    writer = open_store(neo4j_url)
    try:
        with neo4j_store.optimistic_snapshot():
            assert [c.id for c in neo4j_store.customers()] == ["C1", "C2"]
            writer.import_dataset(Dataset.model_validate({"customers": [{"id": "C3"}]}))
            with pytest.raises(StoreUnavailable, match="run it again"):
                neo4j_store.customer_graph("C1")
        with neo4j_store.optimistic_snapshot():  # an import before the first read: that read sees it
            assert [c.id for c in neo4j_store.customers()] == ["C1", "C2", "C3"]
    finally:
        writer.close()

"""Crash safety: kill -9 the Neo4j server in the middle of a large import; after a
restart the store holds the old data set or the new one, never a mix.

Runs its own local server (the launcher) in a temporary home, because it kills it.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from brmgraph.model import Dataset

IMPORTER = """
import sys
from brmgraph.dataset import load_dataset
from brmgraph.store.neo4j import Neo4jStore
url, path, replace = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
ds = load_dataset(path)
st = Neo4jStore(url)
print("IMPORTING", flush=True)
st.import_dataset(ds, replace=replace)
print("COMMITTED", flush=True)
"""


def _generate(path: Path, seed: str, customers: int) -> Dataset:
    from brmgraph.dataset import load_dataset
    from brmgraph.generate import generate

    generate(path, customers=customers, persons_per=25, employees=200, competitors=6, staff_per=8, seed=seed)
    return load_dataset(path)


def canon(ds: Dataset) -> str:
    return json.dumps(ds.sorted().model_dump(mode="json"), sort_keys=True)


@pytest.fixture(scope="module")
def crash_server(tmp_path_factory: pytest.TempPathFactory):
    from brmgraph import neo4j_local
    from brmgraph.errors import BrmError
    from tests.conftest import need

    home = tmp_path_factory.mktemp("crash-neo4j")
    port = neo4j_local.free_port()
    try:
        neo4j_local.start(home, port)
    except BrmError as exc:
        need(False, f"the local Neo4j launcher failed: {exc}")
    yield home, port
    neo4j_local.stop(home)


def _wait_for_import_transaction(url: str, deadline: float) -> bool:
    """True once the server runs a transaction of our import (an UNWIND $rows batch)."""
    from neo4j import GraphDatabase

    with GraphDatabase.driver(url, auth=None) as d:
        while time.monotonic() < deadline:
            try:
                recs = d.execute_query("SHOW TRANSACTIONS YIELD currentQuery RETURN currentQuery").records
            except Exception:
                recs = []
            if any("UNWIND $rows" in (r["currentQuery"] or "") for r in recs):
                return True
            time.sleep(0.05)
    return False


@pytest.mark.neo4j
@pytest.mark.parametrize("replace", [True, False], ids=["replace", "upsert"])
def test_kill_during_large_import_leaves_old_or_new(crash_server, tmp_path: Path, sqlite_url: str, replace: bool) -> None:
    from brmgraph import neo4j_local
    from brmgraph.store import open_store
    from brmgraph.store.neo4j import Neo4jStore

    home, port = crash_server
    url = f"bolt://127.0.0.1:{port}"
    old = _generate(tmp_path / "old.json", "old", customers=20)
    new_path = tmp_path / "new.json"
    new = _generate(new_path, "new", customers=160)  # tens of thousands of records
    assert new.record_count() > 15000

    st = Neo4jStore(url)
    st.import_dataset(old, replace=True)
    st.close()
    # what the store must hold if the new import commits: computed on the embedded store
    ref = open_store(sqlite_url)
    ref.import_dataset(old, replace=True)
    ref.import_dataset(new, replace=replace)
    want_new = canon(ref.export())
    ref.close()
    want_old = canon(old)

    proc = subprocess.Popen(
        [sys.executable, "-c", IMPORTER, url, str(new_path), "1" if replace else "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert _wait_for_import_transaction(url, time.monotonic() + 120), "the import never started"
        time.sleep(random.uniform(0.2, 1.5))
        killed_mid = proc.poll() is None
        assert neo4j_local.kill(home)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert killed_mid, "the import finished before the kill; make it larger"
    assert "COMMITTED" not in out, "the kill came too late to test anything"

    t0 = time.monotonic()
    neo4j_local.start(home, port)  # recovery from the transaction log
    recovered_in = time.monotonic() - t0
    st = Neo4jStore(url)
    try:
        got = canon(st.export())
    finally:
        st.close()
    assert got in (want_old, want_new), "a mix of the old and new data sets after a crash"
    print(f"restart after kill -9 took {recovered_in:.1f}s")

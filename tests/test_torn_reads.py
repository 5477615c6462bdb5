"""Torn reads (issue 15): a read that runs while another process re-imports the store
answers from ONE consistent state.

A background process alternates ``import --replace`` of two data sets A and B (the same
customer ids, different content, more customers than one read batch holds) while this
process runs ``flags`` (and ``export``) again and again; every answer must equal the
answer for A or the answer for B, never a mix, and no read may fail because a customer
vanished between two batches. On SQLite every read is one read transaction; on Neo4j
(read committed) it is one transaction holding the store's lock node.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from brmgraph.batch import run_flags
from brmgraph.dataset import load_dataset
from brmgraph.generate import generate
from brmgraph.store import open_store

ROOT = Path(__file__).resolve().parent.parent

WRITER = """
import sys, pathlib
from brmgraph.dataset import load_dataset
from brmgraph.store import open_store
url, a, b, stop, count = sys.argv[1:]
sets = [load_dataset(a), load_dataset(b)]
st = open_store(url)
n = 0
while not pathlib.Path(stop).exists():
    st.import_dataset(sets[n % 2], replace=True)
    n += 1
    pathlib.Path(count).write_text(str(n))
st.close()
"""


def _datasets(tmp_path: Path, customers: int, persons_per: int) -> tuple[Path, Path]:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    for path, seed in ((a, 1), (b, 2)):
        generate(str(path), customers=customers, persons_per=persons_per, employees=20, competitors=3, seed=seed)
    return a, b


def _flags_key(url: str, workers: int = 1) -> str:
    return "\n".join(f.model_dump_json() for f in run_flags(url, workers=workers))


def _export_key(url: str) -> str:
    st = open_store(url, create=False)
    try:
        return st.export().sorted().model_dump_json()
    finally:
        st.close()


def _one_key(url: str, cid: str) -> str | None:
    """One customer's reads as ``path`` and ``report`` make them (an optimistic snapshot:
    no lock); None when imports committed in the middle and it failed cleanly."""
    from brmgraph.errors import StoreUnavailable

    st = open_store(url, create=False)
    try:
        with st.optimistic_snapshot():
            return st.customer_graph(cid).model_dump_json() + "".join(e.id for e in st.employees())
    except StoreUnavailable as exc:
        assert "run it again" in str(exc)
        return None
    finally:
        st.close()


def _race(url: str, tmp_path: Path, customers: int, reads: int, persons_per: int = 6, parallel: bool = False) -> None:
    """``parallel``: every fourth flags read runs in two worker processes (each reads in a
    snapshot of its own; run_flags reads again when an import committed meanwhile).
    Between them, one customer's reads in an optimistic snapshot."""
    a, b = _datasets(tmp_path, customers, persons_per)
    cid = load_dataset(a).customers[0].id
    st = open_store(url)
    try:
        st.import_dataset(load_dataset(a), replace=True)
        flags_a, export_a, one_a = _flags_key(url), _export_key(url), _one_key(url, cid)
        st.import_dataset(load_dataset(b), replace=True)
        flags_b, export_b, one_b = _flags_key(url), _export_key(url), _one_key(url, cid)
    finally:
        st.close()
    assert flags_a != flags_b and export_a != export_b and one_a != one_b
    stop, count = tmp_path / "stop", tmp_path / "count"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, url, str(a), str(b), str(stop), str(count)],
        env={**os.environ, "PYTHONPATH": str(ROOT)}, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not count.exists() and time.monotonic() < deadline:  # the writer is running
            time.sleep(0.05)
        seen = {"A": 0, "B": 0}
        for i in range(reads):
            got = _flags_key(url, workers=2 if parallel and i % 4 == 1 else 1)
            assert got in (flags_a, flags_b), f"flags read {i} is neither flags(A) nor flags(B)"
            seen["A" if got == flags_a else "B"] += 1
            if i % 3 == 0:
                assert _export_key(url) in (export_a, export_b), f"export {i} is a mix"
            for _ in range(3):
                assert _one_key(url, cid) in (one_a, one_b, None), f"one customer's read {i} is a mix"
        imports_during = int(count.read_text()) if count.exists() else 0
    finally:
        stop.write_text("stop")
        _, err = writer.communicate(timeout=300)
    assert writer.returncode == 0, err[-2000:]
    assert imports_during >= 2, "the writer did not overlap the reads"


def test_sqlite_reads_are_never_torn(tmp_path: Path) -> None:
    # 450 customers: three read batches of SqliteStore.BATCH (200)
    _race(f"sqlite:///{tmp_path / 'brm.db'}", tmp_path, customers=450, reads=12, parallel=True)


def test_neo4j_reads_are_never_torn(neo4j_store, neo4j_url: str, tmp_path: Path) -> None:
    # 250 customers: three read batches of READ_BATCH (100)
    _race(neo4j_url, tmp_path, customers=250, reads=15, persons_per=3)

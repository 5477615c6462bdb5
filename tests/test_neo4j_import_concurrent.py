"""The staged Neo4j import writing several batches at once (``STAGE_THREADS``): the same
content as the embedded store, and a batch that fails half-way through staging leaves the
old content and no staged node."""

from __future__ import annotations

from pathlib import Path

import pytest

from brmgraph.dataset import load_dataset
from brmgraph.errors import StoreUnavailable
from brmgraph.store import open_store

pytestmark = pytest.mark.neo4j


def _staged(monkeypatch: pytest.MonkeyPatch, threads: int) -> None:
    from brmgraph.store.neo4j import importing

    monkeypatch.setattr(importing, "STAGE_MIN_RECORDS", 0)  # every import into an empty store is staged
    monkeypatch.setattr(importing, "BATCH", 3)  # many small batches of each statement
    monkeypatch.setattr(importing, "STAGE_THREADS", threads)


def _staged_count(store) -> int:
    with store.driver.session() as s:
        return int(s.run("MATCH (n:BrmStaged) RETURN count(n) AS n").single()["n"])


@pytest.mark.parametrize("threads", [1, 4])
def test_concurrent_staging_writes_what_the_embedded_store_holds(
    neo4j_store, generated: Path, sqlite_url: str, monkeypatch, threads: int
) -> None:
    _staged(monkeypatch, threads)
    ds = load_dataset(generated)
    sq = open_store(sqlite_url)
    try:
        neo4j_store.import_dataset(ds)
        sq.import_dataset(ds)
        assert neo4j_store.export().sorted() == sq.export().sorted() == ds.sorted()
        # a staged replace by the same data set changes nothing
        neo4j_store.import_dataset(ds, replace=True)
        assert neo4j_store.export().sorted() == ds.sorted()
        assert _staged_count(neo4j_store) == 0
    finally:
        sq.close()


def test_a_batch_failing_during_concurrent_staging_leaves_the_old_content(
    neo4j_store, generated: Path, monkeypatch
) -> None:
    from brmgraph.model import Dataset
    from brmgraph.store.neo4j import importing, queries

    _staged(monkeypatch, 3)
    old = Dataset.model_validate({"customers": [{"id": "OLD"}], "key_persons": [{"id": "OP", "customer": "OLD"}]})
    neo4j_store.import_dataset(old)
    before = neo4j_store.export().sorted()
    real = importing.load_cypher
    calls = {"n": 0}

    def failing(name: str) -> str:
        # the interactions come last: customers, persons and influences are staged by then
        if name == queries.Q_STAGE[queries.Q_CREATE_INTERACTIONS]:
            calls["n"] += 1
            return "UNWIND $rows AS r RETURN r[0] / 0 AS boom"  # a server-side error in that batch
        return real(name)

    monkeypatch.setattr(importing, "load_cypher", failing)
    with pytest.raises(StoreUnavailable, match="failed"):
        neo4j_store.import_dataset(load_dataset(generated), replace=True)
    assert calls["n"] >= 1
    assert neo4j_store.export().sorted() == before
    assert _staged_count(neo4j_store) == 0

"""Imports into one Neo4j store from several clients at once: each is one transaction
that takes the store's lock node first, so they run one after another and every one of
them lands whole (the racing imports that could store a ``reports_to`` cycle:
tests/test_store_faults.py)."""

from __future__ import annotations

import threading

import pytest

from brmgraph.model import Dataset
from brmgraph.store import open_store

pytestmark = pytest.mark.neo4j


def _part(n: int) -> Dataset:
    cid = f"C{n}"
    persons = [{"id": f"{cid}-P{i}", "customer": cid, "reports_to": f"{cid}-P0" if i else None} for i in range(30)]
    return Dataset.model_validate({"customers": [{"id": cid}], "key_persons": persons})


def test_concurrent_imports_run_one_after_another(neo4j_store, neo4j_url: str, sqlite_url: str, monkeypatch) -> None:
    from brmgraph.store.neo4j import importing

    monkeypatch.setattr(importing, "BATCH", 4)  # many statements each: long enough to overlap
    parts = [_part(n) for n in range(4)]
    errors: list[BaseException] = []

    def run(ds: Dataset) -> None:
        st = open_store(neo4j_url)
        try:
            st.import_dataset(ds)
        except BaseException as exc:  # noqa: BLE001 - the test looks at it
            errors.append(exc)
        finally:
            st.close()

    threads = [threading.Thread(target=run, args=(ds,)) for ds in parts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    sq = open_store(sqlite_url)
    try:
        for ds in parts:
            sq.import_dataset(ds)
        assert neo4j_store.export().sorted() == sq.export().sorted()
        assert [c.id for c in neo4j_store.changesets()] == [1, 2, 3, 4]
    finally:
        sq.close()

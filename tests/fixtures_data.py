"""Data-set fixtures shared by several test modules (loaded as a pytest plugin)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from brmgraph.store import open_store
from brmgraph.store.base import Store
from tests.builders import thinned_generated_doc


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated data set (5 customers, some veto holders uncovered) as a JSON file."""
    out = tmp_path_factory.mktemp("gen") / "generated.json"
    out.write_text(json.dumps(thinned_generated_doc(), ensure_ascii=False), encoding="utf-8")
    return out


@pytest.fixture(params=["sqlite", "neo4j"])
def store(request: pytest.FixtureRequest, sqlite_url: str) -> Iterator[Store]:
    """Each test using it runs twice: on a fresh embedded store and on the real Neo4j
    (``[neo4j]`` is marked ``neo4j`` by tests/conftest.py). A module may define its own
    ``store`` fixture instead."""
    if request.param == "sqlite":
        st = open_store(sqlite_url)
        try:
            yield st
        finally:
            st.close()
    else:
        yield request.getfixturevalue("neo4j_store")

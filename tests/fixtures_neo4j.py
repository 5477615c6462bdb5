"""Neo4j fixtures (auto-imported by tests/conftest.py).

Where the tests get their Neo4j, in order:

1. ``NEO4J_URI`` if set (credentials ``BRM_NEO4J_USER`` / ``BRM_NEO4J_PASSWORD``, or
   ``NEO4J_USER`` / ``NEO4J_PASSWORD``);
2. testcontainers with the ``neo4j:5.26-community`` image when a Docker daemon answers;
3. the local launcher (``brmgraph neo4j start``): one server per test session on a free
   port in a temporary home, jars from the shared cache (``BRM_NEO4J_CACHE``, default
   ``~/.cache/brmgraph/neo4j-dist``; fetched with Maven the first time).

If none works the tests skip locally and fail in CI (``need``).

Under pytest-xdist the workers share one launcher server (reference-counted in the
session's base temp folder) and take an inter-process lock for each test that uses
``neo4j_store``, because Neo4j Community has a single user database.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

NEO4J_IMAGE = "neo4j:5.26-community"


def _need(ok: bool, reason: str) -> None:
    from tests.conftest import need

    need(ok, reason)


def _shared_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


from brmgraph.neo4j_local import _locked as _file_lock  # noqa: E402  (one inter-process lock helper)


def _docker_answers() -> bool:
    if os.environ.get("BRM_TEST_NO_DOCKER"):
        return False
    try:
        proc = subprocess.run(["docker", "info", "--format", "{{.ServerVersion}}"], capture_output=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return False
    return proc.returncode == 0 and bool(proc.stdout.strip())


@pytest.fixture(scope="session")
def neo4j_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Bolt URL of a real Neo4j 5.x server for the whole session."""
    uri = os.environ.get("NEO4J_URI")
    if uri:
        with pytest.MonkeyPatch.context() as mp:
            if "BRM_NEO4J_USER" not in os.environ and os.environ.get("NEO4J_USER"):
                mp.setenv("BRM_NEO4J_USER", os.environ["NEO4J_USER"])
                mp.setenv("BRM_NEO4J_PASSWORD", os.environ.get("NEO4J_PASSWORD", ""))
            yield uri
        return

    if _docker_answers():
        try:
            from testcontainers.neo4j import Neo4jContainer
        except ImportError:  # pragma: no cover - testcontainers is a test extra
            Neo4jContainer = None
        if Neo4jContainer is not None:
            password = "brmgraph-test"
            with Neo4jContainer(NEO4J_IMAGE, password=password) as container, pytest.MonkeyPatch.context() as mp:
                mp.setenv("BRM_NEO4J_USER", "neo4j")
                mp.setenv("BRM_NEO4J_PASSWORD", password)
                yield container.get_connection_url()
            return

    from brmgraph import neo4j_local
    from brmgraph.errors import BrmError

    root = _shared_root(tmp_path_factory)
    state_file = root / "brm-neo4j-server.json"
    home = root / "brm-neo4j-home"
    with _file_lock(root / "brm-neo4j-server.lock"):
        state = json.loads(state_file.read_text()) if state_file.is_file() else None
        if state and neo4j_local.status(home).answering:
            state["users"] += 1
        else:
            try:
                st = neo4j_local.start(home, neo4j_local.free_port())
            except BrmError as exc:
                _need(False, f"no Neo4j: NEO4J_URI unset, no Docker daemon, and the local launcher failed: {exc}")
            state = {"url": st.url, "users": 1}
        state_file.write_text(json.dumps(state))
    try:
        yield state["url"]
    finally:
        with _file_lock(root / "brm-neo4j-server.lock"):
            state = json.loads(state_file.read_text())
            state["users"] -= 1
            if state["users"] <= 0:
                neo4j_local.stop(home)
                state_file.unlink(missing_ok=True)
            else:
                state_file.write_text(json.dumps(state))


@pytest.fixture
def neo4j_lock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Exclusive use of the shared Neo4j database for one test (across xdist workers)."""
    with _file_lock(_shared_root(tmp_path_factory) / "brm-neo4j-db.lock"):
        yield


@pytest.fixture
def neo4j_store(neo4j_url: str, neo4j_lock: None):
    """A :class:`Neo4jStore` on an empty database (every brmgraph node removed)."""
    from brmgraph.model import Dataset
    from brmgraph.store.neo4j import Neo4jStore

    store = Neo4jStore(neo4j_url)
    try:
        store.import_dataset(Dataset(), replace=True)
        with store.driver.session() as s:  # and its history
            s.run("MATCH (n) WHERE n:BrmChangeSet OR n:BrmVersion OR n:BrmNotifySend DETACH DELETE n").consume()
        yield store
    finally:
        store.close()

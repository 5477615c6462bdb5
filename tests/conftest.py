"""Shared test fixtures.

Tests that need an outside part (a real Neo4j server, headless Chromium) call
:func:`need` when it is missing: on a laptop they skip with the reason, in CI
(``CI=true``) they fail, because nothing may skip silently there.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("BRM_SHARED", ROOT.parent / "shared"))
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def need(ok: bool, reason: str) -> None:
    """Skip (locally) or fail (in CI) unless ``ok``."""
    if ok:
        return
    if IN_CI:
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """URL of a fresh embedded store in a temporary folder."""
    return f"sqlite:///{tmp_path / 'brm.db'}"


@pytest.fixture
def shared_dir() -> Path:
    need(SHARED.is_dir(), f"../shared not found at {SHARED}")
    return SHARED


# Fixtures owned by other modules, loaded as plugins.
pytest_plugins = ["tests.fixtures_neo4j", "tests.fixtures_browser", "tests.fixtures_data"]

#: fixtures that start an outside part, and the marker a test using them must carry
_OUTSIDE = {"neo4j_url": "neo4j", "neo4j_store": "neo4j", "browser": "browser"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test that needs Neo4j or Chromium, however it gets there (directly, via
    another fixture, or as the ``[neo4j]`` case of a store-parametrised test), so that
    ``-m "not neo4j and not browser"`` (``make test-fast``) never starts either."""
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        callspec = getattr(item, "callspec", None)
        params = set(map(str, callspec.params.values())) if callspec is not None else set()
        for fixture, marker in _OUTSIDE.items():
            if fixture in names or (fixture == "neo4j_store" and "neo4j" in params and "store" in names):
                item.add_marker(getattr(pytest.mark, marker))

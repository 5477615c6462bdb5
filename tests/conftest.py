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


# Fixtures owned by other modules (each file is optional until it exists).
for _mod in ("tests.fixtures_neo4j", "tests.fixtures_browser"):
    try:
        _m = __import__(_mod, fromlist=["*"])
    except ModuleNotFoundError as _exc:
        if _exc.name != _mod:
            raise
    else:
        globals().update({k: v for k, v in vars(_m).items() if not k.startswith("__")})

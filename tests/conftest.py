"""Shared test fixtures.

Tests that need an outside part (a real Neo4j server, headless Chromium) call
:func:`need` when it is missing: on a laptop they skip with the reason, in CI
(``CI=true``) they fail, because nothing may skip silently there.
"""

from __future__ import annotations

import contextlib
import inspect
import io
import os
import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass
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


@dataclass
class Ran:
    """What one in-process ``brmgraph`` run did (the fields of ``subprocess.CompletedProcess``)."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str


def in_process(*args: str | os.PathLike[str], cwd: Path | str | None = None, env: dict[str, str] | None = None,
               stdin: str = "") -> Ran:
    """Run ``brmgraph ARGS`` in this process, as the console script does (:func:`brmgraph.cli.main`:
    the same exit codes, stdout and stderr), in the folder ``cwd``, with ``BRM_STORE``
    unset and the variables of ``env`` set; the answer has the shape of ``subprocess.run``'s.
    For tests where the process boundary is not the point (it costs ~0.5 s a run)."""
    from brmgraph.cli import common, main

    argv = [os.fspath(a) for a in args]
    out, err = io.StringIO(), io.StringIO()
    saved_env, saved_cwd, saved_stdin = dict(os.environ), os.getcwd(), sys.stdin
    code: int = 0
    try:
        os.environ.pop("BRM_STORE", None)
        os.environ.update(env or {})
        if cwd is not None:
            os.chdir(cwd)
        sys.stdin = io.StringIO(stdin)
        common.console.reset()  # type: ignore[attr-defined]
        common.err_console.reset()  # type: ignore[attr-defined]
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(argv)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        os.chdir(saved_cwd)
        sys.stdin = saved_stdin
        common.console.reset()  # type: ignore[attr-defined]
        common.err_console.reset()  # type: ignore[attr-defined]
    return Ran(["brmgraph", *argv], code, out.getvalue(), err.getvalue())


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
#: fixtures that hand a test a real store (the ``store`` fixture runs on SQLite and Neo4j)
_STORE_FIXTURES = {"neo4j_url", "neo4j_store", "store"}
#: names whose use means a test starts a process of its own (brmgraph, a kernel, a JVM...)
_PROCESS_NAMES = frozenset({"subprocess", "run_process", "run_on_terminal", "Popen", "multiprocessing", "pexpect",
                            "NotebookClient", "nbclient"})
#: the tiers: every test is in exactly one of them (``-m unit`` runs in-process, quickly)
TIERS = ("unit", "store", "e2e")


def _names(code: types.CodeType) -> Iterator[str]:
    yield from code.co_names
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _names(const)


def _starts_processes(fn: object, seen: set[object]) -> bool:
    """Whether ``fn`` (a test, a fixture, a helper) starts a process, directly or through
    a helper of the test suite it calls (followed by name through its module)."""
    code = getattr(fn, "__code__", None)
    if code is None or fn in seen:
        return False
    seen.add(fn)
    space = getattr(fn, "__globals__", {})
    for name in _names(code):
        if name in _PROCESS_NAMES:
            return True
        obj = space.get(name)
        if inspect.isfunction(obj) and obj.__module__.split(".")[0] == "tests" and _starts_processes(obj, seen):
            return True
    return False


def _tier(item: pytest.Item, names: set[str], outside: set[str]) -> str:
    seen: set[object] = set()
    if "browser" in outside or _starts_processes(getattr(item, "function", None), seen):
        return "e2e"
    if "neo4j" in outside or names & _STORE_FIXTURES:
        return "store"
    fixtures = getattr(item, "_fixtureinfo", None)
    defs = fixtures.name2fixturedefs if fixtures is not None else {}
    if any(_starts_processes(d.func, seen) for n in names for d in defs.get(n, ())):
        return "e2e"
    return "unit"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test that needs Neo4j or Chromium, however it gets there (directly, via
    another fixture, or as the ``[neo4j]`` case of a store-parametrised test), so that
    ``-m "not neo4j and not browser"`` (``make test-fast``) never starts either.

    Then put each test in one tier (unless its module says so with ``pytestmark``):
    ``e2e`` when it starts a process (``brmgraph`` as a command, a kernel, Chromium),
    ``store`` when it uses a real store fixture (Neo4j, or both stores), else ``unit``:
    in-process, ``make test-unit`` runs them."""
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        callspec = getattr(item, "callspec", None)
        params = set(map(str, callspec.params.values())) if callspec is not None else set()
        outside = set()
        for fixture, marker in _OUTSIDE.items():
            if fixture in names or (fixture == "neo4j_store" and "neo4j" in params and "store" in names):
                item.add_marker(getattr(pytest.mark, marker))
                outside.add(marker)
        outside |= {m.name for m in item.iter_markers() if m.name in ("neo4j", "browser")}
        if not any(item.get_closest_marker(t) for t in TIERS):
            item.add_marker(getattr(pytest.mark, _tier(item, names, outside)))

"""Builders every test module shares: one way to run the CLI, one way to build a small graph.

``run_cli`` calls :func:`brmgraph.cli.main` — the function the ``brmgraph`` console script
runs — so the exit codes and the stdout / stderr split a test sees are the ones a user
gets. Tests never call the typer app or a command function directly.
"""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from brmgraph.graph import CustomerGraph
from brmgraph.model import Dataset

S, M, W = "strong", "medium", "weak"


@dataclass
class Result:
    """What one ``brmgraph`` invocation did."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        assert self.code == 0, (self.code, self.err)
        return json.loads(self.out)


def run_cli(*args: str) -> Result:
    """Run ``brmgraph ARGS`` in this process through the console-script entry point."""
    from brmgraph.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main([str(a) for a in args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return Result(code, out.getvalue(), err.getvalue())


def build(
    persons: dict[str, dict] | list[str],
    influences: list[tuple[str, str, str]],
    *,
    employees: dict[str, str] | None = None,
    staff: dict[str, str] | None = None,
    projects: list[dict] | None = None,
    interactions: list[dict] | None = None,
) -> CustomerGraph:
    """A one-customer graph. ``persons``: id -> KeyPerson fields; ``employees``: id -> team;
    ``staff``: id -> competitor; ``influences``: (source, target, strength)."""
    if isinstance(persons, list):
        persons = {p: {} for p in persons}
    employees = employees if employees is not None else {"E1": "East"}
    staff = staff or {}
    data = {
        "customers": [{"id": "C1", "name": "Acme"}],
        "key_persons": [{"id": pid, "customer": "C1", **fields} for pid, fields in persons.items()],
        "employees": [{"id": e, "name": e, "team": team} for e, team in employees.items()],
        "competitors": [{"id": k} for k in sorted(set(staff.values()))],
        "competitor_staff": [{"id": s, "competitor": k} for s, k in staff.items()],
        "influences": [{"source": a, "target": b, "strength": st} for a, b, st in influences],
        "projects": projects or [],
        "interactions": interactions or [],
    }
    return CustomerGraph.from_dataset(Dataset.model_validate(data), "C1")


def canon(ds: Dataset) -> dict[str, Any]:
    """A comparable form: JSON-mode dump of the canonically sorted data set."""
    return ds.sorted().model_dump(mode="json")


def thinned_generated_doc(seed: str = "conformance", customers: int = 5) -> dict[str, Any]:
    """A generated data set with half of our external edges removed, so that some
    veto holders are uncovered (flags non-empty)."""
    import tempfile

    from brmgraph.generate import generate

    with tempfile.TemporaryDirectory() as d:
        full = Path(d) / "full.json"
        generate(full, customers=customers, persons_per=14, employees=24, competitors=3, staff_per=4, projects_per=3, seed=seed)
        doc = json.loads(full.read_text(encoding="utf-8"))
    ours = [i for i in doc["influences"] if i["source"].startswith("E")]
    drop = {(i["source"], i["target"]) for i in ours[::2]}
    doc["influences"] = [i for i in doc["influences"] if (i["source"], i["target"]) not in drop]
    return doc


def run_process(
    *args: str, cwd: Path | str | None = None, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run ``brmgraph ARGS`` in a separate process (the same ``main`` as :func:`run_cli`),
    for tests where a process of its own matters: concurrency, start-up, environment."""
    return subprocess.run(
        [sys.executable, "-m", "brmgraph", *map(str, args)],
        capture_output=True, text=True, cwd=cwd, env=env, timeout=timeout,
    )


def run_on_terminal(*args: str, cwd: Path | str | None = None, timeout: float = 300) -> tuple[int, str, str]:
    """Run ``brmgraph ARGS`` with stderr on a pseudo-terminal (what a person at a shell
    sees there: progress, summaries) and stdout on a pipe; (exit code, stdout, stderr)."""
    import os
    import pty

    leader, follower = pty.openpty()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "brmgraph", *map(str, args)],
            stdout=subprocess.PIPE, stderr=follower, cwd=cwd, timeout=timeout, check=False,
        )
    finally:
        os.close(follower)
    err = b""
    try:
        while chunk := os.read(leader, 65536):
            err += chunk
    except OSError:  # the terminal is closed once everything was read
        pass
    finally:
        os.close(leader)
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), err.decode("utf-8", "replace")

"""``brmgraph demo``: the bundled sample company, end to end, on a fresh embedded store."""

from __future__ import annotations

import time
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer

from ..errors import BadArgument
from . import app
from .common import console

DEMO_FILE = "demo.yaml"


def demo_data_path() -> Path:
    """Path of the bundled demo data set."""
    return Path(str(resources.files("brmgraph") / "data" / DEMO_FILE))


def _new_folder(base: Path) -> Path:
    if not base.exists():
        return base
    for n in range(2, 1000):
        cand = base.with_name(f"{base.name}-{n}")
        if not cand.exists():
            return cand
    raise BadArgument(f"cannot find a free folder name next to {base}")


@app.command("demo")
def demo_cmd(
    folder: Annotated[
        Path | None,
        typer.Option("--dir", help="New folder for the demo store (default ./brmgraph-demo, or -2, -3... if taken)."),
    ] = None,
) -> None:
    """Load the bundled sample company into a new embedded store and tour every analysis."""
    from ..dataset import import_path
    from ..store.sqlite import SqliteStore

    started = time.perf_counter()
    if folder is not None and folder.exists() and any(folder.iterdir()):
        raise BadArgument(f"--dir {folder} exists and is not empty; the demo needs a new folder")
    target = folder if folder is not None else _new_folder(Path("brmgraph-demo"))
    target.mkdir(parents=True, exist_ok=True)
    db = (target / "brm.db").resolve()
    url = f"sqlite:///{db}"
    store = SqliteStore(url)
    try:
        summary = import_path(store, demo_data_path())
        counts = store.counts()
    finally:
        store.close()
    console.rule("[bold]brmgraph demo — a sample company")
    console.print(f"Loaded {summary.records} records into [bold]{url}[/bold]")
    console.print(", ".join(f"{n} {k.replace('_', ' ')}" for k, n in counts.items()))
    try:
        from .analysis import tour
    except ImportError:  # analyses not installed in this build
        tour = None
    if tour is not None:
        tour(url, console)
    console.rule()
    console.print(f"Done in {time.perf_counter() - started:.1f} s. Try it yourself:")
    console.print(f"  export BRM_STORE={url}")
    console.print("  brmgraph report --customer <id>   brmgraph flags   brmgraph map customer <id> --out map.html")

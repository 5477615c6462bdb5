"""Core commands: ``import``, ``schema``, ``demo``, ``info``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from . import app
from .common import AsOfOpt, JsonOpt, StoreOpt, console, print_json, store_from


@app.command("import")
def import_cmd(
    path: Annotated[Path, typer.Argument(help="A JSON or YAML file, or a folder of CSV files.")],
    replace: Annotated[bool, typer.Option("--replace", help="Make the store hold exactly this data set.")] = False,
    allow_empty: Annotated[
        bool, typer.Option("--allow-empty", help="With --replace: accept a data set without records (empties the store).")
    ] = False,
    effective: Annotated[
        str | None,
        typer.Option("--effective", metavar="T", help="Stamp this import's change set with an earlier time (date or ISO time), for back-loading snapshots."),
    ] = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Validate a data set (SPEC §3) and upsert it; nothing is written unless all of it is valid."""
    from ..dataset import import_path
    from ..store.history import parse_time

    at = parse_time(effective, "--effective") if effective is not None else None
    with store_from(store, create=True) as st:
        summary = import_path(st, path, replace=replace, allow_empty=allow_empty, effective=at)
    if as_json:
        print_json(
            {
                "imported": summary.counts,
                "records": summary.records,
                "replaced": summary.replaced,
                "store": st.url,
                "changeset": summary.changeset,
                "time": summary.time,
                "changes": summary.changes,
            }
        )
    else:
        parts = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in summary.counts.items() if n)
        verb = "replaced store with" if summary.replaced else "imported"
        console.print(f"{verb} {summary.records} records ({parts or 'nothing'}) into {st.url}")


@app.command("schema")
def schema_cmd() -> None:
    """Print the JSON Schema of the input format."""
    from ..dataset import input_schema

    print(json.dumps(input_schema(), ensure_ascii=False, indent=2))


@app.command("info")
def info_cmd(store: StoreOpt = None, as_json: JsonOpt = False, as_of: AsOfOpt = None) -> None:
    """Show what the store holds: records per kind."""
    with store_from(store, as_of=as_of) as st:
        counts = st.counts()
        url = st.url
    if as_json:
        print_json({"store": url, "counts": counts})
        return
    from rich.table import Table

    t = Table(title=f"brmgraph store {url}")
    t.add_column("kind")
    t.add_column("records", justify="right")
    for k, n in counts.items():
        t.add_row(k.replace("_", " "), str(n))
    console.print(t)

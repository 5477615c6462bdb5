"""Core commands: ``import``, ``schema``, ``demo``, ``info``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from . import app
from .common import JsonOpt, StoreOpt, console, print_json, store_from


@app.command("import")
def import_cmd(
    path: Annotated[Path, typer.Argument(metavar="FILE_OR_DIR", help="A JSON or YAML file, or a folder of CSV files.")],
    replace: Annotated[bool, typer.Option("--replace", help="Make the store hold exactly this data set.")] = False,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Check a data set and load it into the store; nothing is written unless all of it is valid.

    Every problem is listed with its place (file and field, or CSV line and column).
    Loading the same file twice changes nothing.

    Example: brmgraph import customers.yaml --store sqlite:///brm.db
    """
    from ..dataset import import_path

    with store_from(store) as st:
        summary = import_path(st, path, replace=replace)
    if as_json:
        print_json(
            {"imported": summary.counts, "records": summary.records, "replaced": summary.replaced, "store": st.url}
        )
    else:
        parts = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in summary.counts.items() if n)
        verb = "replaced store with" if summary.replaced else "imported"
        console.print(f"{verb} {summary.records} records ({parts or 'nothing'}) into {st.url}")


@app.command("schema")
def schema_cmd() -> None:
    """Print the JSON Schema of the input format (for editors and for checking files before an import).

    Example: brmgraph schema > brmgraph-schema.json
    """
    from ..dataset import input_schema

    print(json.dumps(input_schema(), ensure_ascii=False, indent=2))


@app.command("info")
def info_cmd(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Show which store is in use and how many records of each kind it holds.

    Example: brmgraph info --store neo4j://localhost:7687
    """
    with store_from(store) as st:
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

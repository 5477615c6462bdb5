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
    path: Annotated[Path, typer.Argument(help="A JSON or YAML file, or a folder of CSV files.")],
    replace: Annotated[bool, typer.Option("--replace", help="Make the store hold exactly this data set.")] = False,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
    max_bytes: Annotated[
        str | None,
        typer.Option(
            "--max-bytes",
            envvar="BRM_MAX_BYTES",
            show_envvar=True,
            help="Largest input read, in bytes (suffix K, M or G allowed; a CSV folder counts all its files). Default 1G.",
        ),
    ] = None,
) -> None:
    """Validate a data set (SPEC §3) and upsert it; nothing is written unless all of it is valid."""
    from ..dataset import import_path, parse_size

    limit = parse_size(max_bytes, "--max-bytes (or BRM_MAX_BYTES)") if max_bytes is not None else None
    with store_from(store) as st:
        summary = import_path(st, path, replace=replace, max_bytes=limit)
    if as_json:
        print_json({"imported": summary.counts, "records": summary.records, "replaced": summary.replaced, "store": st.url})
    else:
        parts = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in summary.counts.items() if n)
        verb = "replaced store with" if summary.replaced else "imported"
        # user text (the store path may hold "[/b]"): printed as written, never as markup
        console.print(f"{verb} {summary.records} records ({parts or 'nothing'}) into {st.url}", markup=False)


@app.command("schema")
def schema_cmd() -> None:
    """Print the JSON Schema of the input format."""
    from ..dataset import input_schema

    print(json.dumps(input_schema(), ensure_ascii=False, indent=2))


@app.command("info")
def info_cmd(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Show what the store holds: records per kind."""
    with store_from(store) as st:
        counts = st.counts()
        url = st.url
    if as_json:
        print_json({"store": url, "counts": counts})
        return
    from rich.table import Table

    from rich.markup import escape

    t = Table(title=f"brmgraph store {escape(url)}")
    t.add_column("kind")
    t.add_column("records", justify="right")
    for k, n in counts.items():
        t.add_row(k.replace("_", " "), str(n))
    console.print(t)

"""Commands about the store as a whole and its past: ``export``, ``history`` and
``alerts`` (rules: ``docs/spec.md §4.9``). Presentation only: each calls one function of
:mod:`brmgraph.service`; the export writers live in :mod:`brmgraph.dataset.export`."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import BadArgument
from . import app
from .common import (
    DEFAULT_MAX_COST,
    AsOfOpt,
    JsonOpt,
    MaxCostOpt,
    StoreOpt,
    console,
    parse_day,
    print_json,
    time_value,
)

# ------------------------------------------------------------------ export


@app.command("export")
def export_cmd(
    fmt: Annotated[str, typer.Option("--format", help="json (default), yaml or csv (a folder).")] = "json",
    out: Annotated[
        Path | None, typer.Option("--out", metavar="FILE_OR_DIR", help="Where to write (default: stdout; csv needs a folder).")
    ] = None,
    as_of: AsOfOpt = None,
    store: StoreOpt = None,
) -> None:
    """Write the whole store (or its state at --as-of) in the input format; importing the
    export with --replace into an empty store of either kind gives the same answers.

    Example: brmgraph export --format yaml --out backup.yaml
    """
    if fmt not in ("json", "yaml", "csv"):
        raise BadArgument(f"--format must be json, yaml or csv, not {fmt!r}")
    if fmt == "csv" and out is None:
        raise BadArgument("--format csv writes a folder of files: give --out FOLDER")
    if fmt == "csv" and out is not None and out.exists() and not out.is_dir():
        raise BadArgument(f"--out {out} is a file; --format csv writes a folder")
    if fmt != "csv" and out is not None and out.is_dir():
        raise BadArgument(f"--out {out} is a folder; --format {fmt} writes one file")
    from ..dataset.export import dataset_document, write_csv_dir
    from ..service.questions import export

    ds = export(store, as_of=as_of)
    if fmt == "csv":
        assert out is not None
        write_csv_dir(ds, out)
        return
    doc = dataset_document(ds)
    if fmt == "json":
        text = json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
    else:
        import yaml

        text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    if out is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        from ..fsutil import atomic_write

        atomic_write(out, text)  # the whole export or no file


# ------------------------------------------------------------------ history


@app.command("history")
def history_cmd(
    person: Annotated[str | None, typer.Option("--person", help="Only changes of this key person (and edges into them).")] = None,
    customer: Annotated[str | None, typer.Option("--customer", help="Only changes of this customer, its people and projects.")] = None,
    project: Annotated[str | None, typer.Option("--project", help="Only changes of this project.")] = None,
    as_json: JsonOpt = False,
    store: StoreOpt = None,
) -> None:
    """The store's change sets (one per import) and, per record, which fields changed
    from what to what.

    Example: brmgraph history --person P7
    """
    from ..service.questions import history

    doc = history(store, person=person, customer=customer, project=project)
    if as_json:
        print_json(doc)
        return
    from rich.markup import escape
    from rich.table import Table

    from .render import show

    t = Table(title="change sets")
    for col in ("id", "time", "mode", "source", "created", "changed", "deleted"):
        t.add_column(col)
    for c in doc["changesets"]:
        k = c["counts"]
        t.add_row(str(c["id"]), c["time"], c["mode"], escape(c["source"]), str(k.get("created", "")),
                  str(k.get("changed", "")), str(k.get("deleted", "")))
    show(console, t)
    for ch in doc["changes"]:
        head = f"#{ch['changeset']} {ch['time']} {ch['action']} {ch['section']} {ch['key']}"
        console.print(escape(head))
        if ch["action"] == "changed":
            for f in ch["fields"]:
                console.print(escape(f"    {f['field']}: {json.dumps(f['before'], ensure_ascii=False)} -> "
                                     f"{json.dumps(f['after'], ensure_ascii=False)}"))


# ------------------------------------------------------------------ alerts

def _cell(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, list):
        return ";".join(map(str, v))
    return v


@app.command("alerts")
def alerts_cmd(
    since: Annotated[str, typer.Option("--since", metavar="T", callback=time_value("--since"), help="Start of the window: a date 2024-05-01 or an ISO time.")],
    fmt: Annotated[str, typer.Option("--format", metavar="jsonl|csv", help="One JSON object per line, or CSV.")] = "jsonl",
    today: Annotated[
        str | None, typer.Option("--today", metavar="YYYY-MM-DD", help="Today's date for cooling (default: today).")
    ] = None,
    max_cost: MaxCostOpt = DEFAULT_MAX_COST,
    store: StoreOpt = None,
) -> None:
    """What got worse since T: closeness toward strong_oppose, lost coverage, longer
    paths, veto holders or approvers newly exposed, and decision makers cooling.

    One record per event: event, customer, project (or null), person, before, after.

    Example: brmgraph alerts --since 2024-05-01 --format csv > alerts.csv
    """
    from ..service.questions import ALERT_COLUMNS, alerts

    if fmt not in ("jsonl", "csv"):
        raise BadArgument(f"--format must be jsonl or csv, not {fmt!r}")
    events = alerts(store, since, today=parse_day(today), max_cost=max_cost)
    out = sys.stdout
    if fmt == "csv":
        w = csv.writer(out, lineterminator="\n")
        w.writerow(ALERT_COLUMNS)
        for a in events:
            d = a.model_dump(mode="json")
            w.writerow([_cell(d[k]) for k in ALERT_COLUMNS])
    else:
        for a in events:
            out.write(json.dumps(a.model_dump(mode="json"), ensure_ascii=False) + "\n")
    out.flush()

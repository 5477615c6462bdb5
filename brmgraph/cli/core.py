"""Core commands: ``import``, ``schema``, ``demo``, ``info``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from ..errors import EmptyReplace
from . import app
from .common import AsOfOpt, JsonOpt, StoreOpt, console, err_console, parse_time_option, print_json, store_from


@app.command("import")
def import_cmd(
    path: Annotated[Path, typer.Argument(metavar="FILE_OR_DIR", help="A JSON or YAML file, or a folder of CSV files (a CRM export folder with --profile).")],
    replace: Annotated[bool, typer.Option("--replace", help="Make the store hold exactly this data set.")] = False,
    profile: Annotated[
        str | None,
        typer.Option("--profile", help="Map a CRM export folder: salesforce, dynamics365, hubspot or a profile YAML file."),
    ] = None,
    patch: Annotated[
        bool, typer.Option("--patch", help="Change only the fields each record gives, on stored records (assessments).")
    ] = False,
    allow_empty: Annotated[
        bool, typer.Option("--allow-empty", help="With --replace: accept a data set without records (empties the store).")
    ] = False,
    effective: Annotated[
        str | None,
        typer.Option("--effective", metavar="T", help="Stamp this import's change set with an earlier time (date or ISO time), for back-loading snapshots."),
    ] = None,
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
    """Check a data set and load it into the store; nothing is written unless all of it is valid.

    Every problem is listed with its place (file and field, or CSV line and column).
    Loading the same file twice changes nothing.

    With --profile, a CRM export folder is mapped to our records and only the fields the
    profile maps are changed; with --patch, records give only the fields to change.

    Example: brmgraph import customers.yaml --store sqlite:///brm.db
    """
    from ..dataset import import_path, parse_size

    if sum((replace, patch, profile is not None)) > 1:
        from ..errors import BadArgument

        raise BadArgument("--replace, --patch and --profile cannot be combined; choose one import mode")
    limit = parse_size(max_bytes, "--max-bytes (or BRM_MAX_BYTES)") if max_bytes is not None else None
    if profile is not None or patch:
        _import_partial(path, profile, store, as_json)
        return
    at = parse_time_option(effective, "--effective") if effective is not None else None
    with store_from(store, create=True) as st:
        try:
            summary = import_path(
                st, path, replace=replace, allow_empty=allow_empty, effective=at, max_bytes=limit, phase=_phases()
            )
        except EmptyReplace as exc:
            raise EmptyReplace(f"{exc} (give --allow-empty to empty it on purpose)") from None
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
        # user text (the store path may hold "[/b]"): printed as written, never as markup
        console.print(f"{verb} {summary.records} records ({parts or 'nothing'}) into {st.url}", markup=False)


def _phases() -> Callable[[str], None] | None:
    """On a terminal, each step of an import as a line on stderr with the time since the
    start (a large file takes minutes); nothing otherwise. Plain lines rather than a
    live display: an import may fork a helper process, which needs a single thread."""
    import sys
    import time

    if not sys.stderr.isatty():
        return None
    start = time.monotonic()

    def say(text: str) -> None:
        err_console.print(f"import: {text} ({time.monotonic() - start:.1f} s)", markup=False, highlight=False)

    return say


def _import_partial(path: Path, profile: str | None, store: str | None, as_json: bool) -> None:
    """``import --profile`` (a CRM export) and ``import --patch``: fields not given keep
    their stored values."""
    from ..dataset import import_patch

    with store_from(store, create=profile is not None, writes=True) as st:
        if profile is None:
            report = import_patch(st, path)
        else:
            from ..crm import export_size, import_crm, load_profile

            prof = load_profile(profile)
            total = export_size(prof, path)
            if total >= 5_000_000 and not as_json:
                from rich.progress import Progress

                from .common import err_console

                with Progress(console=err_console, transient=True) as bar:
                    task = bar.add_task(f"reading {path}", total=total)
                    report = import_crm(st, path, prof, progress=lambda n: bar.advance(task, n))
            else:
                report = import_crm(st, path, prof)
    s = report.summary
    if as_json:
        print_json(
            {
                "imported": s.counts, "records": s.records, "replaced": False, "store": st.url,
                "changeset": s.changeset, "time": s.time, "changes": s.changes,
                "mode": "patch" if profile is None else "profile",
                "created": report.created, "updated": report.updated, "skipped": report.skipped,
                "stubbed": report.stubbed, "kept": report.kept, "skipped_notes": report.notes,
            }
        )
        return

    def words(d: dict[str, int]) -> str:
        return ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in d.items() if n) or "nothing"

    verb = "patched" if profile is None else "imported"
    console.print(f"{verb} {s.records} records into {st.url}: created {words(report.created)}; updated {words(report.updated)}")
    if report.skipped:
        console.print(f"skipped {words(report.skipped)}")
    for note in report.notes[:20]:
        console.print(f"  skipped {note['where']}: {note['reason']}", markup=False)
    if len(report.notes) > 20:
        console.print(f"  ... and {len(report.notes) - 20} more skipped records (--json lists them all)")
    if report.kept.get("influences"):
        console.print(f"kept the stored strength of {report.kept['influences']} influences")
    if report.stubbed:
        shown = ", ".join(report.stubbed[:10]) + (" ..." if len(report.stubbed) > 10 else "")
        console.print(f"stubbed {len(report.stubbed)} owners missing from the export as employees named by their id: {shown}")


@app.command("schema")
def schema_cmd() -> None:
    """Print the JSON Schema of the input format (for editors and for checking files before an import).

    Example: brmgraph schema > brmgraph-schema.json
    """
    from ..dataset import input_schema

    print(json.dumps(input_schema(), ensure_ascii=False, indent=2))


@app.command("info")
def info_cmd(store: StoreOpt = None, as_json: JsonOpt = False, as_of: AsOfOpt = None) -> None:
    """Show which store is in use and how many records of each kind it holds.

    Example: brmgraph info --store neo4j://localhost:7687
    """
    with store_from(store, as_of=as_of) as st:  # (the service's reading, brmgraph.service.stores)
        counts = st.counts()
        url = st.url
    if as_json:
        print_json({"store": url, "counts": counts})
        return
    from rich.markup import escape
    from rich.table import Table

    t = Table(title=f"brmgraph store {escape(url)}")
    t.add_column("kind")
    t.add_column("records", justify="right")
    for k, n in counts.items():
        t.add_row(k.replace("_", " "), str(n))
    from .render import show

    show(console, t)

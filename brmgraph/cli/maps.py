"""``brmgraph map``: write an interactive, self-contained relationship map (HTML)."""

from __future__ import annotations

from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from ..errors import BadArgument
from . import app
from .common import JsonOpt, StoreOpt, console, print_json, store_from


class MapKind(str, Enum):
    customer = "customer"
    project = "project"
    company = "company"
    competitor = "competitor"


@app.command("map")
def map_cmd(
    kind: Annotated[MapKind, typer.Argument(help="customer C | project J | company | competitor K", case_sensitive=False)],
    ident: Annotated[
        str | None,
        typer.Argument(metavar="[ID]", help="Customer, project or competitor id (none for `company`)."),
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="The HTML file to write.", dir_okay=False)] = ...,  # type: ignore[assignment]
    perspective: Annotated[
        str | None,
        typer.Option(
            "--perspective",
            "-p",
            help="Whose best paths are highlighted: individual:<employee>, team:<team> or company "
            "(default). The competitor map always uses competitor:<K>.",
        ),
    ] = None,
    max_cost: Annotated[int, typer.Option("--max-cost", min=0, help="Coverage threshold for 'reached' (SPEC 4.3).")] = 4,
    today: Annotated[
        str | None,
        typer.Option("--today", help="Date YYYY-MM-DD for relationship degrees and cooling (default: today)."),
    ] = None,
    focus: Annotated[
        str | None,
        typer.Option("--focus", help="Customer map only: project:J (its chain, their best paths, one hop around) or person:P[:hops]."),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option("--lang", help="Map labels: en (English only); default English with Chinese."),
    ] = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Draw an interactive relationship map (customer, project, company or competitor) as one self-contained HTML file.

    The file inlines vis-network and makes no network request, so it opens offline and can
    be mailed or archived as is.
    """
    from ..maps import map_from_store

    _check_args(kind, ident, perspective)
    if focus and kind is not MapKind.customer:
        raise BadArgument("--focus works with `map customer` only")
    if lang not in (None, "en", "zh"):
        raise BadArgument(f"--lang must be 'en' or 'zh', not {lang!r}")
    as_of = _parse_date(today)
    with store_from(store) as st:
        m = map_from_store(st, kind.value, ident, perspective, today=as_of, max_cost=max_cost, focus=focus, lang=lang)
    path = m.write(out)
    size = path.stat().st_size
    if as_json:
        print_json(
            {
                "map": kind.value,
                "id": ident,
                "perspective": m.perspective,
                "out": str(path),
                "bytes": size,
                "nodes": len(m.nodes),
                "edges": len(m.edges),
                "counts": m.count_by_kind(),
                "title": m.title,
            }
        )
    else:
        console.print(
            f"wrote {path} ({len(m.nodes)} nodes, {len(m.edges)} edges, {size / 1024:.0f} KiB): {m.title}",
            highlight=False,
            soft_wrap=True,
        )


def _check_args(kind: MapKind, ident: str | None, perspective: str | None) -> None:
    """The argument rules of `brmgraph map`, worded for the command line."""
    if kind is MapKind.company:
        if ident:
            raise BadArgument("`map company` takes no id")
    elif not ident:
        raise BadArgument(f"`map {kind.value}` needs an id")
    if kind is MapKind.competitor and perspective not in (None, "") and perspective != f"competitor:{ident}":
        raise BadArgument(f"the competitor map always uses the perspective competitor:{ident}; leave out --perspective")


def _parse_date(text: str | None) -> date | None:
    if text is None or text == "":
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadArgument(f"--today must be a date YYYY-MM-DD, not {text!r}") from None

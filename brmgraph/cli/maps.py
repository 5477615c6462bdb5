"""``brmgraph map``: write an interactive, self-contained relationship map (HTML)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

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
)


class MapKind(str, Enum):
    customer = "customer"
    project = "project"
    company = "company"
    competitor = "competitor"


@app.command("map")
def map_cmd(
    kind: Annotated[
        MapKind,
        typer.Argument(metavar="KIND", help="customer C | project J | company | competitor K", case_sensitive=False),
    ],
    ident: Annotated[
        str | None,
        typer.Argument(metavar="ID", help="Customer, project or competitor id (none for `company`)."),
    ] = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", metavar="FILE", help="The HTML file to write.", dir_okay=False)
    ] = ...,  # type: ignore[assignment]
    perspective: Annotated[
        str | None,
        typer.Option(
            "--perspective",
            "-p",
            metavar="WHO",
            help="Whose best paths are highlighted: individual:EMPLOYEE, team:TEAM or company "
            "(default). The competitor map always uses competitor:ID.",
        ),
    ] = None,
    max_cost: MaxCostOpt = DEFAULT_MAX_COST,
    today: Annotated[
        str | None,
        typer.Option(
            "--today", metavar="YYYY-MM-DD", help="Date for relationship degrees and cooling (default: today)."
        ),
    ] = None,
    focus: Annotated[
        str | None,
        typer.Option("--focus", help="Customer map only: project:J (its chain, their best paths, one hop around) or person:P[:hops]."),
    ] = None,
    state_at: AsOfOpt = None,
    lang: Annotated[
        str | None,
        typer.Option("--lang", metavar="en|zh", help="Map labels: en gives English only; default English with Chinese."),
    ] = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Draw an interactive relationship map (customer, project, company or competitor) as one self-contained HTML file.

    The file carries its own copy of the drawing library and makes no network request, so
    it opens offline and can be mailed or archived as is.

    Example: brmgraph map customer C1 --out c1.html
    """
    from ..maps import map_from_store

    _check_args(kind, ident, perspective)
    if focus and kind is not MapKind.customer:
        raise BadArgument("--focus works with `map customer` only")
    if lang not in (None, "en", "zh"):
        raise BadArgument(f"--lang must be 'en' or 'zh', not {lang!r}")
    m = map_from_store(
        store, kind.value, ident, perspective, today=parse_day(today), max_cost=max_cost, focus=focus, lang=lang,
        as_of=state_at,
    )
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
            markup=False,  # the path and title are user text
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

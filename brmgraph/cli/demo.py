"""``brmgraph demo``: the bundled sample company, end to end, on a fresh embedded store."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import BadArgument
from . import app
from .common import console

if TYPE_CHECKING:  # imported inside the command, so that the CLI starts quickly
    from rich.console import Console

    from ..demo import Tour

# demo_data_path: brmgraph.demo's, for older callers, loaded by __getattr__ below
__all__ = ["demo_cmd", "print_tour", "demo_data_path"]  # noqa: F822


def __getattr__(name: str) -> Any:
    if name == "demo_data_path":
        from ..demo import demo_data_path

        return demo_data_path
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@app.command("demo")
def demo_cmd(
    folder: Annotated[
        Path | None,
        typer.Option(
            "--dir",
            metavar="DIR",
            help="New folder for the demo store (default ./brmgraph-demo, or -2, -3... if taken).",
        ),
    ] = None,
) -> None:
    """Load a sample company into a new store and walk through every analysis on it.

    Example: brmgraph demo --dir /tmp/brm-demo
    """
    from rich.markup import escape

    from ..demo import build_tour, load_demo, new_folder, write_demo_maps

    started = time.perf_counter()
    if folder is not None and folder.exists() and any(folder.iterdir()):
        raise BadArgument(f"--dir {folder} exists and is not empty; the demo needs a new folder")
    folder = folder if folder is not None else new_folder()
    demo = load_demo(folder)
    console.rule("[bold]brmgraph demo — a sample company")
    console.print(f"Loaded {demo.records} records into [bold]{demo.url}[/bold]")
    console.print(", ".join(f"{n} {k.replace('_', ' ')}" for k, n in demo.counts.items()))
    tour = build_tour(demo.url)
    written = []
    if tour is None:
        console.print("the store holds no customer")
    else:
        print_tour(tour, console)
        written = write_demo_maps(demo.url, folder, tour)
        console.rule("[bold]6. Maps to open in a browser")
        for path in written:
            console.print(f"  {escape(str(path.resolve()))}", highlight=False, soft_wrap=True)
    console.rule()
    console.print(f"Done in {time.perf_counter() - started:.1f} s. Try it yourself:")
    console.print(f"  export BRM_STORE={demo.url}")
    console.print("  brmgraph report --customer <id>   brmgraph flags   brmgraph map customer <id> --out map.html")
    console.print("The whole team's view in a browser (customers, maps, projects, flags):", highlight=False)
    console.print(f"  brmgraph serve --store {escape(demo.url)}", highlight=False, soft_wrap=True)


def print_tour(tour: Tour, out: Console, lang: str = "en") -> None:
    """Print the guided tour, each step under the command that shows the same thing."""
    from rich.markup import escape
    from rich.table import Table

    from .render import render_advice, render_exposure, render_flags, render_path, render_report, show, stance, t

    cg = tour.cg
    out.rule(f"[bold]1. Report: the four lines of {escape(tour.customer)} (company perspective)")
    render_report(out, cg, tour.report, lang)

    out.rule("[bold]2. A path to a decision maker")
    if tour.target is not None and tour.path is not None:
        out.print(f"$ brmgraph path --to {tour.target}")
        render_path(out, cg, tour.path, lang)
        if tour.competitor_path is not None:
            out.print(f"$ brmgraph path --to {tour.target} --perspective {tour.competitor_path.perspective}")
            render_path(out, cg, tour.competitor_path, lang)

    out.rule("[bold]3. Exposure: veto holders and approvers at risk")
    out.print(f"$ brmgraph exposure --customer {tour.customer}")
    render_exposure(out, cg, tour.exposure, lang)

    out.rule("[bold]4. Nightly flags over every customer")
    out.print("$ brmgraph flags   (JSON lines; shown as a table here)")
    render_flags(out, tour.flags, lang)

    out.rule("[bold]5. Strategies per key person")
    tab = Table()
    for k in ("person", "name", "closeness", "strategy", "tactics"):
        tab.add_column(t(k, lang))
    for pid, adv in tour.advice.items():
        tab.add_row(
            escape(pid), escape(cg.persons[pid].name), stance(adv.closeness, lang),
            f"{adv.strategy} {adv.label_zh}", escape(", ".join(x.name for x in adv.tactics)),
        )
    show(out, tab)
    if tour.focus is not None:
        out.print(f"$ brmgraph tactics --person {tour.focus}")
        render_advice(out, cg.persons[tour.focus], tour.advice[tour.focus], lang)

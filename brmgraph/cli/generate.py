"""``brmgraph generate``: a synthetic data set in the input format, written as a stream."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from . import app
from .common import JsonOpt, print_json


@app.command("generate")
def generate_cmd(
    customers: Annotated[int, typer.Option("--customers", min=0, metavar="N", help="Number of customers.")],
    persons_per: Annotated[int, typer.Option("--persons-per", min=0, metavar="N", help="Key persons per customer.")],
    employees: Annotated[int, typer.Option("--employees", min=0, metavar="N", help="Our employees.")],
    competitors: Annotated[int, typer.Option("--competitors", min=0, metavar="N", help="Competitors.")],
    out: Annotated[Path, typer.Option("--out", metavar="FILE", help="Output JSON file ('-' for stdout).")],
    staff_per: Annotated[int, typer.Option("--staff-per", min=0, metavar="N", help="Staff per competitor.")] = 10,
    projects_per: Annotated[
        int, typer.Option("--projects-per", min=0, metavar="N", help="Projects per customer (two in three open).")
    ] = 3,
    seed: Annotated[
        str, typer.Option("--seed", metavar="SEED", help="Random seed: the same seed gives the same file.")
    ] = "0",
    as_json: JsonOpt = False,
) -> None:
    """Write a realistic synthetic data set in the input format (JSON), for trials and load tests.

    The file is written as a stream, so even very large sets never sit in memory.

    Example: brmgraph generate --customers 100 --persons-per 40 --employees 200 --competitors 5 --out big.json
    """
    from ..generate import generate

    show = sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        sys.stderr.write(f"\rgenerating customers {done}/{total} ({100 * done // max(total, 1)}%)")
        sys.stderr.flush()

    to_stdout = str(out) == "-"
    summary = generate(
        "-" if to_stdout else out,
        customers=customers,
        persons_per=persons_per,
        employees=employees,
        competitors=competitors,
        staff_per=staff_per,
        projects_per=projects_per,
        seed=seed,
        progress=progress if show else None,
    )
    if show:
        sys.stderr.write("\n")
    if as_json:
        if to_stdout:
            sys.stderr.write(json.dumps(summary.as_dict()) + "\n")
        else:
            print_json(summary.as_dict())
        return
    parts = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in summary.counts.items())
    msg = f"wrote {summary.records} records ({parts}; {summary.arcs} arcs) to {summary.out} in {summary.seconds:.1f}s"
    if to_stdout:
        sys.stderr.write(msg + "\n")
    else:
        typer.echo(msg)

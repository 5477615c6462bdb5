"""Analysis commands: ``path``, ``coverage``, ``exposure``, ``flags``, ``report``, ``tactics``.

Each command checks its arguments, opens the store, reads the customer sub-graph, calls
:mod:`brmgraph.analysis` (or :mod:`brmgraph.batch` for ``flags``) and prints the tables of
:mod:`.render`, or with ``--json`` the documented JSON shape. Ids are checked against the
whole store (unknown person, project, customer, or employee / team / competitor in
``--perspective``) and reported as one line with a non-zero exit.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import BadArgument, ExitCode
from ..labels import StrengthFrom
from . import app
from .common import (
    DEFAULT_MAX_COST,
    AsOfOpt,
    JsonOpt,
    Lang,
    LangOpt,
    MaxCostOpt,
    PerspectiveOpt,
    StoreOpt,
    console,
    err_console,
    parse_day,
    print_json,
    store_from,
)

if TYPE_CHECKING:  # imported inside the commands, so that the CLI starts quickly
    from ..analysis.exposure import Flag
    from ..batch import FlagStats, Progress
    from ..graph import CustomerGraph, Perspective
    from ..store import Store


# ------------------------------------------------------------------ store helpers
def customer_graph(
    st: Store, customer_id: str, strength: StrengthFrom = StrengthFrom.declared, day: date | None = None
) -> CustomerGraph:
    """The CustomerGraph of one stored customer (NotFound when unknown), with our ties'
    strengths as declared or, for ``interactions``, as observed on ``day`` (docs/spec.md §4.8.5)."""
    from ..analysis.observed import strength_from
    from ..graph import CustomerGraph

    ds = strength_from(st.customer_graph(customer_id), strength, day or date.today())
    return CustomerGraph.from_dataset(ds, customer_id)


def observed_day(as_of: str | None, today: date | None = None) -> date:
    """The reference day of ``--strength-from interactions``: ``--today`` where the command
    has it, else the day of ``--as-of``, else today."""
    if today is not None:
        return today
    if as_of is not None:
        from ..store.history import parse_time

        return date.fromisoformat(parse_time(as_of)[:10])
    return date.today()


StrengthFromOpt = Annotated[
    StrengthFrom,
    typer.Option(
        "--strength-from",
        metavar="declared|interactions",
        help="Strength of our employees' ties: as declared (default), or read from the interactions "
        "of each pair up to the reference day (--today, else --as-of, else today): recent career or "
        "family talks make a tie strong, silence for 180 days or a lone like makes it weak.",
    ),
]


def perspective_of(st: Store, text: str | None) -> Perspective:
    """Parse ``--perspective`` and check its employee / team / competitor exists in the store."""
    from ..analysis.paths import check_perspective
    from ..graph import Perspective, PerspectiveKind

    p = Perspective.parse(text)
    if p.kind in (PerspectiveKind.individual, PerspectiveKind.team):
        return check_perspective(p, st.employees(), [])
    if p.kind == PerspectiveKind.competitor:
        return check_perspective(p, [], st.competitors())
    return p


def _scope(st: Store, project: str | None, customer: str | None) -> tuple[str, str | None]:
    if (project is None) == (customer is None):
        raise BadArgument("give exactly one of --project J or --customer C")
    if project is not None:
        return st.project(project).customer, project
    assert customer is not None
    return customer, None


ProjectOpt = Annotated[str | None, typer.Option("--project", metavar="PROJECT", help="Project id.")]
CustomerOpt = Annotated[str | None, typer.Option("--customer", metavar="CUSTOMER", help="Customer id.")]
TemplateOpt = Annotated[
    Path | None, typer.Option("--template", metavar="FILE", help="Your company's tactics template (YAML or JSON).")
]
EmpTemplateOpt = Annotated[
    Path | None,
    typer.Option("--employee-template", metavar="FILE", help="A personal tactics template, laid over the company one."),
]


class FlagFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"


# ------------------------------------------------------------------ commands
@app.command("path")
def path_cmd(
    to: Annotated[str, typer.Option("--to", metavar="PERSON", help="The key person to reach (id).")],
    perspective: PerspectiveOpt = "company",
    strength: StrengthFromOpt = StrengthFrom.declared,
    as_json: JsonOpt = False,
    lang: LangOpt = Lang.en,
    as_of: AsOfOpt = None,
    store: StoreOpt = None,
) -> None:
    """The best way to reach a key person: the chain of introductions with the strongest ties.

    Each step costs 1 (strong tie), 2 (medium) or 3 (weak); the path with the lowest total
    wins, then the one with fewer steps. Nobody who opposes us is used as a go-between.

    Example: brmgraph path --to P103 --perspective team:East
    """
    from ..analysis.paths import best_path

    with store_from(store, as_of=as_of) as st:
        persp = perspective_of(st, perspective)
        person = st.key_person(to)
        cg = customer_graph(st, person.customer, strength, observed_day(as_of))
    res = best_path(cg, to, persp)
    if as_json:
        print_json(res)
    else:
        from .render import render_path  # (rich: only for tables)

        render_path(console, cg, res, lang.value)


@app.command("coverage")
def coverage_cmd(
    project: ProjectOpt = None,
    customer: CustomerOpt = None,
    perspective: PerspectiveOpt = "company",
    max_cost: MaxCostOpt = DEFAULT_MAX_COST,
    strength: StrengthFromOpt = StrengthFrom.declared,
    as_json: JsonOpt = False,
    lang: LangOpt = Lang.en,
    as_of: AsOfOpt = None,
    store: StoreOpt = None,
) -> None:
    """Which decision makers of a project or customer we reach: directly, through others, or not at all.

    Coverage is the share of decision makers reached; the weighted figure counts veto
    holders and approvers three times.

    Example: brmgraph coverage --project J1 --max-cost 3
    """
    from ..analysis.coverage import coverage
    from .render import render_coverage

    with store_from(store, as_of=as_of) as st:
        cid, pid = _scope(st, project, customer)
        persp = perspective_of(st, perspective)
        cg = customer_graph(st, cid, strength, observed_day(as_of))
    res = coverage(cg, persp, project=pid, max_cost=max_cost)
    if as_json:
        print_json(res)
    else:
        render_coverage(console, cg, res, lang.value)


@app.command("exposure")
def exposure_cmd(
    project: ProjectOpt = None,
    customer: CustomerOpt = None,
    max_cost: MaxCostOpt = DEFAULT_MAX_COST,
    strength: StrengthFromOpt = StrengthFrom.declared,
    as_json: JsonOpt = False,
    lang: LangOpt = Lang.en,
    as_of: AsOfOpt = None,
    store: StoreOpt = None,
) -> None:
    """Veto holders and sole approvers at risk, with every reason why.

    Reasons: UNCOVERED (we do not reach them), OPPOSED, STANCE_UNKNOWN and
    COMPETITOR_CLOSER (a competitor reaches them more cheaply than we do).

    Example: brmgraph exposure --customer C1
    """
    from ..analysis.exposure import exposure
    from .render import render_exposure

    with store_from(store, as_of=as_of) as st:
        cid, pid = _scope(st, project, customer)
        cg = customer_graph(st, cid, strength, observed_day(as_of))
    res = exposure(cg, project=pid, max_cost=max_cost)
    if as_json:
        print_json(res)
    else:
        render_exposure(console, cg, res, lang.value)


@app.command("flags")
def flags_cmd(
    fmt: Annotated[
        FlagFormat, typer.Option("--format", metavar="jsonl|csv", help="One JSON object per line, or CSV.")
    ] = FlagFormat.jsonl,
    fail_on_flags: Annotated[
        bool, typer.Option("--fail-on-flags", help="Exit with code 3 when at least one flag is printed.")
    ] = False,
    shard: Annotated[
        str | None,
        typer.Option(
            "--shard",
            metavar="I/N",
            help="Only shard I of N (1-based), so N machines can split one run; each customer "
            "belongs to exactly one shard.",
        ),
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", min=1, metavar="N", help="Worker processes, each with its own store connection.")
    ] = 1,
    max_cost: MaxCostOpt = DEFAULT_MAX_COST,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="T",
            help='Only what changed since T: flags new since then ("change": "new") and those resolved '
            '("change": "resolved"); --fail-on-flags then fails only on new ones.',
        ),
    ] = None,
    strength: StrengthFromOpt = StrengthFrom.declared,
    as_of: AsOfOpt = None,
    recompute: Annotated[
        bool,
        typer.Option(
            "--recompute",
            help="Compute every customer again, ignoring the results kept from earlier runs, and "
            "keep the new ones.",
        ),
    ] = False,
    store: StoreOpt = None,
) -> None:
    """The nightly check: veto holders in open projects whom we do not reach.

    One record per project and person, sorted, with all the reasons that person is at risk.
    Meant for schedulers: the output is printed once every customer is done.

    A plain run keeps each customer's result in the store and computes again only the
    customers an import changed since (never with --as-of or --strength-from
    interactions); the output is the same as with --recompute.

    Example: brmgraph flags --format csv --fail-on-flags > flags.csv
    """
    from ..batch import FlagStats, parse_shard, run_flags

    try:
        sh = parse_shard(shard) if shard else None
    except ValueError as exc:
        raise BadArgument(f"--shard {exc}") from None
    then: list[Flag] | None = None
    observed = strength is StrengthFrom.interactions
    if since is not None:
        with store_from(store, as_of=since) as past:
            then = run_flags(None, sh, 1, max_cost=max_cost, store=past, require_customers=False,
                             observed_on=observed_day(since) if observed else None, cache=False)
    day = observed_day(as_of) if observed else None
    stats = FlagStats()
    with _progress_bar() as progress:
        if as_of is not None:
            with store_from(store, as_of=as_of) as st:
                # a past state (in memory): computed in full, never cached
                records = run_flags(None, sh, 1, max_cost=max_cost, progress=progress, store=st, observed_on=day,
                                    stats=stats, cache=False)
        else:
            records = run_flags(store, sh, workers, max_cost=max_cost, progress=progress, observed_on=day,
                                recompute=recompute, stats=stats)
    if progress is not None:  # a terminal: one summary line where the bar was
        err_console.print(_flags_summary(stats, len(records)), highlight=False)
    rows = [f.model_dump(mode="json") for f in records]
    if then is not None:
        from ..analysis.exposure import diff_flags

        rows = [f.model_dump(mode="json") for f in diff_flags(then, records)]
    out = sys.stdout
    if fmt == FlagFormat.csv:
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["project", "customer", "person", "reasons", *FLAG_EXTRA, *(["change"] if then is not None else [])])
        for d in rows:
            extra = ["" if d.get(k) is None else d[k] for k in FLAG_EXTRA]
            w.writerow([d["project"], d["customer"], d["person"], ";".join(d["reasons"]), *extra,
                        *([d["change"]] if then is not None else [])])
    else:
        for d in rows:
            out.write(json.dumps(d, ensure_ascii=False) + "\n")
    out.flush()
    failing = [d for d in rows if d.get("change", "new") == "new"]
    if fail_on_flags and failing:
        raise typer.Exit(ExitCode.FLAGGED)


def _flags_summary(stats: FlagStats, flagged: int) -> str:
    """``flags: 5,000 customers, 50 recomputed, 4,950 from the cache; 2,481 flags``."""
    kept = {"skipped": " (the store could not take the new results now)"}.get(stats.cache, "")
    return (
        f"flags: {stats.customers:,} customers, {stats.recomputed:,} recomputed, {stats.cached:,} from the cache"
        f"{kept}; {flagged:,} flags"
    )


#: flag columns after the first four (CSV): names and the deal at stake
FLAG_EXTRA = ("customer_name", "project_name", "person_name", "title", "stage", "amount")


@contextmanager
def _progress_bar() -> Iterator[Progress | None]:
    """A progress bar on stderr while flags run, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as Bar

    # the real console: rich's live display enters it as a context manager, which the
    # lazy wrapper is not
    real = getattr(err_console, "real", err_console)
    bar = Bar(TextColumn("flags"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
              console=real, transient=True)
    task = bar.add_task("customers", total=None)

    def progress(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    with bar:
        yield progress


@app.command("report")
def report_cmd(
    customer: Annotated[str, typer.Option("--customer", metavar="CUSTOMER", help="Customer id.")],
    perspective: PerspectiveOpt = "company",
    max_cost: MaxCostOpt = DEFAULT_MAX_COST,
    today: Annotated[
        str | None,
        typer.Option(
            "--today", metavar="YYYY-MM-DD", help="Reference date for contact frequency and cooling (default: today)."
        ),
    ] = None,
    template: TemplateOpt = None,
    employee_template: EmpTemplateOpt = None,
    strength: StrengthFromOpt = StrengthFrom.declared,
    as_json: JsonOpt = False,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            metavar="text|json|markdown",
            help="text (default: tables for a terminal, plain lines when they do not fit), json (as --json) "
            "or markdown (for pasting into mail or a wiki).",
        ),
    ] = "text",
    lang: LangOpt = Lang.en,
    as_of: AsOfOpt = None,
    store: StoreOpt = None,
) -> None:
    """Everything about one customer: the customer, decision-chain, key-person and influence lines.

    Example: brmgraph report --customer C1 --format markdown > C1.md
    """
    from ..analysis.lines import report
    from ..analysis.observed import strength_from
    from ..analysis.strategy import load_template
    from ..graph import CustomerGraph
    from .render import render_report

    if fmt not in ("text", "json", "markdown"):
        raise BadArgument(f"--format must be text, json or markdown, not {fmt!r}")
    day = parse_day(today) or date.today()
    tpl = load_template(template, employee_template)
    with store_from(store, as_of=as_of, customer=customer) as st:
        persp = perspective_of(st, perspective)
        ds = st.customer_graph(customer)
    cg = CustomerGraph.from_dataset(strength_from(ds, strength, day), customer)
    declared = None
    if strength is StrengthFrom.interactions:
        declared = {(i.source, i.target): i.strength for i in ds.influences}
    rep = report(cg, persp, max_cost=max_cost, today=day, template=tpl, declared=declared)
    if as_json or fmt == "json":
        print_json(rep)
    elif fmt == "markdown":
        from .render import MarkdownConsole

        render_report(MarkdownConsole(soft_wrap=True, color_system=None, width=10**4), cg, rep, lang.value)
    else:
        render_report(console, cg, rep, lang.value)


@app.command("tactics")
def tactics_cmd(
    person: Annotated[str, typer.Option("--person", metavar="PERSON", help="Key person id.")],
    template: TemplateOpt = None,
    employee_template: EmpTemplateOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = Lang.en,
    store: StoreOpt = None,
) -> None:
    """How to work with a key person: the strategy that follows from how close they are to us, and its tactics.

    Example: brmgraph tactics --person P103
    """
    from ..analysis.strategy import advice, load_template
    from .render import render_advice

    tpl = load_template(template, employee_template)
    with store_from(store) as st:
        kp = st.key_person(person)
    adv = advice(kp, tpl)
    if as_json:
        print_json(adv)
    else:
        render_advice(console, kp, adv, lang.value)

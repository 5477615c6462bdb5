"""Decision-support commands (issue 13, docs/spec.md §4.8): ``plan``, ``whatif``,
``risk``. Presentation only: each calls one function of :mod:`brmgraph.service` and prints a
table, or with ``--json`` its shape."""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import BadArgument
from ..labels import StrengthFrom
from . import app
from .analysis import StrengthFromOpt
from .common import DEFAULT_MAX_COST, JsonOpt, PerspectiveOpt, StoreOpt, console, print_json

MaxCostOpt = Annotated[int, typer.Option("--max-cost", help="Highest path cost that still counts as covered.")]


def _check_max_cost(n: int) -> int:
    if n < 0:
        raise BadArgument(f"--max-cost must be >= 0, not {n}")
    return n
ProjectOpt = Annotated[str | None, typer.Option("--project", help="Project id.")]
CustomerOpt = Annotated[str | None, typer.Option("--customer", help="Customer id.")]


# ------------------------------------------------------------------ plan
@app.command("plan")
def plan_cmd(
    project: ProjectOpt = None,
    customer: CustomerOpt = None,
    perspective: PerspectiveOpt = "company",
    k: Annotated[int, typer.Option("--k", help="At most this many new ties.")] = 3,
    strength: Annotated[str, typer.Option("--strength", help="Strength of each new tie: strong, medium or weak.")] = "strong",
    max_cost: MaxCostOpt = DEFAULT_MAX_COST,
    strength_src: StrengthFromOpt = StrengthFrom.declared,
    as_json: JsonOpt = False,
    store: StoreOpt = None,
) -> None:
    """The next relationships to build: which key persons to win a direct tie to, and who on our side should build each.

    Each step picks the person whose new tie covers the most (weighted) decision makers,
    given the steps before it; nothing is written.

    Example: brmgraph plan --project J1 --k 3 --strength medium
    """
    from rich.markup import escape
    from rich.table import Table

    from ..service.format import pct
    from ..service.questions import plan
    from .render import show

    _check_max_cost(max_cost)
    if k < 0:
        raise BadArgument(f"--k must be >= 0, not {k}")
    ans = plan(store, project=project, customer=customer, perspective=perspective, k=k, tie=strength,
               max_cost=max_cost, strength=strength_src)
    res, cg = ans.result, ans.graph
    assert cg is not None
    if as_json:
        print_json(res)
        return
    scope = ", ".join(f"{a} {b}" for a, b in res.scope.items())
    tab = Table(
        title=f"plan · {escape(scope)} · {escape(res.perspective)} · {res.strength} ties · max cost {res.max_cost}",
        caption=f"before: coverage {pct(res.before.coverage)} · weighted {pct(res.before.weighted_coverage)}",
    )
    for col in ("step", "person", "name", "title", "employee", "gain", "newly covered", "coverage", "weighted"):
        tab.add_column(col, justify="right" if col in ("step", "gain", "coverage", "weighted") else "left")
    for i, s in enumerate(res.steps, 1):
        p = cg.persons[s.person]
        tab.add_row(str(i), escape(s.person), escape(p.name), escape(p.title), escape(s.employee or "—"), str(s.gain),
                    escape(", ".join(s.newly_covered)), pct(s.coverage), pct(s.weighted_coverage))
    if not res.steps:
        console.print(f"{tab.title}: no new tie would cover another decision maker ({tab.caption})")
        return
    show(console, tab)


# ------------------------------------------------------------------ whatif
@app.command("whatif")
def whatif_cmd(
    project: ProjectOpt = None,
    customer: CustomerOpt = None,
    without: Annotated[
        list[str] | None, typer.Option("--without", help="Remove an employee, competitor staff member or key person (repeatable).")
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="ID.FIELD=VALUE: change a key person's closeness, solution_acceptance, "
                     "price_acceptance, veto, approver or reports_to (repeatable)."),
    ] = None,
    perspective: PerspectiveOpt = "company",
    max_cost: MaxCostOpt = DEFAULT_MAX_COST,
    strength_src: StrengthFromOpt = StrengthFrom.declared,
    as_json: JsonOpt = False,
    store: StoreOpt = None,
) -> None:
    """What if someone left, or a stance changed? The analyses on a changed copy; nothing is written.

    With --project or --customer: coverage and exposure before and after. Without: the
    nightly flags the changes would create or resolve over every open project.

    Example: brmgraph whatif --project J1 --without E3 --set P7.closeness=oppose
    """
    from rich.markup import escape
    from rich.table import Table

    from ..service.format import pct
    from ..service.questions import whatif
    from .render import show

    _check_max_cost(max_cost)
    w = whatif(store, without=without or [], set_=set_ or [], project=project, customer=customer,
               perspective=perspective, max_cost=max_cost, strength=strength_src)
    changes, records, res, pid = w.changes, w.flags, w.scoped, w.project
    if res is not None:
        if as_json:
            print_json(res)
            return
        console.print("changes: " + escape("; ".join(str(c) for c in changes)))
        b, a = res.before.coverage, res.after.coverage
        console.print(f"coverage {pct(b.coverage)} → {pct(a.coverage)} · weighted "
                      f"{pct(b.weighted_coverage)} → {pct(a.weighted_coverage)}"
                      + (f" · health {b.health} → {a.health}" if pid is not None else ""))
        d = res.delta
        console.print("newly uncovered: " + (escape(", ".join(d.newly_uncovered)) or "—"))
        console.print("newly exposed: " + (escape("; ".join(f"{x.person} {', '.join(x.reasons)}" for x in d.newly_exposed)) or "—"))
        console.print("resolved: " + (escape("; ".join(f"{x.person} {', '.join(x.reasons)}" for x in d.resolved)) or "—"))
        return
    if as_json:
        print_json(w.json())
        return
    console.print("changes: " + escape("; ".join(str(c) for c in changes)))
    if not records:
        console.print("flags: no change")
        return
    tab = Table(title=f"flags that change ({len(records)})")
    for col in ("change", "project", "customer", "person", "reasons"):
        tab.add_column(col)
    for f in records:
        tab.add_row(("[red]new[/]" if f.change == "new" else "[green]resolved[/]"), escape(f.project),
                    escape(f.customer), escape(f.person), ", ".join(f.reasons))
    show(console, tab)


# ------------------------------------------------------------------ risk
@app.command("risk")
def risk_cmd(
    max_cost: MaxCostOpt = DEFAULT_MAX_COST,
    strength_src: StrengthFromOpt = StrengthFrom.declared,
    as_json: JsonOpt = False,
    store: StoreOpt = None,
) -> None:
    """Whose departure would hurt: for each employee, the veto holders we would no longer reach if they left.

    Most first; computed in one pass over the customers.

    Example: brmgraph risk --json > risk.json
    """
    from rich.markup import escape
    from rich.table import Table

    from ..service.questions import risk
    from .render import show

    _check_max_cost(max_cost)
    res = risk(store, max_cost=max_cost, strength=strength_src)
    if as_json:
        print_json(res)
        return
    at_risk = [e for e in res.employees if e.count]
    if not at_risk:
        console.print("risk: no employee's departure would leave a veto holder unreached")
        return
    tab = Table(title=f"key-person risk · max cost {res.max_cost}",
                caption=f"{len(res.employees) - len(at_risk)} other employees: no new flag")
    for col in ("employee", "name", "team", "new flags", "veto holders (project:person)"):
        tab.add_column(col, justify="right" if col == "new flags" else "left")
    for e in at_risk:
        tab.add_row(escape(e.employee), escape(e.name), escape(e.team), str(e.count),
                    escape(", ".join(f"{f.project}:{f.person}" for f in e.flags)))

    show(console, tab)

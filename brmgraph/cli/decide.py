"""Decision-support commands (issue 13, docs/spec.md §4.8): ``plan``, ``whatif``,
``risk``. Presentation only: each opens the store, reads customer sub-graphs, calls one
function of :mod:`brmgraph.analysis` and prints a table, or with ``--json`` its shape."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import BadArgument, NotFound
from ..labels import StrengthFrom
from . import app
from .analysis import StrengthFromOpt, observed_day
from .common import JsonOpt, PerspectiveOpt, StoreOpt, console, print_json, store_from

if TYPE_CHECKING:  # imported inside the commands, so that the CLI starts quickly
    from ..graph import Perspective
    from ..store import Store

MaxCostOpt = Annotated[int, typer.Option("--max-cost", help="Highest path cost that still counts as covered.")]
ProjectOpt = Annotated[str | None, typer.Option("--project", help="Project id.")]
CustomerOpt = Annotated[str | None, typer.Option("--customer", help="Customer id.")]


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.0%}" if abs(x * 100 - round(x * 100)) < 1e-9 else f"{x:.1%}"


def _check_max_cost(n: int) -> int:
    if n < 0:
        raise BadArgument(f"--max-cost must be >= 0, not {n}")
    return n


def _perspective(st: Store, text: str | None) -> Perspective:
    from ..analysis.paths import check_perspective
    from ..graph import Perspective

    p = Perspective.parse(text)
    if p.kind in ("individual", "team"):
        return check_perspective(p, st.employees(), [])
    if p.kind == "competitor":
        return check_perspective(p, [], st.competitors())
    return p


def _scope(st: Store, project: str | None, customer: str | None, required: bool = True) -> tuple[str | None, str | None]:
    if project is not None and customer is not None:
        raise BadArgument("give at most one of --project J and --customer C" if not required
                          else "give exactly one of --project J or --customer C")
    if project is None and customer is None:
        if required:
            raise BadArgument("give exactly one of --project J or --customer C")
        return None, None
    if project is not None:
        return st.project(project).customer, project
    assert customer is not None
    if customer not in {c.id for c in st.customers()}:
        raise NotFound(f"unknown customer {customer!r}")
    return customer, None


# ------------------------------------------------------------------ plan
@app.command("plan")
def plan_cmd(
    project: ProjectOpt = None,
    customer: CustomerOpt = None,
    perspective: PerspectiveOpt = "company",
    k: Annotated[int, typer.Option("--k", help="At most this many new ties.")] = 3,
    strength: Annotated[str, typer.Option("--strength", help="Strength of each new tie: strong, medium or weak.")] = "strong",
    max_cost: MaxCostOpt = 4,
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

    from ..analysis.observed import strength_from
    from ..analysis.plan import plan
    from ..graph import CustomerGraph
    from ..model import Strength
    from .render import show

    _check_max_cost(max_cost)
    if k < 0:
        raise BadArgument(f"--k must be >= 0, not {k}")
    try:
        strength_v = Strength.parse(strength)
    except ValueError:
        raise BadArgument(f"--strength must be strong, medium or weak, not {strength!r}") from None
    with store_from(store) as st:
        cid, pid = _scope(st, project, customer)
        persp = _perspective(st, perspective)
        if not persp.ours:
            raise BadArgument(f"--perspective {str(persp)!r}: plan builds our ties; use individual, team or company")
        ds = strength_from(st.customer_graph(cid), strength_src, observed_day(None))  # type: ignore[arg-type]
        cg = CustomerGraph.from_dataset(ds, cid)  # type: ignore[arg-type]
        employees = st.employees()
    res = plan(cg, persp, project=pid, k=k, strength=strength_v, max_cost=max_cost, employees=employees)
    if as_json:
        print_json(res)
        return
    scope = ", ".join(f"{a} {b}" for a, b in res.scope.items())
    tab = Table(
        title=f"plan · {escape(scope)} · {escape(res.perspective)} · {res.strength} ties · max cost {res.max_cost}",
        caption=f"before: coverage {_pct(res.before.coverage)} · weighted {_pct(res.before.weighted_coverage)}",
    )
    for col in ("step", "person", "name", "title", "employee", "gain", "newly covered", "coverage", "weighted"):
        tab.add_column(col, justify="right" if col in ("step", "gain", "coverage", "weighted") else "left")
    for i, s in enumerate(res.steps, 1):
        p = cg.persons[s.person]
        tab.add_row(str(i), escape(s.person), escape(p.name), escape(p.title), escape(s.employee or "—"), str(s.gain),
                    escape(", ".join(s.newly_covered)), _pct(s.coverage), _pct(s.weighted_coverage))
    if not res.steps:
        console.print(f"{tab.title}: no new tie would cover another decision maker ({tab.caption})")
        return
    show(console, tab)


# ------------------------------------------------------------------ whatif
def _kinds(st: Store, ids: Iterable[str]) -> tuple[dict[str, str], dict[str, str]]:
    """(kind of each id, customer of each key person among them)."""
    ids = set(ids)
    kinds: dict[str, str] = {}
    customer_of: dict[str, str] = {}
    emp = {e.id for e in st.employees()} & ids
    staff = {s.id for s in st.competitor_staff()} & ids
    kinds.update(dict.fromkeys(emp, "employee"))
    kinds.update(dict.fromkeys(staff, "competitor staff member"))
    rest = ids - emp - staff
    for i in sorted(rest):
        try:
            kp = st.key_person(i)
        except NotFound:
            continue
        kinds[i] = "key person"
        customer_of[i] = kp.customer
    rest -= set(kinds)
    if rest:
        for kind, recs in (("customer", st.customers()), ("competitor", st.competitors()), ("project", st.projects())):
            kinds.update({r.id: kind for r in recs if r.id in rest})
    return kinds, customer_of


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
    max_cost: MaxCostOpt = 4,
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

    from ..analysis.observed import strength_from, strengths_from
    from ..analysis.whatif import check_changes, flag_changes, parse_set, parse_without, whatif_scope
    from .render import show

    _check_max_cost(max_cost)
    changes = [parse_without(x) for x in without or []] + [parse_set(x) for x in set_ or []]
    if not changes:
        raise BadArgument("give at least one --without ID or --set ID.FIELD=VALUE")
    day = observed_day(None)
    with store_from(store) as st:
        cid, pid = _scope(st, project, customer, required=False)
        persp = _perspective(st, perspective)
        refs = {c.id for c in changes} | {c.value for c in changes if c.field == "reports_to" and c.value}
        kinds, customer_of = _kinds(st, refs)
        check_changes(changes, kinds)
        if cid is not None:
            for c in changes:
                if kinds[c.id] == "key person" and customer_of[c.id] != cid:
                    raise BadArgument(
                        f"--{c.op} {c.id}: a key person of customer {customer_of[c.id]!r}, not of {cid!r} in scope"
                    )
            ds = strength_from(st.customer_graph(cid), strength_src, day)
            res = whatif_scope(ds, cid, changes, persp, project=pid, max_cost=max_cost)
        else:
            datasets = st.iter_customer_graphs(interactions=strength_src is StrengthFrom.interactions)
            records = flag_changes(strengths_from(datasets, strength_src, day), changes, max_cost=max_cost)
    if cid is not None:
        if as_json:
            print_json(res)
            return
        console.print("changes: " + escape("; ".join(str(c) for c in changes)))
        b, a = res.before.coverage, res.after.coverage
        console.print(f"coverage {_pct(b.coverage)} → {_pct(a.coverage)} · weighted "
                      f"{_pct(b.weighted_coverage)} → {_pct(a.weighted_coverage)}"
                      + (f" · health {b.health} → {a.health}" if pid is not None else ""))
        d = res.delta
        console.print("newly uncovered: " + (escape(", ".join(d.newly_uncovered)) or "—"))
        console.print("newly exposed: " + (escape("; ".join(f"{x.person} {', '.join(x.reasons)}" for x in d.newly_exposed)) or "—"))
        console.print("resolved: " + (escape("; ".join(f"{x.person} {', '.join(x.reasons)}" for x in d.resolved)) or "—"))
        return
    if as_json:
        print_json({"changes": changes, "flags": records})
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
    max_cost: MaxCostOpt = 4,
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

    from ..analysis.observed import strengths_from
    from ..analysis.risk import risk
    from .render import show

    _check_max_cost(max_cost)
    with store_from(store) as st:
        datasets = st.iter_customer_graphs(interactions=strength_src is StrengthFrom.interactions)
        res = risk(strengths_from(datasets, strength_src, observed_day(None)), st.employees(), max_cost=max_cost)
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

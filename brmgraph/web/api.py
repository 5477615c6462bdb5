"""The JSON bodies of ``brmgraph serve``'s API: each equals the CLI's ``--json`` output
for the same arguments (the same library call, dumped the same way).

Pure functions of an open store; :class:`~brmgraph.errors.NotFound` and
:class:`~brmgraph.errors.BadArgument` propagate (the app turns them into 404 / 400).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel

from ..analysis.rules import DEFAULT_MAX_COST
from ..errors import BadArgument
from ..graph import CustomerGraph, Perspective
from ..store import Store


def jsonable(obj: Any) -> Any:
    if isinstance(obj, BaseModel):
        return obj.model_dump(mode="json")
    if isinstance(obj, list):
        return [jsonable(o) for o in obj]
    return obj


def customer_graph(st: Store, customer_id: str) -> CustomerGraph:
    return CustomerGraph.from_dataset(st.customer_graph(customer_id), customer_id)


def perspective_of(st: Store, text: str | None) -> Perspective:
    """Parse a perspective and check that its employee / team / competitor exists."""
    from ..analysis.paths import check_perspective

    p = Perspective.parse(text or "company")
    if p.kind in ("individual", "team"):
        return check_perspective(p, st.employees(), [])
    if p.kind == "competitor":
        return check_perspective(p, [], st.competitors())
    return p


def max_cost_of(text: str | None) -> int:
    if text in (None, ""):
        return DEFAULT_MAX_COST
    try:
        n = int(text)
    except ValueError:
        raise BadArgument(f"max_cost must be a whole number, not {text!r}") from None
    if n < 0:
        raise BadArgument(f"max_cost must be >= 0, not {n}")
    return n


def today_of(text: str | None) -> date:
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadArgument(f"today must be a date YYYY-MM-DD, not {text!r}") from None


def scope_of(st: Store, project: str | None, customer: str | None) -> tuple[str, str | None]:
    """(customer id, project id or None) for exactly one of project / customer."""
    if bool(project) == bool(customer):
        raise BadArgument("give exactly one of project=J or customer=C")
    if project:
        return st.project(project).customer, project
    assert customer is not None
    return customer, None


def path(st: Store, to: str | None, perspective: str | None = None) -> dict[str, Any]:
    from ..analysis.paths import best_path

    if not to:
        raise BadArgument("give the target key person: to=P")
    persp = perspective_of(st, perspective)
    person = st.key_person(to)
    return jsonable(best_path(customer_graph(st, person.customer), to, persp))


def coverage(st: Store, project: str | None, customer: str | None, perspective: str | None = None, max_cost: str | None = None) -> dict[str, Any]:
    from ..analysis.coverage import coverage as cov

    mc = max_cost_of(max_cost)
    cid, pid = scope_of(st, project, customer)
    persp = perspective_of(st, perspective)
    return jsonable(cov(customer_graph(st, cid), persp, project=pid, max_cost=mc))


def exposure(st: Store, project: str | None, customer: str | None, max_cost: str | None = None) -> dict[str, Any]:
    from ..analysis.exposure import exposure as exp

    mc = max_cost_of(max_cost)
    cid, pid = scope_of(st, project, customer)
    return jsonable(exp(customer_graph(st, cid), project=pid, max_cost=mc))


def report(st: Store, customer: str | None, perspective: str | None = None, max_cost: str | None = None, today: str | None = None) -> dict[str, Any]:
    from ..analysis.lines import report as rep

    if not customer:
        raise BadArgument("give the customer: customer=C")
    mc = max_cost_of(max_cost)
    day = today_of(today)
    persp = perspective_of(st, perspective)
    return jsonable(rep(customer_graph(st, customer), persp, max_cost=mc, today=day))


def flags(st: Store) -> list[dict[str, Any]]:
    """The records of ``brmgraph flags --format jsonl``, as one JSON list."""
    from ..analysis.exposure import flags as fl
    from ..analysis.exposure import sort_flags

    out: list[Any] = []
    for ds in st.iter_customer_graphs([c.id for c in st.customers()], interactions=False):
        out.extend(fl(CustomerGraph.from_dataset(ds, ds.customers[0].id)))
    return jsonable(sort_flags(out))


def customers(st: Store, max_cost: int = DEFAULT_MAX_COST) -> list[dict[str, Any]]:
    """One object per customer: id, name, key persons, company coverage, exposed count,
    and deal health (docs/spec.md §4.8.2): ``health`` = the worst health of its
    open projects (null without one), ``health_counts`` = open projects per health."""
    from ..analysis.context import AnalysisContext
    from ..analysis.coverage import coverage as cov
    from ..analysis.exposure import exposure as exp
    from ..analysis.health import customer_health

    names = {c.id: c for c in st.customers()}
    out = []
    for ds in st.iter_customer_graphs(list(names), interactions=False):
        cid = ds.customers[0].id
        cg = CustomerGraph.from_dataset(ds, cid)
        ctx = AnalysisContext(cg, max_cost)
        c = cov(ctx, max_cost=max_cost)
        x = exp(ctx, max_cost=max_cost)
        worst, counts = customer_health(ctx, max_cost=max_cost)
        out.append(
            {
                "id": cid,
                "name": names[cid].name,
                "key_persons": len(cg.persons),
                "decision_makers": len(c.members),
                "coverage": c.coverage,
                "weighted_coverage": c.weighted_coverage,
                "exposed": len(x.exposed),
                "health": worst,
                "health_counts": counts,
            }
        )
    return sorted(out, key=lambda r: r["id"])

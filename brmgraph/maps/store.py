"""Build a map straight from a store."""

from __future__ import annotations

from datetime import date
from typing import Any

from ..analysis.rules import DEFAULT_MAX_COST
from ..errors import BadArgument, NotFound
from ..graph import CustomerGraph, Perspective
from .kinds import check_ours, company_map, competitor_map, customer_map, project_map
from .result import RelationshipMap

MAP_KINDS = ("customer", "project", "company", "competitor")


def map_from_store(
    store: Any,
    kind: str,
    ident: str | None = None,
    perspective: str | Perspective | None = None,
    *,
    today: date | None = None,
    max_cost: int = DEFAULT_MAX_COST,
    focus: str | None = None,
    aggregate: bool | None = None,
    lang: str | None = None,
) -> RelationshipMap:
    """Build one of the four maps from a :class:`~brmgraph.store.base.Store`.

    ``kind`` is ``customer`` (ident = customer id), ``project`` (project id), ``company``
    (no ident) or ``competitor`` (competitor id). Unknown ids raise NotFound.
    ``aggregate`` (company and competitor maps): one node per customer; None decides by
    the number of customers.
    """
    from ..analysis.paths import check_perspective

    if kind not in MAP_KINDS:
        raise BadArgument(f"unknown map kind {kind!r}; use one of {', '.join(MAP_KINDS)}")
    if (kind == "company") == bool(ident):
        raise BadArgument(f"the {kind} map takes {'no id' if kind == 'company' else 'an id'}, got {ident!r}")
    oid = ident or ""  # the id of a customer, project or competitor map (given, checked above)
    employees = store.employees()
    competitors = store.competitors()
    if kind == "competitor":
        if perspective not in (None, "") and str(perspective) != f"competitor:{ident}":
            raise BadArgument(f"the competitor map is drawn from the perspective competitor:{ident}, not {perspective}")
        comp = next((k for k in competitors if k.id == ident), None)
        if comp is None:
            raise NotFound(f"unknown competitor {ident!r}")
        staff = [s for s in store.competitor_staff() if s.competitor == ident]
        cgs = [CustomerGraph.from_dataset(ds, ds.customers[0].id) for ds in store.iter_customer_graphs()]
        return competitor_map(cgs, oid, staff=staff, competitor_name=comp.name or ident, today=today, max_cost=max_cost, aggregate=aggregate, lang=lang)
    p = check_perspective(perspective or "company", employees, competitors)
    if kind == "customer":
        ds = store.customer_graph(oid)
        return customer_map(CustomerGraph.from_dataset(ds, oid), p, today=today, max_cost=max_cost, focus=focus, lang=lang)
    if kind == "project":
        j = store.project(oid)
        ds = store.customer_graph(j.customer)
        return project_map(CustomerGraph.from_dataset(ds, j.customer), oid, p, today=today, max_cost=max_cost, lang=lang)
    check_ours(p, "company")
    cgs = [CustomerGraph.from_dataset(ds, ds.customers[0].id) for ds in store.iter_customer_graphs()]
    return company_map(cgs, p, employees=employees, today=today, max_cost=max_cost, aggregate=aggregate, lang=lang)


"""Build a map from a store: the data come from :func:`brmgraph.service.questions.map_data`
(the service opens the store and loads the graphs), this module only draws them."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from ..service.questions import MAP_KINDS, MapData, map_data
from .kinds import check_ours, company_map, competitor_map, customer_map, project_map
from .result import RelationshipMap

if TYPE_CHECKING:
    from ..graph import Perspective

__all__ = ["MAP_KINDS", "draw", "map_from_store"]


def draw(
    data: MapData, *, focus: str | None = None, aggregate: bool | None = None, lang: str | None = None
) -> RelationshipMap:
    """The map of ``data`` (see :func:`map_from_store` for the arguments)."""
    common: dict[str, Any] = {"today": data.today, "max_cost": data.max_cost, "lang": lang}
    if data.kind == "customer":
        return customer_map(data.graphs[0], data.perspective, focus=focus, **common)
    if data.kind == "project":
        assert data.project is not None
        return project_map(data.graphs[0], data.project.id, data.perspective, **common)
    if data.kind == "competitor":
        assert data.competitor is not None
        comp = data.competitor
        return competitor_map(data.graphs, comp.id, staff=data.staff, competitor_name=comp.name or comp.id,
                              aggregate=aggregate, **common)
    check_ours(data.perspective, "company")
    return company_map(data.graphs, data.perspective, employees=data.employees, aggregate=aggregate, **common)


def map_from_store(
    store: Any,
    kind: str,
    ident: str | None = None,
    perspective: str | Perspective | None = None,
    *,
    today: date | None = None,
    max_cost: int | None = None,
    focus: str | None = None,
    aggregate: bool | None = None,
    lang: str | None = None,
    as_of: str | None = None,
) -> RelationshipMap:
    """Build one of the four maps from a store (an open :class:`~brmgraph.store.Store` or
    a URL).

    ``kind`` is ``customer`` (ident = customer id), ``project`` (project id), ``company``
    (no ident) or ``competitor`` (competitor id). Unknown ids raise NotFound.
    ``aggregate`` (company and competitor maps): one node per customer; None decides by
    the number of customers.
    """
    data = map_data(store, kind, ident, perspective, max_cost=max_cost, today=today, as_of=as_of)
    return draw(data, focus=focus, aggregate=aggregate, lang=lang)

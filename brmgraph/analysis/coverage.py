"""Decision-chain coverage (docs/spec.md §4.3).

Decision makers of a project are the key persons in its ``decision_chain`` (whatever the
project's status); of a customer, the union over its OPEN projects plus every key person
with ``veto`` or ``approver`` = ``yes``.

For each decision maker ``d`` under a perspective:

* ``direct`` — some source of the perspective has an influence edge straight to ``d``
  (even when a cheaper indirect path exists, and even when ``d`` opposes us);
* ``indirect`` — otherwise, the best path costs at most ``max_cost`` (default 4);
* ``none`` — otherwise.

``cost``/``path`` are always the best path of §4.2 (null and ``[]`` when there is none).
``coverage`` is the share of decision makers that are not ``none``; ``weighted_coverage``
weighs a decision maker with ``veto`` or ``approver`` = ``yes`` 3, others 1. Both are null
when there are no decision makers. The values are not rounded.

Decisions on open points: ``scope`` is ``{"customer": C}`` or ``{"project": J}``;
members are sorted by person id; a person listed twice in a chain counts once;
``max_cost`` must be >= 0 (BadArgument otherwise).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, model_serializer

from ..errors import BadArgument, NotFound
from ..graph import COMPANY, CustomerGraph, Perspective
from .context import AnalysisContext, context_of
from .paths import PathResult
from .rules import DEFAULT_MAX_COST, Status, coverage_status, is_covered, is_veto_or_approver, weight, weighted_share

__all__ = ["MemberCoverage", "CoverageResult", "coverage", "decision_makers", "status_of", "is_weighty"]


class MemberCoverage(BaseModel):
    person: str
    status: Status
    cost: int | None = None
    path: list[str] = []


class CoverageResult(BaseModel):
    scope: dict
    perspective: str
    max_cost: int
    coverage: float | None = None
    weighted_coverage: float | None = None
    members: list[MemberCoverage] = []
    #: deal health of an open project (red / amber / green, docs/spec.md §4.8.2);
    #: null for a won or lost project; the key is only present in project scope
    health: str | None = None

    @model_serializer(mode="wrap")
    def _drop_health_outside_projects(self, handler: Any) -> Any:
        out = handler(self)
        if isinstance(out, dict) and "project" not in self.scope:
            out.pop("health", None)
        return out


def decision_makers(cg: CustomerGraph, project: str | None = None) -> list[str]:
    """Sorted decision makers of the customer (``project`` None) or of one project."""
    if project is None:
        return cg.decision_makers()
    if project not in cg.projects:
        raise NotFound(f"unknown project {project!r} at customer {cg.id!r}")
    return cg.project_decision_makers(project)


def is_weighty(cg: CustomerGraph, person: str) -> bool:
    """True when the person holds a veto or is a sole approver (weight 3)."""
    return is_veto_or_approver(cg.persons[person])


def status_of(cg: CustomerGraph, person: str, sources: set[str], best: PathResult, max_cost: int) -> Status:
    """Coverage status of one person given the perspective's sources and its best path."""
    return coverage_status(any(cg.has_arc(s, person) for s in sources), best.cost, max_cost)


def coverage(
    cg: CustomerGraph | AnalysisContext,
    perspective: Perspective = COMPANY,
    *,
    project: str | None = None,
    max_cost: int = DEFAULT_MAX_COST,
) -> CoverageResult:
    """Coverage of the customer's (or one project's) decision makers under ``perspective``.
    Pass an :class:`AnalysisContext` to reuse its searches."""
    if max_cost < 0:
        raise BadArgument(f"max cost must be >= 0, not {max_cost}")
    ctx = context_of(cg, max_cost)
    g = ctx.cg
    dms = decision_makers(g, project)
    paths = ctx.paths(perspective)
    members: list[MemberCoverage] = []
    for d in dms:
        bp = paths[d]
        members.append(
            MemberCoverage(person=d, status=ctx.status(d, perspective, max_cost), cost=bp.cost, path=list(bp.path))
        )
    cov, wcov = weighted_share(
        {m.person: weight(g.persons[m.person]) for m in members}, [m.person for m in members if is_covered(m.status)]
    )
    scope = {"customer": g.id} if project is None else {"project": project}
    deal = None
    if project is not None:
        from .health import health

        deal = health(ctx, project, max_cost=max_cost)
    return CoverageResult(
        scope=scope,
        perspective=str(perspective),
        max_cost=max_cost,
        coverage=cov,
        weighted_coverage=wcov,
        members=members,
        health=deal,
    )

"""Decision-chain coverage (SPEC §4.3).

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

from typing import Literal

from pydantic import BaseModel

from ..errors import BadArgument, NotFound
from ..graph import COMPANY, CustomerGraph, Perspective
from .paths import PathResult, best_paths

__all__ = ["MemberCoverage", "CoverageResult", "coverage", "decision_makers", "status_of", "is_weighty"]

Status = Literal["direct", "indirect", "none"]


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


def decision_makers(cg: CustomerGraph, project: str | None = None) -> list[str]:
    """Sorted decision makers of the customer (``project`` None) or of one project."""
    if project is None:
        return cg.decision_makers()
    if project not in cg.projects:
        raise NotFound(f"unknown project {project!r} at customer {cg.id!r}")
    return cg.project_decision_makers(project)


def is_weighty(cg: CustomerGraph, person: str) -> bool:
    """True when the person holds a veto or is a sole approver (weight 3)."""
    p = cg.persons[person]
    return p.veto.value == "yes" or p.approver.value == "yes"


def status_of(cg: CustomerGraph, person: str, sources: set[str], best: PathResult, max_cost: int) -> Status:
    """Coverage status of one person given the perspective's sources and its best path."""
    if any(cg.has_arc(s, person) for s in sources):
        return "direct"
    if best.cost is not None and best.cost <= max_cost:
        return "indirect"
    return "none"


def coverage(
    cg: CustomerGraph,
    perspective: Perspective = COMPANY,
    *,
    project: str | None = None,
    max_cost: int = 4,
) -> CoverageResult:
    """Coverage of the customer's (or one project's) decision makers under ``perspective``."""
    if max_cost < 0:
        raise BadArgument(f"max cost must be >= 0, not {max_cost}")
    dms = decision_makers(cg, project)
    sources = cg.sources(perspective)
    paths = best_paths(cg, perspective, sources=sources)
    members: list[MemberCoverage] = []
    for d in dms:
        bp = paths[d]
        members.append(
            MemberCoverage(person=d, status=status_of(cg, d, sources, bp, max_cost), cost=bp.cost, path=list(bp.path))
        )
    cov = wcov = None
    if members:
        covered = [m for m in members if m.status != "none"]
        cov = len(covered) / len(members)
        weight = {m.person: (3 if is_weighty(cg, m.person) else 1) for m in members}
        wcov = sum(weight[m.person] for m in covered) / sum(weight.values())
    scope = {"customer": cg.id} if project is None else {"project": project}
    return CoverageResult(
        scope=scope,
        perspective=str(perspective),
        max_cost=max_cost,
        coverage=cov,
        weighted_coverage=wcov,
        members=members,
    )

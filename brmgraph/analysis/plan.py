"""``plan``: the next relationships to build (docs/spec.md §4.8.1).

A *step* gives one key person ``p`` of the customer a new direct influence tie, at a
chosen strength (cost 1, 2 or 3), from the perspective's staff; only persons with no
direct tie from those staff yet are candidates. Its *gain* is the increase in weighted
covered decision makers of the scope (weights and "covered" as in coverage, the relay
rule included: a tie to an opposing key person covers that person only).

Greedy: each step takes the candidate with the largest gain (ties: smallest id) given
the steps before it, and the plan stops after ``k`` steps or when no candidate has a
positive gain. Each step names the employee best placed to build the tie: among the
perspective's employees, the one with the cheapest existing path to ``p`` from that
employee alone (relay rule; ties: smallest id); when none reaches ``p``, the one with the
most key persons of the customer tied directly from them (ties: smallest id). The tie of
a step is then the influence ``employee → p`` at the chosen strength, and the later steps
(gains and employee choice) see it as existing.

How it is computed: a tie from any source behaves like a tie from a virtual source, so
the new cost of a decision maker ``d`` is ``min(old, c + dist(p, d))``. One reverse
search per still-uncovered decision maker (over the arcs backwards, with the relay rule)
gives ``dist(p, d)`` for every candidate ``p`` at once; one more reverse search from the
chosen ``p`` names the employee. No search per (person, decision maker) pair.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable

from pydantic import BaseModel

from ..errors import BadArgument, NotFound
from ..graph import STRENGTH_COST, CustomerGraph, Perspective, PerspectiveKind
from ..model import Employee, Influence, Strength
from .context import AnalysisContext
from .coverage import decision_makers
from .rules import DEFAULT_MAX_COST, is_covered, weight, weighted_share

__all__ = ["PlanStep", "PlanBefore", "PlanResult", "plan", "perspective_employees", "reverse_costs"]


class PlanBefore(BaseModel):
    coverage: float | None
    weighted_coverage: float | None


class PlanStep(BaseModel):
    person: str
    employee: str | None
    gain: int
    newly_covered: list[str]
    coverage: float | None
    weighted_coverage: float | None


class PlanResult(BaseModel):
    scope: dict
    perspective: str
    max_cost: int
    strength: str
    before: PlanBefore
    steps: list[PlanStep]


def perspective_employees(perspective: Perspective, employees: Iterable[Employee]) -> list[Employee]:
    """The employees of an *our* perspective among ``employees`` (all of the store), by id."""
    kind = perspective.kind
    if kind is PerspectiveKind.company:
        out = list(employees)
    elif kind is PerspectiveKind.team:
        out = [e for e in employees if e.team == perspective.value]
    elif kind is PerspectiveKind.individual:
        out = [e for e in employees if e.id == perspective.value]
    else:
        raise BadArgument(f"plan builds our relationships: perspective {str(perspective)!r} is not ours")
    return sorted(out, key=lambda e: e.id)


def reverse_costs(cg: CustomerGraph, target: str, blocked: set[str], cutoff: int | None = None) -> dict[str, int]:
    """Cheapest cost of a path from every node to ``target`` (``target`` itself 0) in which
    no node other than its two ends is in ``blocked``. Nodes in ``blocked`` are reported
    (they may start a path) but not passed through. Costs above ``cutoff`` are left out."""
    pred: dict[str, list[tuple[str, int]]] = {}
    for u, nbrs in cg.succ.items():
        for v, c in nbrs.items():
            pred.setdefault(v, []).append((u, c))
    dist = {target: 0}
    heap = [(0, target)]
    done: set[str] = set()
    while heap:
        d, v = heapq.heappop(heap)
        if v in done:
            continue
        done.add(v)
        if v != target and v in blocked:
            continue  # may start a path to target, never relay one
        for u, c in pred.get(v, ()):
            nd = d + c
            if cutoff is not None and nd > cutoff:
                continue
            if u not in dist or nd < dist[u]:
                dist[u] = nd
                heapq.heappush(heap, (nd, u))
    return dist


def _with_tie(cg: CustomerGraph, employee: Employee, person: str, strength: Strength) -> CustomerGraph:
    """``cg`` plus the influence ``employee → person`` (rebuilt the one way graphs are built)."""
    from .whatif import dataset_of

    ds = dataset_of(cg)
    if employee.id not in cg.employees:
        ds.employees.append(employee)
    ds.influences.append(Influence(source=employee.id, target=person, strength=strength))
    return CustomerGraph.from_dataset(ds, cg.id)


def _employee_for(cg: CustomerGraph, person: str, staff: list[Employee]) -> str | None:
    if not staff:
        return None
    blocked = cg.blocked_relays(Perspective("company"))
    dist = reverse_costs(cg, person, blocked)
    reached = [(dist[e.id], e.id) for e in staff if e.id in dist and e.id != person]
    if reached:
        return min(reached)[1]
    ties = {e.id: len({v for v in cg.succ.get(e.id, {}) if v in cg.persons}) for e in staff}
    return min(ties, key=lambda e: (-ties[e], e))


def plan(
    cg: CustomerGraph,
    perspective: Perspective,
    *,
    project: str | None = None,
    k: int = 3,
    strength: Strength | str = Strength.strong,
    max_cost: int = DEFAULT_MAX_COST,
    employees: Iterable[Employee] | None = None,
) -> PlanResult:
    """The greedy plan of up to ``k`` new ties (see the module docstring).

    ``employees`` are the perspective's candidates to name (default: the perspective's
    employees with an edge into the customer); the CLI passes every employee of the
    store, so that someone new to the customer can be named.
    """
    if k < 0:
        raise BadArgument(f"k must be >= 0, not {k}")
    if max_cost < 0:
        raise BadArgument(f"max cost must be >= 0, not {max_cost}")
    strength = Strength.parse(strength) if not isinstance(strength, Strength) else strength
    staff = perspective_employees(perspective, cg.employees.values() if employees is None else employees)
    if perspective.kind is PerspectiveKind.individual and not staff:
        raise NotFound(f"unknown employee {perspective.value!r} in perspective {str(perspective)!r}")
    c = STRENGTH_COST[strength]
    dms = decision_makers(cg, project)
    weights = {d: weight(cg.persons[d]) for d in dms}

    def covered_set(g: CustomerGraph) -> set[str]:
        ctx = AnalysisContext(g, max_cost)
        srcs = g.sources(perspective)
        return {d for d in dms if is_covered(ctx.status_from(d, srcs, True, max_cost))}

    covered = covered_set(cg)
    cov, wcov = weighted_share(weights, covered)
    steps: list[PlanStep] = []
    g = cg
    for _ in range(k):
        srcs = g.sources(perspective)
        blocked = g.blocked_relays(perspective)
        candidates = [p for p in sorted(g.persons) if not any(g.has_arc(s, p) for s in srcs)]
        if not candidates:
            break
        gains: dict[str, set[str]] = {p: set() for p in candidates}
        for d in dms:
            if d in covered:
                continue
            if d in gains:
                gains[d].add(d)  # a direct tie always covers its person
            for p, _dist in reverse_costs(g, d, blocked, cutoff=max_cost - c).items():
                if p in gains and p != d and p not in blocked:
                    gains[p].add(d)
        best = min(candidates, key=lambda p: (-sum(weights[d] for d in gains[p]), p))
        gain = sum(weights[d] for d in gains[best])
        if gain <= 0:
            break
        who = _employee_for(g, best, staff)
        if who is None:
            break
        g = _with_tie(g, next(e for e in staff if e.id == who), best, strength)
        newly = covered_set(g) - covered
        covered |= newly
        cov, wcov2 = weighted_share(weights, covered)
        steps.append(
            PlanStep(
                person=best,
                employee=who,
                gain=gain,
                newly_covered=sorted(newly),
                coverage=cov,
                weighted_coverage=wcov2,
            )
        )
    before_cov, before_w = weighted_share(weights, covered_set(cg))
    return PlanResult(
        scope={"customer": cg.id} if project is None else {"project": project},
        perspective=str(perspective),
        max_cost=max_cost,
        strength=strength.value,
        before=PlanBefore(coverage=before_cov, weighted_coverage=before_w),
        steps=steps,
    )


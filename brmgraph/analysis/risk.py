"""``risk``: our side's key-person risk (docs/spec.md §4.8.4).

For each employee, the flags (§4.4) that would be new if they left: exactly the ``"new"``
records of ``whatif --without EMPLOYEE`` over every customer, computed in ONE pass over
the customers instead of one pass per employee.

Per customer, only employees with an edge into it can change its flags, and removing an
employee can only take paths away. A veto holder ``d`` of an open project's chain who is
covered today (company perspective) becomes ``UNCOVERED`` without employee ``e`` only if
``e`` is the sole employee with a direct tie to ``d``, or — when nobody has one — ``e`` is
the first node of ``d``'s best path (any other best path keeps its cost without ``e``).
So each such ``d`` names at most one candidate, and only the candidates' removals are
analysed, each with the same :func:`~brmgraph.analysis.exposure.flags` on the graph
without that employee.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel

from ..graph import COMPANY, CustomerGraph
from ..model import Dataset, Employee
from .context import AnalysisContext
from .exposure import Flag, diff_flags, flags, sort_flags
from .rules import DEFAULT_MAX_COST, is_covered
from .whatif import without_employee

__all__ = ["RiskEntry", "RiskResult", "risk", "customer_risk", "candidates"]


class RiskEntry(BaseModel):
    employee: str
    name: str
    team: str
    count: int
    flags: list[Flag]


class RiskResult(BaseModel):
    max_cost: int
    employees: list[RiskEntry]


def candidates(ctx: AnalysisContext) -> set[str]:
    """Employees whose removal could make a new flag at this customer (see module doc)."""
    cg = ctx.cg
    sources = cg.sources(COMPANY)
    out: set[str] = set()
    for j in cg.open_projects():
        for d in cg.project_decision_makers(j.id):
            if cg.persons[d].veto.value != "yes" or not is_covered(ctx.status(d, COMPANY)):
                continue
            direct = [s for s in sources if cg.has_arc(s, d)]
            if len(direct) == 1:
                out.add(direct[0])
            elif not direct:
                path = ctx.best(d, COMPANY).path
                if path:
                    out.add(path[0])
    return out


def customer_risk(cg: CustomerGraph, *, max_cost: int = DEFAULT_MAX_COST) -> dict[str, list[Flag]]:
    """New flags per employee at one customer (employees without any left out)."""
    ctx = AnalysisContext(cg, max_cost)
    before = flags(ctx, max_cost=max_cost)
    out: dict[str, list[Flag]] = {}
    for e in sorted(candidates(ctx)):
        new = [f for f in diff_flags(before, flags(without_employee(cg, e), max_cost=max_cost)) if f.change == "new"]
        if new:
            out[e] = [Flag(project=f.project, customer=f.customer, person=f.person, reasons=f.reasons) for f in new]
    return out


def risk(
    datasets: Iterable[Dataset], employees: Iterable[Employee], *, max_cost: int = DEFAULT_MAX_COST
) -> RiskResult:
    """Every employee of ``employees`` with the flags that would be new if they left,
    over the customers of ``datasets`` (customer sub-graphs); sorted by count (most
    first), then employee id."""
    found: dict[str, list[Flag]] = {}
    for ds in datasets:
        cid = ds.customers[0].id
        for e, fl in customer_risk(CustomerGraph.from_dataset(ds, cid), max_cost=max_cost).items():
            found.setdefault(e, []).extend(fl)
    entries = [
        RiskEntry(employee=e.id, name=e.name, team=e.team, count=len(found.get(e.id, [])),
                  flags=sort_flags(found.get(e.id, [])))
        for e in employees
    ]
    entries.sort(key=lambda r: (-r.count, r.employee))
    return RiskResult(max_cost=max_cost, employees=entries)

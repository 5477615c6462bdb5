"""Deal health of an open project (docs/spec.md §4.8.2).

* ``red`` — a veto holder or approver of the project's decision chain has the reason
  ``UNCOVERED`` or ``OPPOSED`` (project-scope exposure, §4.4);
* ``green`` — otherwise, when no decision maker of the chain is exposed and at least one
  of them has closeness ``support`` or ``strong_support``;
* ``amber`` — otherwise.

A project that is not open (won, lost) has no health (``None``). Exposure is always the
company view, with the caller's ``max_cost`` behind ``UNCOVERED``, so a project's health
does not depend on the perspective of the coverage it is shown with.

>>> from brmgraph.model import Dataset
>>> from brmgraph.graph import CustomerGraph
>>> ds = Dataset.model_validate({
...     "customers": [{"id": "C1"}],
...     "key_persons": [{"id": "P1", "customer": "C1", "veto": "yes", "closeness": "support"}],
...     "employees": [{"id": "E1"}],
...     "influences": [{"source": "E1", "target": "P1"}],
...     "projects": [{"id": "J1", "customer": "C1", "decision_chain": [{"person": "P1"}]}]})
>>> health(CustomerGraph.from_dataset(ds, "C1"), "J1")
'green'
"""

from __future__ import annotations

from typing import Literal

from ..graph import CustomerGraph
from .context import AnalysisContext, context_of
from .exposure import exposure
from .rules import DEFAULT_MAX_COST

__all__ = ["HEALTH", "Health", "health", "customer_health", "RED_REASONS", "SUPPORTIVE"]

Health = Literal["red", "amber", "green"]
#: the health values, worst first
HEALTH: tuple[str, ...] = ("red", "amber", "green")
#: reasons that make a veto holder or approver turn the deal red
RED_REASONS = frozenset({"UNCOVERED", "OPPOSED"})
#: closeness values that count as support for green
SUPPORTIVE = frozenset({"support", "strong_support"})


def health(cg: CustomerGraph | AnalysisContext, project: str, *, max_cost: int = DEFAULT_MAX_COST) -> Health | None:
    """``red`` / ``amber`` / ``green`` for an open project, ``None`` for a won or lost one."""
    ctx = context_of(cg, max_cost)
    g = ctx.cg
    exp = exposure(ctx, project=project, max_cost=max_cost)  # checks the project exists
    if g.projects[project].status.value != "open":
        return None
    if any(RED_REASONS.intersection(e.reasons) for e in exp.exposed):
        return "red"
    chain = g.project_decision_makers(project)
    if not exp.exposed and any(g.persons[d].closeness.value in SUPPORTIVE for d in chain):
        return "green"
    return "amber"


def customer_health(
    cg: CustomerGraph | AnalysisContext, *, max_cost: int = DEFAULT_MAX_COST
) -> tuple[Health | None, dict[str, int]]:
    """The worst health of the customer's open projects (``None`` without one) and how
    many open projects have each health."""
    ctx = context_of(cg, max_cost)
    deals = [h for j in sorted(ctx.cg.projects) if (h := health(ctx, j, max_cost=max_cost)) is not None]
    counts = {h: sum(d == h for d in deals) for h in HEALTH}
    worst: Health | None = min(deals, key=HEALTH.index) if deals else None
    return worst, counts

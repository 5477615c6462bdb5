"""What the analysis says about one customer under one perspective, gathered for drawing."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from ..analysis.context import AnalysisContext
from ..graph import CustomerGraph, Perspective, Step


# --------------------------------------------------------------------------- facts
class Facts:
    """Everything the analysis modules say about one customer, under one perspective.

    Best paths (with their steps), coverage and exposure all come from one
    :class:`~brmgraph.analysis.context.AnalysisContext`; the maps decide nothing."""

    def __init__(
        self,
        cg: CustomerGraph,
        perspective: Perspective,
        *,
        today: date,
        max_cost: int,
        project: str | None = None,
        ctx: AnalysisContext | None = None,
        lang: str | None = None,
    ) -> None:
        from ..analysis.coverage import coverage
        from ..analysis.degrees import cooling, degrees
        from ..analysis.exposure import exposure
        from ..analysis.strategy import advice

        self.cg = cg
        from ..analysis.observed import observed_strengths

        #: strength of our ties as read from the interactions (docs/spec.md §4.8.5), where any
        self.observed = observed_strengths(cg, today)
        #: the map's language: None (English with Chinese, the default) or "en" (English only)
        self.lang = lang
        self.perspective = perspective
        self.max_cost = max_cost
        #: the customer's analysis context: each search runs once for the whole map
        self.ctx = ctx if ctx is not None else AnalysisContext(cg, max_cost)
        self.paths = self.ctx.paths(perspective)
        self.coverage = coverage(self.ctx, perspective, project=project, max_cost=max_cost)
        self.members = {m.person: m for m in self.coverage.members}
        self.exposure = exposure(self.ctx, project=project, max_cost=max_cost)
        self.exposed = {x.person: x.reasons for x in self.exposure.exposed}
        self.unassessed = set(self.exposure.unassessed)
        self.advice = {pid: advice(p) for pid, p in cg.persons.items()}
        self.degrees = degrees(cg, today)
        self.cooling = set(cooling(cg, today))
        self.by_person: dict[str, list] = defaultdict(list)
        self.by_employee: dict[str, list] = defaultdict(list)
        for d in self.degrees:
            self.by_person[d.person].append(d)
            self.by_employee[d.employee].append(d)
        self.roles: dict[str, list[str]] = defaultdict(list)
        for j in sorted(cg.projects.values(), key=lambda j: j.id):
            for m in j.decision_chain:
                self.roles[m.person].append(f"{j.id}: {m.role or 'member'}")

    def steps(self, person: str) -> list[Step]:
        """The steps of the perspective's best path to ``person`` ([] when there is none)."""
        res = self.paths.get(person)
        return list(res.steps) if res is not None else []

    def reached(self) -> list[str]:
        """Decision makers whose coverage status is not ``none``."""
        return [m.person for m in self.coverage.members if m.status != "none"]

"""One customer's analysis context: every multi-source search run at most once.

:class:`AnalysisContext` wraps a :class:`~brmgraph.graph.CustomerGraph` and caches the
best-path labels of each source set it is asked about (our perspectives with the relay
rule, competitor sets without it). ``coverage``, ``exposure``, ``flags``, ``report`` and
the maps accept a context instead of a graph, so a report or a map runs the company-wide
search once per customer, not once per table.

>>> from brmgraph.model import Dataset
>>> from brmgraph.graph import CustomerGraph, COMPANY
>>> ds = Dataset.model_validate({
...     "customers": [{"id": "C1"}],
...     "key_persons": [{"id": "P1", "customer": "C1", "veto": "yes", "closeness": "support"},
...                     {"id": "P2", "customer": "C1"}],
...     "employees": [{"id": "E1"}],
...     "influences": [{"source": "E1", "target": "P2", "strength": "weak"},
...                    {"source": "P2", "target": "P1", "strength": "weak"}]})
>>> ctx = AnalysisContext(CustomerGraph.from_dataset(ds, "C1"))
>>> ctx.status("P1", COMPANY), ctx.best("P1", COMPANY).cost
('none', 6)
>>> ctx.reasons("P1", None)
['UNCOVERED']
>>> ctx.status("P1", COMPANY, max_cost=6)
'indirect'
"""

from __future__ import annotations

from collections.abc import Iterable

from ..graph import ALL_COMPETITORS, COMPANY, CustomerGraph, Perspective
from ..labels import Reason
from .paths import Label, PathResult, path_result, shortest_costs, shortest_labels
from .rules import DEFAULT_MAX_COST, Status, competitor_closer, coverage_status

__all__ = ["AnalysisContext", "context_of"]


class AnalysisContext:
    """Cached searches over one customer graph. ``max_cost`` is the default budget for
    statuses and for the ``UNCOVERED`` exposure reason."""

    def __init__(self, cg: CustomerGraph, max_cost: int = DEFAULT_MAX_COST) -> None:
        self.cg = cg
        self.max_cost = max_cost
        self._labels: dict[tuple[frozenset[str], bool], dict[str, Label]] = {}
        self._costs: dict[tuple[frozenset[str], bool], dict[str, int]] = {}
        self._paths: dict[Perspective, dict[str, PathResult]] = {}

    # ------------------------------------------------------------------ searches
    def labels_from(self, sources: Iterable[str], relay_rule: bool) -> dict[str, Label]:
        """Best labels from ``sources``; ``relay_rule`` blocks opposing key persons as
        intermediates (our perspectives), competitors search without it."""
        key = (frozenset(sources), relay_rule)
        labels = self._labels.get(key)
        if labels is None:
            blocked: set[str] | frozenset[str] = self.cg.blocked_relays(COMPANY) if relay_rule else frozenset()
            labels = self._labels[key] = shortest_labels(self.cg, key[0], blocked)
        return labels

    def costs_from(self, sources: Iterable[str], relay_rule: bool) -> dict[str, int]:
        """Best path costs from ``sources`` (the costs of :meth:`labels_from`, from its
        cache when it ran, else from a search that keeps no paths)."""
        key = (frozenset(sources), relay_rule)
        costs = self._costs.get(key)
        if costs is None:
            labels = self._labels.get(key)
            if labels is not None:
                costs = {v: lab[0] for v, lab in labels.items()}
            else:
                blocked: set[str] | frozenset[str] = self.cg.blocked_relays(COMPANY) if relay_rule else frozenset()
                costs = shortest_costs(self.cg, key[0], blocked)
            self._costs[key] = costs
        return costs

    def labels(self, perspective: Perspective) -> dict[str, Label]:
        return self.labels_from(self.cg.sources(perspective), perspective.ours)

    def paths(self, perspective: Perspective) -> dict[str, PathResult]:
        """Best path (with steps) to every key person under ``perspective``, by id."""
        out = self._paths.get(perspective)
        if out is None:
            labels = self.labels(perspective)
            out = self._paths[perspective] = {
                pid: path_result(self.cg, pid, perspective, labels.get(pid)) for pid in sorted(self.cg.persons)
            }
        return out

    def best(self, person: str, perspective: Perspective) -> PathResult:
        return self.paths(perspective)[person]

    def cost(self, person: str, perspective: Perspective) -> int | None:
        return self.costs_from(self.cg.sources(perspective), perspective.ours).get(person)

    # ------------------------------------------------------------------ rules applied
    def direct(self, person: str, sources: Iterable[str]) -> bool:
        """Some source has an influence edge straight to ``person``."""
        has_arc = self.cg.has_arc
        return any(has_arc(s, person) for s in sources)

    def status_from(self, person: str, sources: Iterable[str], relay_rule: bool, max_cost: int | None = None) -> Status:
        srcs = frozenset(sources)
        return coverage_status(
            self.direct(person, srcs), self.costs_from(srcs, relay_rule).get(person),
            self.max_cost if max_cost is None else max_cost,
        )

    def status(self, person: str, perspective: Perspective, max_cost: int | None = None) -> Status:
        """Coverage status of ``person`` under ``perspective`` (docs/spec.md §4.3)."""
        return self.status_from(person, self.cg.sources(perspective), perspective.ours, max_cost)

    def competitor_cost(self, person: str, competitor_ids: Iterable[str] | None) -> int | None:
        """Cheapest path cost from the staff of ``competitor_ids`` (all when empty), no relay rule."""
        return self.costs_from(self.cg.competitor_sources(sorted(set(competitor_ids or ()))), False).get(person)

    def competitor_paths(self, competitor_ids: Iterable[str] | None) -> dict[str, PathResult]:
        """Best competitor paths to every key person (all competitors when ``competitor_ids`` is empty)."""
        ids = tuple(sorted(set(competitor_ids or ())))
        if not ids:
            return self.paths(ALL_COMPETITORS)
        label = Perspective("competitor", ",".join(ids))
        out = self._paths.get(label)
        if out is None:
            labels = self.labels_from(self.cg.competitor_sources(ids), False)
            out = self._paths[label] = {
                pid: path_result(self.cg, pid, label, labels.get(pid)) for pid in sorted(self.cg.persons)
            }
        return out

    def reasons(self, person: str, competitor_ids: Iterable[str] | None, max_cost: int | None = None) -> list[str]:
        """Exposure reasons of ``person`` in table order (docs/spec.md §4.4), whatever its
        veto / approver; the competitors are the project's (all when empty)."""
        p = self.cg.persons[person]
        out: list[str] = []
        if self.status(person, COMPANY, max_cost) == "none":
            out.append(Reason.UNCOVERED.value)
        if p.closeness.opposing:
            out.append(Reason.OPPOSED.value)
        if p.closeness.value == "unknown":
            out.append(Reason.STANCE_UNKNOWN.value)
        if competitor_closer(self.cost(person, COMPANY), self.competitor_cost(person, competitor_ids)):
            out.append(Reason.COMPETITOR_CLOSER.value)
        return out


def context_of(cg_or_ctx: CustomerGraph | AnalysisContext, max_cost: int | None = None) -> AnalysisContext:
    """The context to use for a call that accepts either a graph or a context."""
    if isinstance(cg_or_ctx, AnalysisContext):
        return cg_or_ctx
    return AnalysisContext(cg_or_ctx, DEFAULT_MAX_COST if max_cost is None else max_cost)

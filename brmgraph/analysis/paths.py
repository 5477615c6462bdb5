"""Influence paths (docs/spec.md §4.2): the best path from a perspective to each key person.

The best path to a target is the one with the least total cost; among those, the fewest
arcs; among those, the lexicographically smallest list of node ids (plain string
comparison, element by element). Arc costs come from
:class:`~brmgraph.graph.CustomerGraph` and nowhere else.

How it is computed: ONE multi-source Dijkstra per (customer, perspective). Every source
starts with the label ``(0, 0, (source,))``; a label is ``(cost, hops, path)`` and labels
are compared as tuples (during the search a path is held as a predecessor link and only
rebuilt at the end, see :func:`shortest_labels`). This is exact, not a heuristic: extending two paths that end at
the same node by the same arc keeps their order (costs and hops add the same amounts; two
paths with equal hops have equal length, so appending one id keeps their lexicographic
order), so the first label settled at a node is its best path.

Decisions on points docs/spec.md §4.2 leaves open:

* **Relay rule.** In the individual, team and company perspectives a key person whose
  ``closeness`` is ``oppose`` or ``strong_oppose`` is settled (may be a target) but never
  expanded (never an intermediate). Competitor perspectives block nobody.
* **Sources.** Sources are staff (employees or competitor staff). A source is never its
  own target. If a caller passes key persons as ``sources`` they are origins at cost 0
  (expanded even if opposing, because an origin is not an intermediate) and their own
  result is "no path".
* **Perspective values that match nobody** (an employee, team or competitor with no edge
  into this customer) give an empty source set and therefore no paths; checking that an
  id exists at all is the caller's job (the service checks against the store, see
  :func:`brmgraph.service.scope.check_perspective`).
* ``hops`` is the number of arcs (``len(path) - 1``); "no path" is
  ``cost=None, hops=None, path=[], steps=[]``.
* ``steps`` explains each arc of ``path``: ``{"from", "to", "kind", "cost"}`` where
  ``kind`` is the edge that sets the arc's cost (:meth:`CustomerGraph.arc_kind`).

>>> from brmgraph.model import Dataset
>>> from brmgraph.graph import CustomerGraph, COMPANY
>>> ds = Dataset.model_validate({
...     "customers": [{"id": "C1"}],
...     "key_persons": [{"id": "P1", "customer": "C1"}, {"id": "P2", "customer": "C1"}],
...     "employees": [{"id": "E1"}],
...     "influences": [{"source": "E1", "target": "P2", "strength": "strong"},
...                    {"source": "P2", "target": "P1", "strength": "medium"}]})
>>> cg = CustomerGraph.from_dataset(ds, "C1")
>>> r = best_path(cg, "P1", COMPANY).model_dump(mode="json")
>>> r["cost"], r["hops"], r["path"]
(3, 2, ['E1', 'P2', 'P1'])
>>> r["steps"][1]
{'from': 'P2', 'to': 'P1', 'kind': 'influences_internal', 'cost': 2}
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable

from pydantic import BaseModel

from ..errors import NotFound
from ..graph import CustomerGraph, Perspective, Step

__all__ = [
    "PathResult", "Step", "best_paths", "best_path", "path_result", "shortest_costs", "shortest_labels"
]


class PathResult(BaseModel):
    """The best path to ``target`` under ``perspective`` (the docs/spec.md §5 ``path --json`` shape)."""

    target: str
    perspective: str
    cost: int | None = None
    hops: int | None = None
    path: list[str] = []
    steps: list[Step] = []

    @property
    def found(self) -> bool:
        return self.cost is not None


Label = tuple[int, int, tuple[str, ...]]


def shortest_labels(cg: CustomerGraph, sources: Iterable[str], blocked: set[str] | frozenset[str] = frozenset()) -> dict[str, Label]:
    """Best label ``(cost, hops, path)`` of every node reachable from ``sources``.

    One multi-source Dijkstra. ``blocked`` nodes are settled but never expanded (unless
    they are sources). Sources themselves are not in the result.

    Memory is linear in the graph during the search: a label in flight is
    ``(cost, hops, node)`` with the node's predecessor kept aside, and paths are only
    rebuilt at the end (each from its predecessor's, so the result costs what it holds).
    Ties are broken exactly as with whole-path labels: two candidate paths to ``v`` with
    equal cost and hops come from settled predecessors at equal depth, whose paths are
    compared lexicographically by walking both predecessor chains back to where they
    meet (they form a tree). Among *different* nodes the pop order of equal
    ``(cost, hops)`` entries does not matter, because every arc costs at least 1.
    """
    succ = cg.succ
    srcs = sorted(set(sources))
    for s in srcs:
        if s not in succ:
            raise NotFound(f"unknown source {s!r} in customer {cg.id!r}")
    #: best (cost, hops) seen so far and the predecessor giving it (None for a source)
    best: dict[str, tuple[int, int]] = {}
    pred: dict[str, str | None] = {}
    settled: dict[str, None] = {}  # insertion-ordered: the settle order
    heap: list[tuple[int, int, str]] = []
    for s in srcs:
        best[s] = (0, 0)
        pred[s] = None
        heap.append((0, 0, s))
    heapq.heapify(heap)
    src_set = set(srcs)

    def path_less(a: str, b: str) -> bool:
        """Is the path of settled node ``a`` lexicographically smaller than that of
        settled node ``b`` (both the same number of arcs from a source)?"""
        while True:
            pa, pb = pred[a], pred[b]
            if pa == pb:  # the paths agree up to here (or both start here): a, b decide
                return a < b
            if pa is None or pb is None:  # pragma: no cover - same arc count: both start together
                return a < b
            a, b = pa, pb

    while heap:
        cost, hops, u = heapq.heappop(heap)
        if u in settled or best[u] != (cost, hops):
            continue
        settled[u] = None
        if u in blocked and u not in src_set:
            continue  # relay rule: may be a target, never an intermediate
        for v, arc_cost in succ[u].items():
            if v in settled:
                continue
            new = (cost + arc_cost, hops + 1)
            old = best.get(v)
            if old is None or new < old:
                best[v] = new
                pred[v] = u
                heapq.heappush(heap, (new[0], new[1], v))
            elif new == old and (pv := pred[v]) is not None and pv != u and path_less(u, pv):
                pred[v] = u  # same cost and hops, smaller path: same heap entry stands
    # rebuild the paths in settle order: a predecessor is always settled before its node
    paths: dict[str, tuple[str, ...]] = {}
    out: dict[str, Label] = {}
    for v in settled:
        p = pred[v]
        path = (v,) if p is None else paths[p] + (v,)
        paths[v] = path
        if v not in src_set:
            c, h = best[v]
            out[v] = (c, h, path)
    return out


def shortest_costs(cg: CustomerGraph, sources: Iterable[str], blocked: set[str] | frozenset[str] = frozenset()) -> dict[str, int]:
    """The cost of the best label (:func:`shortest_labels`) of every node reachable from
    ``sources``: the same search under the same rules (``blocked`` nodes settled, never
    expanded unless sources; sources not in the result) without hops and paths, for
    what reads costs only (coverage statuses, the competitor comparison of ``flags``).
    The cost of the best label is the least cost of any allowed path, whatever the ties."""
    succ = cg.succ
    srcs = set(sources)
    for s in sorted(srcs):
        if s not in succ:
            raise NotFound(f"unknown source {s!r} in customer {cg.id!r}")
    best: dict[str, int] = dict.fromkeys(srcs, 0)
    heap: list[tuple[int, str]] = [(0, s) for s in srcs]
    heapq.heapify(heap)
    settled: dict[str, int] = {}
    pop, push = heapq.heappop, heapq.heappush
    while heap:
        cost, u = pop(heap)
        if u in settled:
            continue
        settled[u] = cost
        if u in blocked and u not in srcs:
            continue  # relay rule: may be a target, never an intermediate
        for v, arc_cost in succ[u].items():
            if v in settled:
                continue
            new = cost + arc_cost
            old = best.get(v)
            if old is None or new < old:
                best[v] = new
                push(heap, (new, v))
    for s in srcs:
        del settled[s]
    return settled


def path_result(cg: CustomerGraph, target: str, perspective: Perspective | str, lab: Label | None) -> PathResult:
    """The :class:`PathResult` for one label of :func:`shortest_labels` (``None``: no path)."""
    if lab is None:
        return PathResult(target=target, perspective=str(perspective), cost=None, hops=None, path=[])
    return PathResult(
        target=target,
        perspective=str(perspective),
        cost=lab[0],
        hops=lab[1],
        path=list(lab[2]),
        steps=cg.steps(lab[2]),
    )


def best_paths(
    cg: CustomerGraph,
    perspective: Perspective,
    sources: set[str] | None = None,
    blocked: set[str] | None = None,
) -> dict[str, PathResult]:
    """Best path (docs/spec.md §4.2) to every key person of ``cg``, keyed (and ordered) by id.

    ``sources`` defaults to ``cg.sources(perspective)``, ``blocked`` (nodes that may end a
    path but not relay one) to ``cg.blocked_relays(perspective)``. One multi-source
    Dijkstra for all targets.
    """
    if sources is None:
        sources = cg.sources(perspective)
    if blocked is None:
        blocked = cg.blocked_relays(perspective)
    labels = shortest_labels(cg, sources, blocked)
    return {pid: path_result(cg, pid, perspective, labels.get(pid)) for pid in sorted(cg.persons)}


def best_path(cg: CustomerGraph, target: str, perspective: Perspective) -> PathResult:
    """Best path to one key person; raises :class:`~brmgraph.errors.NotFound` for an unknown target."""
    if target not in cg.persons:
        raise NotFound(f"unknown key person {target!r} at customer {cg.id!r}")
    return best_paths(cg, perspective)[target]

"""The steps of a best path: which edge each arc travels and at what cost.

The maps never decide an arc's kind themselves; they read it from here, and this module
takes it from :class:`~brmgraph.graph.CustomerGraph`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..graph import (
    ARC_EXTERNAL,
    ARC_INTERNAL,
    ARC_REPORTS_DOWN,
    ARC_REPORTS_UP,
    CustomerGraph,
    _edges,
)

#: precedence among edges of equal cost on one arc (first wins)
ARC_KINDS = (ARC_REPORTS_DOWN, ARC_REPORTS_UP, ARC_INTERNAL, ARC_EXTERNAL)


@dataclass(frozen=True)
class Step:
    from_: str
    to: str
    kind: str
    cost: int


def steps_of(cg: CustomerGraph, path: list[str]) -> list[Step]:
    """One :class:`Step` per arc of ``path``: the kind of the cheapest edge behind it."""
    if len(path) < 2:
        return []
    want = set(zip(path, path[1:]))
    best: dict[tuple[str, str], tuple[int, int, str]] = {}
    for u, v, cost, kind in _edges(cg.persons, cg.employees, cg.staff, cg.influences):
        if (u, v) in want:
            cand = (cost, ARC_KINDS.index(kind), kind)
            if (u, v) not in best or cand < best[(u, v)]:
                best[(u, v)] = cand
    return [Step(u, v, best[(u, v)][2], best[(u, v)][0]) for u, v in zip(path, path[1:])]

"""Focus modes: the part of a customer map worth looking at first.

``project:J``   the project's decision chain, the best paths to its members, and one hop
                around each member (who influences them, whom they report to).
``person:P``    everyone within ``N`` hops of P (default 2; ``person:P:N``), plus P's best path.
"""

from __future__ import annotations

from collections import deque

from ..errors import BadArgument, NotFound
from ..graph import CustomerGraph
from .facts import Facts

DEFAULT_HOPS = 2


def _neighbours(cg: CustomerGraph) -> dict[str, set[str]]:
    near: dict[str, set[str]] = {n: set() for n in (*cg.persons, *cg.employees, *cg.staff)}
    for p in cg.persons.values():
        if p.reports_to and p.reports_to in cg.persons:
            near[p.id].add(p.reports_to)
            near[p.reports_to].add(p.id)
    for i in cg.influences:
        if i.source in near and i.target in near:
            near[i.source].add(i.target)
            near[i.target].add(i.source)
    return near


def focus_nodes(cg: CustomerGraph, facts: Facts, focus: str) -> set[str]:
    """The node ids a focus keeps (BadArgument for a malformed focus, NotFound for an unknown id)."""
    kind, _, rest = focus.partition(":")
    near = _neighbours(cg)
    if kind == "project" and rest:
        if rest not in cg.projects:
            raise NotFound(f"unknown project {rest!r} at customer {cg.id!r}")
        members = {m.person for m in cg.projects[rest].decision_chain if m.person in cg.persons}
        keep = set(members)
        for pid in members:
            keep |= near.get(pid, set())
            res = facts.paths.get(pid)
            if res is not None:
                keep.update(res.path)
        return keep
    if kind == "person" and rest:
        pid, _, hops_text = rest.partition(":")
        try:
            hops = int(hops_text) if hops_text else DEFAULT_HOPS
        except ValueError:
            raise BadArgument(f"focus {focus!r}: hops must be a whole number") from None
        if pid not in cg.persons:
            raise NotFound(f"unknown key person {pid!r} at customer {cg.id!r}")
        keep = {pid}
        frontier = deque([(pid, 0)])
        while frontier:
            x, d = frontier.popleft()
            if d == hops:
                continue
            for y in near.get(x, ()):
                if y not in keep:
                    keep.add(y)
                    frontier.append((y, d + 1))
        res = facts.paths.get(pid)
        if res is not None:
            keep.update(res.path)
        return keep
    raise BadArgument(f"focus must be project:<id> or person:<id>[:hops], not {focus!r}")

"""The domain rules every analysis, map and command asks for — each defined once, here.

A maintainer who wants to change what "covered", "decision maker" or "competitor closer"
means changes it in this module and nowhere else (docs/spec.md §4.3, §4.4).

>>> coverage_status(direct=False, cost=4, max_cost=DEFAULT_MAX_COST)
'indirect'
>>> coverage_status(direct=False, cost=5, max_cost=DEFAULT_MAX_COST)
'none'
>>> competitor_closer(ours_cost=None, theirs_cost=3), competitor_closer(2, 2)
(True, False)
>>> closer(3, 2), closer(None, None)
('competitor', 'neither')
"""

from __future__ import annotations

from typing import Literal

from ..graph import is_veto_or_approver
from ..labels import Closer, Reason
from ..labels import Status as _Status
from ..model import KeyPerson, Stance

__all__ = [
    "DEFAULT_MAX_COST",
    "RULES_VERSION",
    "STANCE_ORDER",
    "STATUSES",
    "REASONS",
    "CLOSER",
    "WEIGHT_HOLDER",
    "WEIGHT_OTHER",
    "Status",
    "is_veto_or_approver",
    "weight",
    "coverage_status",
    "is_covered",
    "competitor_closer",
    "closer",
    "weighted_share",
]

#: the one default for "highest path cost that still counts as covered"
DEFAULT_MAX_COST = 4

#: version of the rules behind ``flags`` (this module, the arcs and costs of graph.py,
#: analysis/exposure.py): part of the key of every cached flag result
#: (brmgraph/store/stamps.py), so a release that changes what a flag is MUST bump it,
#: and every cached result of an older release is then recomputed
RULES_VERSION = 1

#: closeness values from warmest to coldest, ``unknown`` last (stance mix, map colours)
STANCE_ORDER: tuple[str, ...] = tuple(s.value for s in Stance)

Status = Literal["direct", "indirect", "none"]
#: coverage statuses, best first
STATUSES: tuple[str, ...] = tuple(s.value for s in _Status)

#: exposure reasons, in the order they are listed
REASONS: tuple[str, ...] = tuple(r.value for r in Reason)

#: the answers of "who is closer" in the competitor comparison
CLOSER: tuple[str, ...] = tuple(c.value for c in Closer)

#: weight of a decision maker who holds a veto or is a sole approver, and of any other
WEIGHT_HOLDER = 3
WEIGHT_OTHER = 1


def weight(person: KeyPerson) -> int:
    """Weight of a decision maker in weighted coverage: 3 for a veto holder or approver, else 1."""
    return WEIGHT_HOLDER if is_veto_or_approver(person) else WEIGHT_OTHER


def coverage_status(direct: bool, cost: int | None, max_cost: int) -> Status:
    """``direct`` when a source has an edge straight to the person; else ``indirect``
    when the best path costs at most ``max_cost``; else ``none``."""
    if direct:
        return "direct"
    if cost is not None and cost <= max_cost:
        return "indirect"
    return "none"


def is_covered(status: str) -> bool:
    """A decision maker counts as covered when its status is not ``none``."""
    return status != "none"


def competitor_closer(ours_cost: int | None, theirs_cost: int | None) -> bool:
    """A competitor path costs strictly less than ours, or exists while ours does not."""
    return theirs_cost is not None and (ours_cost is None or theirs_cost < ours_cost)


def closer(ours_cost: int | None, theirs_cost: int | None) -> str:
    """``ours``, ``competitor``, ``equal`` or ``neither`` (the competitor comparison)."""
    if ours_cost is None and theirs_cost is None:
        return "neither"
    if competitor_closer(ours_cost, theirs_cost):
        return "competitor"
    if competitor_closer(theirs_cost, ours_cost):
        return "ours"
    return "equal"


def weighted_share(weights: dict[str, int], covered: set[str] | list[str]) -> tuple[float | None, float | None]:
    """(coverage, weighted coverage) of decision makers with ``weights`` of which
    ``covered`` are covered; ``(None, None)`` when there are none. Not rounded."""
    if not weights:
        return None, None
    cov = set(covered)
    n = sum(1 for d in weights if d in cov)
    return n / len(weights), sum(w for d, w in weights.items() if d in cov) / sum(weights.values())

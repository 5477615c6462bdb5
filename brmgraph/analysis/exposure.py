"""Veto and approver exposure (SPEC §4.4) and the nightly ``flags``.

For each decision maker with ``veto`` = ``yes`` or ``approver`` = ``yes`` the reasons that
apply, always in this order:

=====================  =================================================================
``UNCOVERED``          coverage status ``none`` in the company perspective (max cost 4)
``OPPOSED``            ``closeness`` is ``oppose`` or ``strong_oppose``
``STANCE_UNKNOWN``     ``closeness`` is ``unknown``
``COMPETITOR_CLOSER``  a competitor path costs strictly less than our best company path,
                       or exists while ours does not. Competitors: every competitor
                       (``competitor:*``) for a customer; the project's ``competitors`` for
                       a project (every competitor when it lists none). No relay rule for
                       competitors; ours follows the relay rule.
=====================  =================================================================

A decision maker with at least one reason is exposed. Decision makers whose ``veto`` is
``unknown`` are listed in ``unassessed`` (whether or not they are also exposed as
approvers).

``flags``: for every OPEN project (by id), every member of its decision chain with
``veto`` = ``yes`` whose project-scope reasons include ``UNCOVERED`` gives one record per
(project, person) carrying all its reasons. Records are sorted by (project, person);
:func:`sort_flags` sorts records of many customers the same way.

Decisions on open points: lists are sorted by person id; the ``scope`` dict is
``{"customer": C}`` or ``{"project": J}``; the company coverage used for ``UNCOVERED`` uses
the default ``max_cost`` 4 unless the caller passes another.
"""

from __future__ import annotations

from typing import Iterable

from pydantic import BaseModel

from ..graph import COMPANY, CustomerGraph
from .coverage import decision_makers, status_of
from .paths import PathResult, _result, shortest_labels

__all__ = ["REASONS", "ExposedPerson", "ExposureResult", "exposure", "reasons_for", "Flag", "flags", "sort_flags"]

REASONS = ("UNCOVERED", "OPPOSED", "STANCE_UNKNOWN", "COMPETITOR_CLOSER")
REASON_ZH = {
    "UNCOVERED": "未覆盖",
    "OPPOSED": "反对",
    "STANCE_UNKNOWN": "态度未知",
    "COMPETITOR_CLOSER": "友商更近",
}


class ExposedPerson(BaseModel):
    person: str
    veto: str
    approver: str
    reasons: list[str]


class ExposureResult(BaseModel):
    scope: dict
    exposed: list[ExposedPerson] = []
    unassessed: list[str] = []


class Flag(BaseModel):
    project: str
    customer: str
    person: str
    reasons: list[str]


class _Context:
    """Company and competitor best-path labels of one customer, each search run once
    (one multi-source search for our company, one per distinct competitor set)."""

    def __init__(self, cg: CustomerGraph, max_cost: int = 4) -> None:
        self.cg = cg
        self.max_cost = max_cost
        self.ours_sources = cg.sources(COMPANY)
        self._ours = shortest_labels(cg, self.ours_sources, cg.blocked_relays(COMPANY))
        self._theirs: dict[frozenset[str], dict] = {}

    def ours(self, person: str) -> PathResult:
        return _result(person, COMPANY, self._ours.get(person))

    def theirs_cost(self, person: str, competitor_ids: Iterable[str] | None) -> int | None:
        ids = sorted(set(competitor_ids or ()))
        sources = frozenset(self.cg.competitor_sources(ids))
        labels = self._theirs.get(sources)
        if labels is None:
            labels = self._theirs[sources] = shortest_labels(self.cg, sources, frozenset())  # no relay rule
        lab = labels.get(person)
        return None if lab is None else lab[0]

    def reasons(self, person: str, competitor_ids: Iterable[str] | None) -> list[str]:
        cg = self.cg
        p = cg.persons[person]
        out: list[str] = []
        ours = self.ours(person)
        if status_of(cg, person, self.ours_sources, ours, self.max_cost) == "none":
            out.append("UNCOVERED")
        if p.closeness.opposing:
            out.append("OPPOSED")
        if p.closeness.value == "unknown":
            out.append("STANCE_UNKNOWN")
        theirs = self.theirs_cost(person, competitor_ids)
        if theirs is not None and (ours.cost is None or theirs < ours.cost):
            out.append("COMPETITOR_CLOSER")
        return out


def _competitors_of(cg: CustomerGraph, project: str | None) -> list[str]:
    return [] if project is None else list(cg.projects[project].competitors)


def reasons_for(cg: CustomerGraph, person: str, *, project: str | None = None, max_cost: int = 4) -> list[str]:
    """The §4.4 reasons for one key person (whatever its veto/approver), in table order."""
    ctx = _Context(cg, max_cost)
    if project is not None:
        decision_makers(cg, project)  # checks the project exists
    return ctx.reasons(person, _competitors_of(cg, project))


def exposure(cg: CustomerGraph, *, project: str | None = None, max_cost: int = 4) -> ExposureResult:
    """Exposed veto holders and approvers of the customer (or one project), and the
    decision makers whose veto is not yet assessed."""
    dms = decision_makers(cg, project)
    ctx = _Context(cg, max_cost)
    comps = _competitors_of(cg, project)
    exposed: list[ExposedPerson] = []
    unassessed: list[str] = []
    for d in dms:
        p = cg.persons[d]
        if p.veto.value == "unknown":
            unassessed.append(d)
        if p.veto.value != "yes" and p.approver.value != "yes":
            continue
        reasons = ctx.reasons(d, comps)
        if reasons:
            exposed.append(ExposedPerson(person=d, veto=p.veto.value, approver=p.approver.value, reasons=reasons))
    scope = {"customer": cg.id} if project is None else {"project": project}
    return ExposureResult(scope=scope, exposed=exposed, unassessed=unassessed)


def flags(cg: CustomerGraph) -> list[Flag]:
    """Veto holders of open projects' decision chains that we do not reach (``UNCOVERED``),
    one record per (project, person), sorted by (project, person)."""
    ctx: _Context | None = None
    out: list[Flag] = []
    for j in cg.open_projects():
        for d in cg.project_decision_makers(j.id):
            if cg.persons[d].veto.value != "yes":
                continue
            if ctx is None:
                ctx = _Context(cg)
            reasons = ctx.reasons(d, j.competitors)
            if "UNCOVERED" in reasons:
                out.append(Flag(project=j.id, customer=cg.id, person=d, reasons=reasons))
    return sort_flags(out)


def sort_flags(records: Iterable[Flag]) -> list[Flag]:
    """Sort flag records by their ids: (project, person), then customer."""
    return sorted(records, key=lambda f: (f.project, f.person, f.customer))

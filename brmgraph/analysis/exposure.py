"""Veto and approver exposure (docs/spec.md §4.4) and the nightly ``flags``.

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
the default ``max_cost`` (:data:`~brmgraph.analysis.rules.DEFAULT_MAX_COST`, 4) unless the
caller passes another; ``flags`` takes ``max_cost`` the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, TypeVar

from pydantic import BaseModel

from ..graph import COMPANY, CustomerGraph
from .context import AnalysisContext, context_of
from .coverage import decision_makers
from .rules import DEFAULT_MAX_COST, REASONS, is_veto_or_approver

__all__ = [
    "REASONS", "ExposedPerson", "ExposureResult", "exposure", "reasons_for", "Flag", "flags", "sort_flags",
    "FlagChange",
    "diff_flags",
]


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
    # for people reading a nightly report: names and the deal at stake
    customer_name: str = ""
    project_name: str = ""
    person_name: str = ""
    title: str = ""
    stage: str = ""
    amount: float | None = None


def _competitors_of(cg: CustomerGraph, project: str | None) -> list[str]:
    return [] if project is None else list(cg.projects[project].competitors)


def reasons_for(
    cg: CustomerGraph | AnalysisContext, person: str, *, project: str | None = None, max_cost: int = DEFAULT_MAX_COST
) -> list[str]:
    """The reasons for one key person (whatever its veto/approver), in table order."""
    ctx = context_of(cg, max_cost)
    if project is not None:
        decision_makers(ctx.cg, project)  # checks the project exists
    return ctx.reasons(person, _competitors_of(ctx.cg, project), max_cost)


def exposure(
    cg: CustomerGraph | AnalysisContext, *, project: str | None = None, max_cost: int = DEFAULT_MAX_COST
) -> ExposureResult:
    """Exposed veto holders and approvers of the customer (or one project), and the
    decision makers whose veto is not yet assessed. Pass an :class:`AnalysisContext`
    to reuse its searches."""
    ctx = context_of(cg, max_cost)
    g = ctx.cg
    dms = decision_makers(g, project)
    comps = _competitors_of(g, project)
    exposed: list[ExposedPerson] = []
    unassessed: list[str] = []
    for d in dms:
        p = g.persons[d]
        if p.veto.value == "unknown":
            unassessed.append(d)
        if not is_veto_or_approver(p):
            continue
        reasons = ctx.reasons(d, comps, max_cost)
        if reasons:
            exposed.append(ExposedPerson(person=d, veto=p.veto.value, approver=p.approver.value, reasons=reasons))
    scope = {"customer": g.id} if project is None else {"project": project}
    return ExposureResult(scope=scope, exposed=exposed, unassessed=unassessed)


def flags(cg: CustomerGraph | AnalysisContext, *, max_cost: int = DEFAULT_MAX_COST) -> list[Flag]:
    """Veto holders of open projects' decision chains that we do not reach (``UNCOVERED``),
    one record per (project, person), sorted by (project, person)."""
    ctx = context_of(cg, max_cost)
    g = ctx.cg
    out: list[Flag] = []
    for jid in g.open_project_ids():
        for d in g.project_decision_makers(jid):
            if not g.holds_veto(d):
                continue
            if ctx.status(d, COMPANY, max_cost) != "none":
                continue  # reached, so no UNCOVERED: skip the competitor search of the other reasons
            j = g.projects[jid]
            reasons = ctx.reasons(d, j.competitors, max_cost)
            if "UNCOVERED" in reasons:
                p = g.persons[d]
                out.append(
                    Flag(
                        project=j.id, customer=g.id, person=d, reasons=reasons,
                        customer_name=g.customer.name, project_name=j.name, person_name=p.name,
                        title=p.title, stage=j.stage, amount=j.amount,
                    )
                )
    return sort_flags(out)


_F = TypeVar("_F", bound=Flag)


def sort_flags(records: Iterable[_F]) -> list[_F]:
    """Sort flag records by their ids: (project, person), then customer."""
    return sorted(records, key=lambda f: (f.project, f.person, f.customer))


class FlagChange(Flag):
    """A ``flags --since`` / ``whatif`` record: a flag plus ``change`` (``new`` or ``resolved``)."""

    change: Literal["new", "resolved"]


def diff_flags(before: Iterable[Flag], after: Iterable[Flag]) -> list[FlagChange]:
    """What changed between two runs of ``flags``: records new in ``after``
    (``"change": "new"``, with their reasons after) and resolved since ``before``
    (``"change": "resolved"``, with their reasons before), one per (project, person),
    sorted by (project, person). The one rule behind ``flags --since``, ``whatif`` and
    ``risk``."""
    b = {(f.project, f.person): f for f in before}
    a = {(f.project, f.person): f for f in after}
    out = [FlagChange(**f.model_dump(), change="new") for k, f in a.items() if k not in b]
    out += [FlagChange(**f.model_dump(), change="resolved") for k, f in b.items() if k not in a]
    return sort_flags(out)

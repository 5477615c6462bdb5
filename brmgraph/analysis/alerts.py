"""Drift alerts: what got worse between a past state of the store and now
(docs/spec.md §4.9.6).

Both states are whole data sets; every rule below is asked of the shared rules and the
analysis context (coverage status, path cost, exposure reasons, cooling), never derived
again here. Events, in this order for one person:

=====================  =================================================================
``closeness_worse``    a decision maker's ``closeness`` moved toward ``strong_oppose``
                       on the scale strong_support < support < neutral < oppose <
                       strong_oppose (``unknown`` is off the scale: no event from or to it)
``lost_coverage``      a decision maker's company-perspective coverage status went from
                       ``direct`` / ``indirect`` to ``none``
``path_longer``        a decision maker's best company path cost rose, or the path vanished
``newly_exposed``      a veto holder or approver gained an exposure reason, per scope: the
                       customer (``project`` null) and each open project whose chain holds
                       the person
``cooling``            a decision maker had an interaction within 90 days of the start of
                       the window and has none within 90 days of today
=====================  =================================================================

Only people who are decision makers now (``newly_exposed``: veto holders or approvers
now) and who existed at the start of the window in the same customer are compared;
someone new has no "before". Events are sorted by (customer, project — null first,
person, event order).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel

from ..graph import COMPANY, CustomerGraph
from ..model import Dataset
from .context import AnalysisContext
from .degrees import cooling
from .exposure import reasons_for
from .rules import DEFAULT_MAX_COST, STANCE_ORDER, is_covered, is_veto_or_approver

__all__ = ["EVENTS", "Alert", "alerts", "sort_alerts"]

#: the drift events, in the order they are listed for one person
EVENTS: tuple[str, ...] = ("closeness_worse", "lost_coverage", "path_longer", "newly_exposed", "cooling")

#: the closeness scale from warmest to coldest (``unknown`` is not on it)
_SCALE = {s: i for i, s in enumerate(x for x in STANCE_ORDER if x != "unknown")}


class Alert(BaseModel):
    event: str
    customer: str
    project: str | None
    person: str
    before: Any
    after: Any
    # for people reading the nightly mail
    customer_name: str = ""
    person_name: str = ""


def sort_alerts(items: list[Alert]) -> list[Alert]:
    return sorted(items, key=lambda a: (a.customer, a.project or "", a.project is not None, a.person, EVENTS.index(a.event)))


def _days_since_last(cg: CustomerGraph, person: str, day: date) -> int | None:
    dates = [x.date for x in cg.interactions if x.person == person and x.date <= day]
    return (day - max(dates)).days if dates else None


def alerts(
    before: Dataset, after: Dataset, *, since: date, today: date, max_cost: int = DEFAULT_MAX_COST
) -> list[Alert]:
    """The drift events between ``before`` (the state at the start of the window, whose
    date is ``since``) and ``after`` (the state now, on ``today``)."""
    out: list[Alert] = []
    before_customers = {c.id for c in before.customers}
    for cust in sorted(after.customers, key=lambda c: c.id):
        now_cg = CustomerGraph.from_dataset(after, cust.id)
        then_cg = CustomerGraph.from_dataset(before, cust.id) if cust.id in before_customers else None
        if then_cg is None:
            continue
        out.extend(_customer_alerts(then_cg, now_cg, since=since, today=today, max_cost=max_cost))
    return sort_alerts(out)


def _customer_alerts(
    then_cg: CustomerGraph, now_cg: CustomerGraph, *, since: date, today: date, max_cost: int
) -> list[Alert]:
    then, now = AnalysisContext(then_cg, max_cost), AnalysisContext(now_cg, max_cost)
    cid = now_cg.customer.id
    out: list[Alert] = []

    def add(event: str, project: str | None, person: str, b: Any, a: Any) -> None:
        out.append(Alert(event=event, customer=cid, project=project, person=person, before=b, after=a,
                         customer_name=now_cg.customer.name, person_name=now_cg.persons[person].name))

    cooling_then = set(cooling(then_cg, since))
    cooling_now = set(cooling(now_cg, today))
    for pid in now_cg.decision_makers():
        if pid not in then_cg.persons:
            continue
        b_close, a_close = then_cg.persons[pid].closeness.value, now_cg.persons[pid].closeness.value
        if b_close in _SCALE and a_close in _SCALE and _SCALE[a_close] > _SCALE[b_close]:
            add("closeness_worse", None, pid, b_close, a_close)
        b_status, a_status = then.status(pid, COMPANY), now.status(pid, COMPANY)
        if is_covered(b_status) and not is_covered(a_status):
            add("lost_coverage", None, pid, b_status, a_status)
        b_cost, a_cost = then.cost(pid, COMPANY), now.cost(pid, COMPANY)
        if b_cost is not None and (a_cost is None or a_cost > b_cost):
            add("path_longer", None, pid, b_cost, a_cost)
        if pid in cooling_now and pid not in cooling_then:
            add("cooling", None, pid, _days_since_last(then_cg, pid, since), _days_since_last(now_cg, pid, today))
    # exposure: the customer scope and each open project whose chain holds the person
    scopes: list[tuple[str | None, list[str]]] = [(None, now_cg.decision_makers())]
    scopes += [(j.id, now_cg.project_decision_makers(j.id)) for j in now_cg.open_projects()]
    for project, members in scopes:
        for pid in members:
            if pid not in then_cg.persons or not is_veto_or_approver(now_cg.persons[pid]):
                continue
            a_reasons = reasons_for(now, pid, project=project, max_cost=max_cost)
            b_reasons = (
                reasons_for(then, pid, project=project, max_cost=max_cost)
                if project is None or project in then_cg.projects
                else []
            )
            if set(a_reasons) - set(b_reasons):
                add("newly_exposed", project, pid, b_reasons, a_reasons)
    return out

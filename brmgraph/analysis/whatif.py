"""``whatif``: the analyses on a changed copy of the data, nothing written
(docs/spec.md §4.8.3).

Changes:

* ``without ID`` — an employee, competitor staff member or key person leaves: the record,
  its influence edges (both directions) and its interactions go; a key person also leaves
  every decision chain, and whoever reported to them has no superior afterwards.
* ``set ID.FIELD=VALUE`` — one feature of a key person: ``closeness``,
  ``solution_acceptance``, ``price_acceptance`` (stances), ``veto``, ``approver`` (tri)
  or ``reports_to`` (a key person of the same customer, or empty for none). Values are
  read like input (§3.2): English key in any case or the Chinese label.

Every ``without`` applies first, then every ``set``, each in the order given.

With a scope, :func:`whatif_scope` returns ``before`` / ``after`` holding exactly the
``coverage --json`` and ``exposure --json`` bodies, and ``delta``. Without a scope,
:func:`flag_changes` compares the flags of the customers the changes touch and returns
``flags --since`` records (``"change": "new" | "resolved"``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel

from ..errors import BadArgument, NotFound
from ..graph import COMPANY, CustomerGraph, Perspective
from ..model import CompetitorStaff, Dataset, Employee, KeyPerson, Stance, Tri
from .context import AnalysisContext
from .coverage import CoverageResult, coverage
from .exposure import ExposureResult, FlagChange, diff_flags, exposure, flags, sort_flags
from .rules import DEFAULT_MAX_COST

__all__ = [
    "SET_FIELDS",
    "Change",
    "parse_without",
    "parse_set",
    "dataset_of",
    "apply_changes",
    "touches",
    "whatif_scope",
    "WhatIfResult",
    "FlagChange",
    "flag_changes",
    "without_employee",
]

#: the key-person fields ``--set`` may change, and how their values are read
SET_FIELDS: dict[str, type[Stance] | type[Tri] | None] = {
    "closeness": Stance,
    "solution_acceptance": Stance,
    "price_acceptance": Stance,
    "veto": Tri,
    "approver": Tri,
    "reports_to": None,
}
_SET_RE = re.compile(r"^(?P<id>.+)\.(?P<field>" + "|".join(SET_FIELDS) + r")=(?P<value>.*)$", re.S)


class Change(BaseModel):
    """One change: ``{"op": "without", "id": "E1"}`` or
    ``{"op": "set", "id": "P1", "field": "closeness", "value": "oppose"}``."""

    op: Literal["without", "set"]
    id: str
    field: str | None = None
    value: str | None = None

    def __str__(self) -> str:
        return f"without {self.id}" if self.op == "without" else f"set {self.id}.{self.field}={self.value or ''}"


def parse_without(text: str) -> Change:
    ident = (text or "").strip()
    if not ident:
        raise BadArgument("a removal needs an id")
    return Change(op="without", id=ident)


def parse_set(text: str) -> Change:
    """``ID.FIELD=VALUE``; the value is normalised (English key; empty ``reports_to`` = none)."""
    m = _SET_RE.match((text or "").strip())
    if not m:
        raise BadArgument(
            f"change {text!r}: expected ID.FIELD=VALUE with FIELD one of {', '.join(SET_FIELDS)}"
        )
    ident, fld, value = m["id"].strip(), m["field"], m["value"].strip()
    enum = SET_FIELDS[fld]
    if enum is not None:
        if not value:
            raise BadArgument(f"change {text!r}: {fld} needs a value")
        try:
            value = enum.parse(value).value
        except ValueError as exc:
            raise BadArgument(f"change {text!r}: {exc}") from None
    return Change(op="set", id=ident, field=fld, value=value or None)


def dataset_of(cg: CustomerGraph) -> Dataset:
    """The data set a customer graph was built from (copies of its lists)."""
    return Dataset.model_construct(
        customers=[cg.customer],
        key_persons=list(cg.persons.values()),
        employees=list(cg.employees.values()),
        competitors=list(cg.competitors.values()),
        competitor_staff=list(cg.staff.values()),
        influences=list(cg.influences),
        projects=list(cg.projects.values()),
        interactions=list(cg.interactions),
    )


def _ordered(changes: Iterable[Change]) -> list[Change]:
    cs = list(changes)
    return [c for c in cs if c.op == "without"] + [c for c in cs if c.op == "set"]


def touches(ds: Dataset, changes: Iterable[Change]) -> bool:
    """True when some change names a record of ``ds`` (so its analyses may change)."""
    ids = {c.id for c in changes}
    records: tuple[KeyPerson | Employee | CompetitorStaff, ...] = (*ds.key_persons, *ds.employees, *ds.competitor_staff)
    return any(r.id in ids for r in records)


def apply_changes(ds: Dataset, changes: Iterable[Change]) -> Dataset:
    """A changed copy of ``ds``. Ids the data set does not hold are ignored (an employee
    with no edge into this customer); checking that they exist at all is the caller's
    job (:func:`check_changes`). Raises BadArgument for a ``set`` on a removed person, a
    superior of another customer, or a reporting cycle."""
    persons = {p.id: p for p in ds.key_persons}
    employees = list(ds.employees)
    staff = list(ds.competitor_staff)
    influences = list(ds.influences)
    interactions = list(ds.interactions)
    projects = list(ds.projects)
    removed: set[str] = set()
    for ch in _ordered(changes):
        if ch.op == "without":
            removed.add(ch.id)
            continue
        if ch.id in removed:
            raise BadArgument(f"change {ch.id}.{ch.field}: {ch.id!r} is removed as well")
        p = persons.get(ch.id)
        if p is None:
            continue
        if ch.field == "reports_to":
            boss = ch.value
            if boss is not None:
                if boss in removed:
                    raise BadArgument(f"change {ch.id}.reports_to={boss}: {boss!r} is removed as well")
                if boss not in persons:
                    raise BadArgument(
                        f"change {ch.id}.reports_to={boss}: {boss!r} is not a key person of customer {p.customer!r}"
                    )
                if boss == ch.id:
                    raise BadArgument(f"change {ch.id}.reports_to={boss}: a person cannot report to themself")
            persons[ch.id] = p.model_copy(update={"reports_to": boss})
        else:
            fld = ch.field or ""
            enum = SET_FIELDS[fld]
            assert enum is not None  # every field but reports_to takes an enum value
            persons[ch.id] = p.model_copy(update={fld: enum(ch.value)})
    # reporting cycles created by --set
    for start in persons:
        seen = [start]
        cur = persons[start].reports_to
        while cur is not None and cur in persons and cur not in removed:
            if cur in seen:
                ring = " → ".join(seen[seen.index(cur):] + [cur])
                raise BadArgument(f"the changes make a reporting cycle {ring}")
            seen.append(cur)
            cur = persons[cur].reports_to
    if removed:
        kept = {}
        for pid, p in persons.items():
            if pid in removed:
                continue
            kept[pid] = p.model_copy(update={"reports_to": None}) if p.reports_to in removed else p
        persons = kept
        employees = [e for e in employees if e.id not in removed]
        staff = [s for s in staff if s.id not in removed]
        influences = [i for i in influences if i.source not in removed and i.target not in removed]
        interactions = [x for x in interactions if x.employee not in removed and x.person not in removed]
        projects = [
            j.model_copy(update={"decision_chain": [m for m in j.decision_chain if m.person not in removed]})
            if any(m.person in removed for m in j.decision_chain)
            else j
            for j in projects
        ]
    return Dataset.model_construct(
        customers=list(ds.customers),
        key_persons=list(persons.values()),
        employees=employees,
        competitors=list(ds.competitors),
        competitor_staff=staff,
        influences=influences,
        projects=projects,
        interactions=interactions,
    )


def check_changes(
    changes: Iterable[Change], kinds: dict[str, str]
) -> None:
    """Check every change against ``kinds`` (id → kind: ``key person``, ``employee``,
    ``competitor staff member``, or any other kind): NotFound for an id that does not
    exist, BadArgument for one that cannot be removed or changed."""
    for ch in changes:
        kind = kinds.get(ch.id)
        if kind is None:
            raise NotFound(f"{ch.op} {ch.id}: unknown id {ch.id!r}")
        if ch.op == "without" and kind not in ("key person", "employee", "competitor staff member"):
            raise BadArgument(
                f"without {ch.id}: {ch.id!r} is a {kind}; only an employee, a competitor staff member or a key person can be removed"
            )
        if ch.op == "set":
            if kind != "key person":
                raise BadArgument(f"change {ch.id}.{ch.field}: {ch.id!r} is a {kind}, not a key person")
            if ch.field == "reports_to" and ch.value is not None:
                if kinds.get(ch.value) is None:
                    raise NotFound(f"change {ch.id}.reports_to: unknown id {ch.value!r}")
                if kinds[ch.value] != "key person":
                    raise BadArgument(f"change {ch.id}.reports_to: {ch.value!r} is a {kinds[ch.value]}, not a key person")


# ------------------------------------------------------------------ with a scope
class Snapshot(BaseModel):
    coverage: CoverageResult
    exposure: ExposureResult


class ReasonDelta(BaseModel):
    person: str
    reasons: list[str]


class Delta(BaseModel):
    newly_uncovered: list[str]
    newly_exposed: list[ReasonDelta]
    resolved: list[ReasonDelta]


class WhatIfResult(BaseModel):
    changes: list[Change]
    before: Snapshot
    after: Snapshot
    delta: Delta


def _snapshot(cg: CustomerGraph, perspective: Perspective, project: str | None, max_cost: int) -> Snapshot:
    ctx = AnalysisContext(cg, max_cost)
    return Snapshot(
        coverage=coverage(ctx, perspective, project=project, max_cost=max_cost),
        exposure=exposure(ctx, project=project, max_cost=max_cost),
    )


def whatif_scope(
    ds: Dataset,
    customer: str,
    changes: list[Change],
    perspective: Perspective = COMPANY,
    *,
    project: str | None = None,
    max_cost: int = DEFAULT_MAX_COST,
) -> WhatIfResult:
    """Coverage (under ``perspective``) and exposure of the customer or one of its
    projects, before and after ``changes``; ``ds`` holds at least that customer's graph."""
    before = _snapshot(CustomerGraph.from_dataset(ds, customer), perspective, project, max_cost)
    after = _snapshot(CustomerGraph.from_dataset(apply_changes(ds, changes), customer), perspective, project, max_cost)
    status_before = {m.person: m.status for m in before.coverage.members}
    newly_uncovered = [
        m.person
        for m in after.coverage.members
        if m.status == "none" and status_before.get(m.person, "none") != "none"
    ]
    rb = {e.person: e.reasons for e in before.exposure.exposed}
    ra = {e.person: e.reasons for e in after.exposure.exposed}
    newly = [
        ReasonDelta(person=p, reasons=[r for r in ra[p] if r not in rb.get(p, [])])
        for p in sorted(ra)
        if any(r not in rb.get(p, []) for r in ra[p])
    ]
    resolved = [
        ReasonDelta(person=p, reasons=[r for r in rb[p] if r not in ra.get(p, [])])
        for p in sorted(rb)
        if any(r not in ra.get(p, []) for r in rb[p])
    ]
    return WhatIfResult(
        changes=changes,
        before=before,
        after=after,
        delta=Delta(newly_uncovered=newly_uncovered, newly_exposed=newly, resolved=resolved),
    )


# ------------------------------------------------------------------ without a scope
def flag_changes(
    datasets: Iterable[Dataset], changes: list[Change], *, max_cost: int = DEFAULT_MAX_COST
) -> list[FlagChange]:
    """Flags before and after ``changes`` over the customers of ``datasets`` (one customer
    sub-graph each, as :meth:`Store.iter_customer_graphs` yields them). Customers the
    changes do not touch are skipped: their flags cannot change."""
    out: list[FlagChange] = []
    for ds in datasets:
        if not touches(ds, changes):
            continue
        cid = ds.customers[0].id
        before = flags(CustomerGraph.from_dataset(ds, cid), max_cost=max_cost)
        after = flags(CustomerGraph.from_dataset(apply_changes(ds, changes), cid), max_cost=max_cost)
        out.extend(diff_flags(before, after))
    return sort_flags(out)


def without_employee(cg: CustomerGraph, employee: str) -> CustomerGraph:
    """``cg`` without one of its employees, equal to rebuilding it from the data set
    without that employee, but without re-deriving the other arcs (for ``risk``)."""
    return CustomerGraph(
        customer=cg.customer,
        persons=cg.persons,
        employees={e: v for e, v in cg.employees.items() if e != employee},
        staff=cg.staff,
        competitors=cg.competitors,
        projects=cg.projects,
        influences=[i for i in cg.influences if i.source != employee],
        interactions=[x for x in cg.interactions if x.employee != employee],
        succ={u: nbrs for u, nbrs in cg.succ.items() if u != employee},
        kinds={n: k for n, k in cg.kinds.items() if n != employee},
        arc_kinds={uv: k for uv, k in cg.arc_kinds.items() if uv[0] != employee},
    )




"""Decoding stored rows back into model records: one decoder per record kind, shared
by both stores.

Every decoder takes the record's fields by name (keyword or, for SQLite rows read with
the matching ``*_COLUMNS`` list, positionally in that order) and builds the record with
:func:`brmgraph.model.trusted` — the one way a store builds records: no validation,
because a store only ever receives records that passed validation on import.
``tests/test_store_records.py`` pins the pydantic internals ``trusted`` relies on.

Values may arrive as SQLite stores them (dates as ISO text, enum keys as text) or as
Neo4j returns them (``neo4j.time.Date``, missing properties as ``None``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from typing import Any

from ..model import (
    ChainMember,
    Competitor,
    CompetitorStaff,
    Customer,
    Employee,
    Influence,
    Interaction,
    KeyPerson,
    Project,
    ProjectStatus,
    Stance,
    Strength,
    Tri,
    trusted,
)

#: stored columns of each record kind, in the decoders' parameter order
CUSTOMER_COLUMNS = ("id", "name", "industry", "tier", "attrs")
KEY_PERSON_COLUMNS = (
    "id", "customer", "name", "title", "department", "closeness", "solution_acceptance",
    "price_acceptance", "veto", "approver", "reports_to",
)
EMPLOYEE_COLUMNS = ("id", "name", "team", "title")
COMPETITOR_COLUMNS = ("id", "name")
STAFF_COLUMNS = ("id", "name", "competitor")
INFLUENCE_COLUMNS = ("source", "target", "strength")
PROJECT_COLUMNS = ("id", "customer", "name", "status", "stage", "amount", "close_date", "decision_chain", "competitors")
INTERACTION_COLUMNS = ("employee", "person", "date", "kind")

_STANCE = {s.value: s for s in Stance}
_TRI = {t.value: t for t in Tri}
_STRENGTH = {s.value: s for s in Strength}
_STATUS = {s.value: s for s in ProjectStatus}


class BadValue(Exception):
    """A stored value a decoder cannot read (outside its enumeration, malformed JSON or
    date): the store turns it into :class:`~brmgraph.store.base.StoreDamaged`."""


def _enum(table: dict[str, Any], value: Any, default: str, kind: str, rid: Any, field: str) -> Any:
    got = table.get(value or default)
    if got is None:
        from ..errors import shown

        raise BadValue(
            f"{kind} {shown(rid)} has {field} {shown(value)}, which is not one of {', '.join(sorted(table))}"
        )
    return got


#: stored enumeration columns: (table, column) -> (allowed values, record kind, id columns)
ENUM_COLUMNS: dict[tuple[str, str], tuple[dict[str, Any], str, tuple[str, ...]]] = {
    **{("key_persons", c): (_STANCE, "key person", ("id",)) for c in ("closeness", "solution_acceptance", "price_acceptance")},
    **{("key_persons", c): (_TRI, "key person", ("id",)) for c in ("veto", "approver")},
    ("influences", "strength"): (_STRENGTH, "influence", ("source", "target")),
    ("projects", "status"): (_STATUS, "project", ("id",)),
}


def select(columns: Iterable[str]) -> str:
    """``a, b, c``: the column list of a SELECT (constant names only)."""
    return ", ".join(columns)


@lru_cache(maxsize=8192)
def _iso_day(text: str) -> date:
    # interactions repeat a few thousand distinct days: parse each once
    return date.fromisoformat(text)


def day(value: Any) -> date | None:
    """A stored date: ISO text (SQLite), ``neo4j.time.Date`` or ``date``; ``None`` stays."""
    if value is None:
        return None
    if isinstance(value, str):
        return _iso_day(value)
    if hasattr(value, "to_native"):
        return value.to_native()  # type: ignore[no-any-return]
    if isinstance(value, date):
        return value
    return _iso_day(str(value))


def _json(value: Any, empty: Any) -> Any:
    if value is None or value == "":
        return empty
    if isinstance(value, str):
        return json.loads(value)
    return value


def customer(id: str, name: str | None = "", industry: str | None = "", tier: str | None = "", attrs: Any = None) -> Customer:
    return trusted(  # type: ignore[no-any-return]
        Customer, {"id": id, "name": name or "", "industry": industry or "", "tier": tier or "", "attrs": _json(attrs, {})}
    )


def key_person(
    id: str,
    customer: str,
    name: str | None = "",
    title: str | None = "",
    department: str | None = "",
    closeness: str | None = "unknown",
    solution_acceptance: str | None = "unknown",
    price_acceptance: str | None = "unknown",
    veto: str | None = "unknown",
    approver: str | None = "unknown",
    reports_to: str | None = None,
) -> KeyPerson:
    return trusted(  # type: ignore[no-any-return]
        KeyPerson,
        {
            "id": id,
            "customer": customer,
            "name": name or "",
            "title": title or "",
            "department": department or "",
            "closeness": _enum(_STANCE, closeness, "unknown", "key person", id, "closeness"),
            "solution_acceptance": _enum(_STANCE, solution_acceptance, "unknown", "key person", id, "solution_acceptance"),
            "price_acceptance": _enum(_STANCE, price_acceptance, "unknown", "key person", id, "price_acceptance"),
            "veto": _enum(_TRI, veto, "unknown", "key person", id, "veto"),
            "approver": _enum(_TRI, approver, "unknown", "key person", id, "approver"),
            "reports_to": reports_to,
        },
    )


def employee(id: str, name: str | None = "", team: str | None = "", title: str | None = "") -> Employee:
    return trusted(Employee, {"id": id, "name": name or "", "team": team or "", "title": title or ""})  # type: ignore[no-any-return]


def competitor(id: str, name: str | None = "") -> Competitor:
    return trusted(Competitor, {"id": id, "name": name or ""})  # type: ignore[no-any-return]


def competitor_staff(id: str, name: str | None = "", competitor: str = "") -> CompetitorStaff:
    return trusted(CompetitorStaff, {"id": id, "name": name or "", "competitor": competitor})  # type: ignore[no-any-return]


def influence(source: str, target: str, strength: str | None = "medium") -> Influence:
    return trusted(Influence, {"source": source, "target": target, "strength": _enum(_STRENGTH, strength, "medium", "influence", f"{source}->{target}", "strength")})  # type: ignore[no-any-return]


def chain_member(person: str, role: str | None = "") -> ChainMember:
    return trusted(ChainMember, {"person": person, "role": role or ""})  # type: ignore[no-any-return]


def project(
    id: str,
    customer: str,
    name: str | None = "",
    status: str | None = "open",
    stage: str | None = "",
    amount: Any = None,
    close_date: Any = None,
    decision_chain: Any = None,
    competitors: Any = None,
) -> Project:
    """``decision_chain``: ``[[person, role], ...]`` or ``[{"person":, "role":}, ...]``
    (or its JSON text); ``competitors``: ``[id, ...]`` (or its JSON text)."""
    chain = []
    for m in _json(decision_chain, []):
        if isinstance(m, dict):
            chain.append(chain_member(m["person"], m.get("role")))
        else:
            chain.append(chain_member(m[0], m[1]))
    return trusted(  # type: ignore[no-any-return]
        Project,
        {
            "id": id,
            "customer": customer,
            "name": name or "",
            "status": _enum(_STATUS, status, "open", "project", id, "status"),
            "stage": stage or "",
            "amount": float(amount) if amount is not None else None,
            "close_date": day(close_date),
            "decision_chain": chain,
            "competitors": list(_json(competitors, [])),
        },
    )


def interaction(employee: str, person: str, date: Any, kind: str | None = "") -> Interaction:
    return trusted(Interaction, {"employee": employee, "person": person, "date": day(date), "kind": kind or ""})  # type: ignore[no-any-return]


def person_entry(row: Any) -> tuple[Stance, str | None, Any]:
    """``(closeness, reports_to, row)`` of a stored key-person row (``KEY_PERSON_COLUMNS``
    order): the form :meth:`brmgraph.graph.CustomerGraph.from_rows` takes, the record
    itself decoded only when asked for. A closeness outside its enumeration raises
    :class:`BadValue` (the decoder's error). ``row``: a tuple (a list is copied into one)."""
    if type(row) is not tuple:
        row = tuple(row)
    k = _STANCE.get(row[5] or "unknown")
    return (k if k is not None else key_person(*row).closeness), row[10], row


def edge_entry(source: str, target: str, strength: str | None) -> tuple[str, str, Strength]:
    """``(source, target, Strength)`` of a stored influence, for ``from_rows``; a strength
    outside its enumeration raises :class:`BadValue`."""
    k = _STRENGTH.get(strength or "medium")
    return source, target, (k if k is not None else influence(source, target, strength).strength)


#: section name -> (decoder, columns)
DECODERS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "customers": (customer, CUSTOMER_COLUMNS),
    "key_persons": (key_person, KEY_PERSON_COLUMNS),
    "employees": (employee, EMPLOYEE_COLUMNS),
    "competitors": (competitor, COMPETITOR_COLUMNS),
    "competitor_staff": (competitor_staff, STAFF_COLUMNS),
    "influences": (influence, INFLUENCE_COLUMNS),
    "projects": (project, PROJECT_COLUMNS),
    "interactions": (interaction, INTERACTION_COLUMNS),
}

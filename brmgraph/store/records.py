"""Decoding stored rows back into model records: one decoder per record kind, derived
from its declaration (:mod:`brmgraph.schema`) and shared by both stores.

A decoder takes the record's fields positionally in declaration order (SQLite rows read
with the matching ``*_COLUMNS`` list; a row written before a field was added is shorter,
and the missing fields take their defaults) or by keyword (Neo4j properties), and builds
the record with pydantic's documented ``model_construct``: no validation, because a
store only ever receives records that passed validation on import.

Values may arrive as SQLite stores them (dates as ISO text, enum keys as text) or as
Neo4j returns them (``neo4j.time.Date``, missing properties as ``None``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import date
from functools import lru_cache
from typing import Any

from .. import model
from ..labels import ProjectStatus, Stance, Strength
from ..schema import KINDS, Field, Kind

MODELS = model.MODELS


def _members(enum: Any) -> dict[str, Any]:
    return {m.value: m for m in enum}


_STANCE = _members(Stance)
_STRENGTH = _members(Strength)
_STATUS = _members(ProjectStatus)


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


def chain_member(person: str, role: str | None = "") -> model.ChainMember:
    return model.ChainMember.model_construct(person=person, role=role or "")


def _chain(value: Any) -> list[model.ChainMember]:
    """``[[person, role], ...]`` or ``[{"person":, "role":}, ...]`` (or its JSON text)."""
    return [
        chain_member(m["person"], m.get("role")) if isinstance(m, dict) else chain_member(m[0], m[1])
        for m in _json(value, [])
    ]


def _id_list(v: Any) -> list[Any]:
    return list(_json(v, []))


def _json_object(v: Any) -> Any:
    return _json(v, {})


def _value(k: Kind, f: Field) -> str:
    """The Python expression that turns the stored value of ``f`` (the parameter of
    the same name) into the record's value."""
    n = f.name
    if f.type == "enum":
        assert f.enum is not None
        key = " + '->' + ".join(f"str({x})" for x in k.key)
        return f"(_members_{n}.get({n} or {f.enum.default() or ''!r}) or _bad(_members_{n}, {n}, {key}, {n!r}))"
    return {
        "str": f"({n} or '')",
        "float": f"(None if {n} is None else float({n}))",
        "date": f"_day({n})",
        "json": f"_json_object({n})",
        "list": f"_chain({n})" if f.items == "chain" else f"_id_list({n})",
    }.get(f.type, n)


def decoder(k: Kind, cls: Any) -> Callable[..., Any]:
    """The decoder of one kind, generated from its declaration (as ``namedtuple`` and
    ``dataclasses`` generate code): the fields positionally in declaration order or by
    keyword, each missing one ``None`` (its default). Every record it builds shares one
    fields set (pydantic's documented ``_fields_set`` of ``model_construct``)."""
    names = k.names()
    namespace: dict[str, Any] = {
        "_construct": cls.model_construct, "_FIELDS": set(names), "_day": day, "_chain": _chain,
        "_id_list": _id_list, "_json_object": _json_object,
        "_bad": lambda table, v, rid, name: _enum(table, v, "", k.noun, rid, name),
        **{f"_members_{f.name}": _members(f.enum) for f in k.fields if f.enum is not None},
    }
    params = ", ".join(f"{n}=None" for n in names)
    values = ", ".join(f"{f.name}={_value(k, f)}" for f in k.fields)
    exec(f"def {k.section}({params}):\n    return _construct(_FIELDS, {values})", namespace)  # noqa: S102 (our own text)
    decode: Callable[..., Any] = namespace[k.section]
    decode.__doc__ = f"A stored {k.noun} back as a record: {', '.join(names)}."
    return decode


#: section name -> (decoder, stored columns in the decoder's parameter order)
DECODERS: dict[str, tuple[Callable[..., Any], tuple[str, ...]]] = {
    s: (decoder(k, MODELS[s]), k.names()) for s, k in KINDS.items()
}

customer = DECODERS["customers"][0]
key_person = DECODERS["key_persons"][0]
employee = DECODERS["employees"][0]
competitor = DECODERS["competitors"][0]
competitor_staff = DECODERS["competitor_staff"][0]
influence = DECODERS["influences"][0]
project = DECODERS["projects"][0]
interaction = DECODERS["interactions"][0]

#: stored columns of each record kind, in the decoders' parameter order
CUSTOMER_COLUMNS = KINDS["customers"].names()
KEY_PERSON_COLUMNS = KINDS["key_persons"].names()
EMPLOYEE_COLUMNS = KINDS["employees"].names()
COMPETITOR_COLUMNS = KINDS["competitors"].names()
STAFF_COLUMNS = KINDS["competitor_staff"].names()
INFLUENCE_COLUMNS = KINDS["influences"].names()
PROJECT_COLUMNS = KINDS["projects"].names()
INTERACTION_COLUMNS = KINDS["interactions"].names()

#: stored enumeration columns: (table, column) -> (allowed values, record kind, id columns)
ENUM_COLUMNS: dict[tuple[str, str], tuple[dict[str, Any], str, tuple[str, ...]]] = {
    (s, f.name): (_members(f.enum), k.noun, k.key) for s, k in KINDS.items() for f in k.fields if f.enum is not None
}

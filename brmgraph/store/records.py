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
from ..labels import ProjectStatus, Stance, Strength, Tri
from ..schema import KINDS, Field, Kind

MODELS = model.MODELS


def _members(enum: Any) -> dict[str, Any]:
    return {m.value: m for m in enum}


#: value -> member of the enumerations a stored row holds (the decoders' and
#: :mod:`.compact`'s tables)
STANCE = _members(Stance)
STRENGTH = _members(Strength)
STATUS = _members(ProjectStatus)
TRI = _members(Tri)


class BadValue(Exception):
    """A stored value a decoder cannot read (outside its enumeration, malformed JSON or
    date): the store turns it into :class:`~brmgraph.store.base.StoreDamaged`."""


def enum_member(table: dict[str, Any], value: Any, default: str, kind: str, rid: Any, field: str) -> Any:
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


def _text(v: Any) -> Any:
    return v or ""


def _number(v: Any) -> Any:
    return float(v) if v is not None else None


#: value converters by field type (``None``: the stored value as it is)
_CONVERT: dict[str, Callable[[Any], Any] | None] = {
    "id": None, "str": _text, "float": _number, "int": None, "bool": None, "date": day,
    "json": lambda v: _json(v, {}),
}


def _converter(k: Kind, f: Field) -> Callable[[Any, tuple[Any, ...]], Any] | None:
    if f.type == "enum":
        assert f.enum is not None
        table, default, noun, name = _members(f.enum), f.enum.default() or "", k.noun, f.name
        where = tuple(k.names().index(n) for n in k.key)

        def enum(v: Any, row: tuple[Any, ...]) -> Any:
            got = table.get(v or default)
            return got if got is not None else enum_member(table, v, default, noun, "->".join(str(row[i]) for i in where), name)

        return enum
    if f.type == "list":
        return (lambda v, _row: _chain(v)) if f.items == "chain" else (lambda v, _row: list(_json(v, [])))
    convert = _CONVERT[f.type]
    return None if convert is None else (lambda v, _row: convert(v))


def decoder(k: Kind, cls: Any, fields: tuple[Field, ...] | None = None) -> Callable[..., Any]:
    """The decoder of one kind: fields positionally (declaration order) or by keyword.
    Every record it builds shares one fields set (the documented ``_fields_set`` of
    pydantic's ``model_construct``): not one set per stored record read back."""
    fields = fields or k.fields
    names = tuple(f.name for f in fields)
    every = set(names)
    steps = tuple((f.name, i, _converter(k, f)) for i, f in enumerate(fields))
    n = len(names)
    construct = cls.model_construct

    def decode(*row: Any, **given: Any) -> Any:
        if given or len(row) < n:
            row = row + tuple(given.get(name) for name in names[len(row):])
        values = {name: (row[i] if conv is None else conv(row[i], row)) for name, i, conv in steps}
        return construct(every, **values)

    decode.__name__ = k.section
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

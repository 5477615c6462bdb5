"""Change stamps and the per-customer flag cache, shared by both stores (docs/spec.md §4.10).

A customer's **stamp** is the id of the last change set that changed anything its flags
depend on: the customer, its key persons and projects, the influences and interactions
aimed at its key persons. Employees, competitor staff and competitors appear in many
customers' graphs; a change to one of them moves the one **store-wide stamp** instead
(they are few and change rarely). Both are written by the import, in its transaction,
from the version rows it ends (:func:`history.plan`): :func:`touched` decides which.

A cached flag result is valid for exactly one key: (customer stamp, store-wide stamp,
max_cost, :data:`~brmgraph.analysis.rules.RULES_VERSION`). Any change moves a stamp past
every key written before it, so an entry is never updated or deleted to invalidate it:
it simply stops matching. The stores only persist stamps and entries; what is touched,
what an entry holds and when it is valid is decided here, once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

from . import history as H

if TYPE_CHECKING:
    from ..model import Dataset

#: a flag record type (:class:`brmgraph.analysis.exposure.Flag`, handed in by the caller:
#: the store never imports the analyses)
F = TypeVar("F", bound=BaseModel)

#: sections whose records belong to one customer, found in their ``customer`` field
_OWN = ("key_persons", "projects")
#: sections aimed at a key person (the second element of their key): its customer's
_AIMED = ("influences", "interactions")
#: sections shared by many customers: a change moves the store-wide stamp
SHARED_SECTIONS = ("employees", "competitors", "competitor_staff")


@dataclass
class Touched:
    """What one import changed, for the stamps: the customers whose stamp moves to the
    import's change set, and whether the store-wide stamp moves too."""

    customers: set[str] = field(default_factory=set)
    shared: bool = False
    #: the store's first change set: stamps and cached results left from before (a
    #: history that was removed) are dropped, since change set ids start again
    first: bool = False


def touched(ended: Iterable[H.Ended], old: Dataset | None, new: Dataset, *, first: bool) -> Touched:
    """The customers (and whether the shared records) changed by an import of ``new``
    into a store holding ``old`` (``None``: empty), from the versions the import ends
    (:func:`history.plan`). ``first``: the store's first change set, which stamps every
    customer of ``new`` and the store-wide stamp.

    A key person or project touches its customer before and after (a person may move);
    an influence or interaction touches the customer of its target person, in the old
    and in the new state; a customer record touches itself."""
    out = Touched()
    if first:
        out.customers = {c.id for c in new.customers}
        out.shared = out.first = True
        return out
    targets: set[str] = set()
    for section, key, before, after in ended:
        if section == "customers":
            out.customers.add(key)
        elif section in _OWN:
            for data in (before, after):
                if data is not None:
                    out.customers.add(str(H.fields_of(section, data)["customer"]))
        elif section in _AIMED:
            targets.add(str(json.loads(key)[1]))
        elif section in SHARED_SECTIONS:
            out.shared = True
    if targets:
        for ds in (old, new):
            if ds is not None:
                out.customers.update(p.customer for p in ds.key_persons if p.id in targets)
    return out


# ---------------------------------------------------------------------- the cache
@dataclass(frozen=True)
class CacheKey:
    """The key a cached result is valid for (max_cost is the store's second key column)."""

    stamp: int
    shared: int
    rules: int


@dataclass
class CacheState:
    """What a store holds for a run, read in the run's snapshot: the stamps, and the
    entries stored for ``max_cost`` (``customer -> (key, payload)``). A customer
    without a stamp (a store of an older brmgraph that no import has stamped yet) has
    stamp 0, like the store-wide stamp when missing."""

    stamps: dict[str, int]
    shared: int
    entries: dict[str, tuple[CacheKey, str]] = field(default_factory=dict)

    def key(self, customer: str, rules: int) -> CacheKey:
        return CacheKey(self.stamps.get(customer, 0), self.shared, rules)

    def valid(self, customer: str, rules: int) -> str | None:
        """The cached payload of ``customer`` when its key is the current one, else None."""
        got = self.entries.get(customer)
        if got is None or got[0] != self.key(customer, rules):
            return None
        return got[1]


#: a result to write: (customer, its key, payload)
Entry = tuple[str, CacheKey, str]


def encode(records: list[F]) -> str:
    """The flag records of one customer as compact JSON (per record its values in field
    order, as ``model_dump(mode="json")`` gives them)."""
    return json.dumps(
        [list(f.model_dump(mode="json").values()) for f in records], ensure_ascii=False, separators=(",", ":")
    )


def decode(payload: str, flag: type[F]) -> list[F]:
    """The records (of type ``flag``) of :func:`encode`'s text (raises ValueError when
    it is not)."""
    if payload == "[]":  # most customers: no flags
        return []
    names = list(flag.model_fields)
    rows: Any = json.loads(payload)
    if not isinstance(rows, list) or any(not isinstance(r, list) or len(r) != len(names) for r in rows):
        raise ValueError("a cached flag result has the wrong shape")
    return [flag.model_construct(**dict(zip(names, r))) for r in rows]

"""The compact per-customer row: what the batch analyses (``flags``) read of one customer,
built by one function (:func:`assemble`) from the stored columns. The embedded store
keeps one per customer (:mod:`brmgraph.store.sqlite.compact`); the Neo4j store builds
them as it reads. Encoded, a row is ``marshal`` of plain containers only (str, int, float, None, tuple, list, dict), never
code, in this layout (:data:`FORMAT` 1):

``(1, customer, persons, opposing, vetoes, kinds, succ, arc_kinds, influences, projects, status, chains)``

Items that a batch run mostly does not read are nested ``marshal`` bytes, decoded only
when asked for (a row holds ~40 key persons; ``flags`` reads ~8 of them in full):

* ``customer``: the stored customer columns (``records.CUSTOMER_COLUMNS``);
* ``persons``: key person id -> its stored columns (``records.KEY_PERSON_COLUMNS``,
  nested bytes), decoded into a record only when an analysis reads that person;
* ``opposing``: the key persons whose closeness opposes us (the relay rule);
  ``vetoes``: those whose veto is ``yes``;
* ``kinds``: node -> ``key_person`` / ``employee`` / ``competitor_staff`` for the key
  persons and the staff with an influence edge into the customer;
* ``succ`` and ``arc_kinds``: the arcs with their costs and kinds, as
  :class:`~brmgraph.graph.CustomerGraph` holds them, computed by
  :func:`brmgraph.graph.arc_tables` (the one owner of the arc rules); ``arc_kinds``
  as nested bytes;
* ``influences``: (source, target, strength) of the edges into the customer (nested bytes);
* ``projects``: project id -> its stored columns (nested bytes), decision chain and
  competitors as lists rather than JSON text; ``status``: project id -> its status;
  ``chains``: project id -> the persons of its decision chain, in chain order.

Employees, competitor staff and competitors are read once per run (only their ids are
in the row), so a change to one of them rewrites only the rows whose arcs it can change:
those of the customers it has an influence edge into.
"""

from __future__ import annotations

import marshal
from collections.abc import Callable
from typing import Any

from ..graph import KIND_COMPETITOR_STAFF, KIND_EMPLOYEE, KIND_KEY_PERSON, arc_tables
from . import records as R

#: layout version of an encoded row (the first item of the tuple)
FORMAT = 1

_STANCE, _STRENGTH = R._STANCE, R._STRENGTH
#: the stored stance keys whose closeness opposes us
_OPPOSING = frozenset(k for k, s in _STANCE.items() if s.opposing)


def assemble(
    customer: tuple[Any, ...],
    persons: dict[str, tuple[Any, ...]],
    projects: dict[str, tuple[Any, ...]],
    edges: list[tuple[str, str, str]],
    employees: set[str],
    staff: set[str],
) -> tuple[Any, ...]:
    """The row of one customer from its stored columns: ``customer`` (the customer
    columns), ``persons`` (id -> key person columns), ``projects`` (id -> project
    columns, decision chain and competitors as lists), ``edges`` ((source, target,
    stored strength) of the influences into the customer); ``employees``, ``staff``:
    the ids among the sources that are our employees / competitor staff."""
    ps = persons
    es = [e for e in edges if e[1] in ps]
    srcs = sorted({e[0] for e in es})
    kinds = dict.fromkeys(ps, KIND_KEY_PERSON)
    kinds.update(dict.fromkeys((s for s in srcs if s in employees), KIND_EMPLOYEE))
    kinds.update(dict.fromkeys((s for s in srcs if s in staff), KIND_COMPETITOR_STAFF))
    # (stored keys looked up in a set; any other value through the decoder: its default or error)
    opposing = [pid for pid, r in ps.items() if r[5] in _OPPOSING or (r[5] not in _STANCE and _stance(pid, r[5]).opposing)]
    strengths = [(s, t, _STRENGTH.get(k) or _strength(s, t, k)) for s, t, k in es]
    succ, arc_kinds = arc_tables(
        kinds,
        {pid: r[10] for pid, r in ps.items()},
        {s for s in srcs if s in employees or s in staff},
        strengths,
    )
    js = projects
    vetoes = [pid for pid, r in ps.items() if r[8] == "yes"]  # (the stored key of Tri.yes)
    return (
        FORMAT, tuple(customer),
        dict(zip(ps, map(_dumps, ps.values()))), opposing, vetoes, kinds, succ, dumps(arc_kinds), dumps(es),
        {j: dumps(r) for j, r in js.items()}, {j: r[3] for j, r in js.items()},
        {j: [_member(m) for m in r[7]] for j, r in js.items()},
    )


def _stance(pid: str, value: str | None) -> Any:
    return _STANCE.get(value) or R._enum(_STANCE, value, "unknown", "key person", pid, "closeness")  # type: ignore[arg-type]


def _strength(s: str, t: str, value: str | None) -> Any:
    """The strength of a stored value that is not a plain key: the default, or the
    decoder's error (a damaged store)."""
    return R._enum(_STRENGTH, value, "medium", "influence", f"{s}->{t}", "strength")


def _member(m: Any) -> str:
    """The person of a stored decision-chain member (``[person, role]`` or ``{"person":}``)."""
    return m["person"] if isinstance(m, dict) else m[0]  # type: ignore[no-any-return]


def dumps(value: Any) -> bytes:
    return marshal.dumps(value, 4)


#: :func:`dumps` without a Python frame per value (version 4 is marshal's default)
_dumps: Callable[[Any], bytes] = marshal.dumps if marshal.version == 4 else dumps


def loads(data: bytes) -> Any:
    """A nested item of a row (see :func:`decode` for the whole row)."""
    return marshal.loads(data)


def decode(customer: str, data: Any) -> tuple[Any, ...]:
    """A stored row back as its tuple; :class:`~brmgraph.store.records.BadValue` (a
    damaged store) when it is not one this version wrote."""
    try:
        row = marshal.loads(data)
    except (EOFError, ValueError, TypeError):
        row = None
    if type(row) is not tuple or len(row) != 12 or row[0] != FORMAT:
        raise R.BadValue(f"the compact row of customer {customer!r} is unreadable")
    return row


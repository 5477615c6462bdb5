"""Compact per-customer rows of the embedded store (schema 4): what the batch analyses
(``flags``) read, one row per customer, kept in the same transaction as every write.

Table ``customer_compact(customer TEXT PRIMARY KEY, data BLOB NOT NULL)``; ``data`` is
``marshal`` of plain containers only (str, int, float, None, tuple, list, dict), never
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

Every import calls :func:`touched` before it writes and :func:`rebuild` after, in its
own transaction; a replacing import rebuilds every row. A store of schema 3 gets its
rows built by the migration to 4.
"""

from __future__ import annotations

import marshal
import sqlite3
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ...graph import KIND_COMPETITOR_STAFF, KIND_EMPLOYEE, KIND_KEY_PERSON, arc_tables
from .. import records as R
from .schema import _COLS, _chunks, _marks

if TYPE_CHECKING:
    from ...model import Dataset

#: layout version of ``data`` (the first item of the tuple)
FORMAT = 1
#: customers built per round of queries
BATCH = 200


def touched(conn: sqlite3.Connection, ds: Dataset) -> set[str]:
    """Customers whose compact row an upsert of ``ds`` may change; call it BEFORE the
    records are written (a key person or project moved to another customer changes the
    row of the customer it leaves too)."""
    out = {c.id for c in ds.customers}
    out |= {p.customer for p in ds.key_persons}
    out |= {j.customer for j in ds.projects}
    file_customer = {p.id: p.customer for p in ds.key_persons}
    out |= _customers_of(conn, "key_persons", "id", [p.id for p in ds.key_persons])
    out |= _customers_of(conn, "projects", "id", [j.id for j in ds.projects])
    out |= {file_customer[i.target] for i in ds.influences if i.target in file_customer}
    # (an influence is stored with its target's customer, and key persons change customer
    # only by --replace, which rebuilds every row)
    out |= _customers_of(conn, "key_persons", "id", sorted({i.target for i in ds.influences} - file_customer.keys()))
    # staff decide which influence edges are arcs: the customers they have edges into
    staff = [e.id for e in ds.employees] + [s.id for s in ds.competitor_staff]
    out |= _customers_of(conn, "influences", "source", staff)
    return out


def _customers_of(conn: sqlite3.Connection, table: str, column: str, ids: list[str]) -> set[str]:
    out: set[str] = set()
    for chunk in _chunks(ids, 500):
        # table and column names are constants of this module; the ids are parameters
        sql = f"SELECT DISTINCT customer FROM {table} WHERE {column} IN ({_marks(len(chunk))})"
        out.update(r[0] for r in conn.execute(sql, chunk))
    return out


def rebuild(conn: sqlite3.Connection, ids: Iterable[str] | None = None) -> None:
    """Write the compact rows of ``ids`` (every customer when ``None``: the old rows are
    dropped first) from the stored records, inside the caller's write transaction. A
    customer that no longer exists loses its row."""
    if ids is None:
        conn.execute("DELETE FROM customer_compact")
        wanted = [r[0] for r in conn.execute("SELECT id FROM customers ORDER BY id")]
    else:
        wanted = sorted(ids)
    for chunk in _chunks(wanted, BATCH):
        rows = build(conn, chunk)
        gone = [c for c in chunk if c not in rows]
        if gone:
            conn.execute(f"DELETE FROM customer_compact WHERE customer IN ({_marks(len(gone))})", gone)
        conn.executemany("INSERT OR REPLACE INTO customer_compact(customer, data) VALUES (?, ?)", rows.items())


def build(conn: sqlite3.Connection, chunk: list[str]) -> dict[str, bytes]:
    """The encoded compact rows of the customers of ``chunk`` that exist."""
    marks = _marks(len(chunk))
    customers = {r[0]: r for r in conn.execute(f"SELECT {_COLS['customers']} FROM customers WHERE id IN ({marks})", chunk)}
    persons: dict[str, dict[str, tuple[Any, ...]]] = {c: {} for c in chunk}
    for r in conn.execute(f"SELECT {_COLS['key_persons']} FROM key_persons WHERE customer IN ({marks}) ORDER BY id", chunk):
        persons[r[1]][r[0]] = r
    projects: dict[str, dict[str, tuple[Any, ...]]] = {c: {} for c in chunk}
    for r in conn.execute(f"SELECT {_COLS['projects']} FROM projects WHERE customer IN ({marks}) ORDER BY id", chunk):
        projects[r[1]][r[0]] = (*r[:7], R._json(r[7], []), R._json(r[8], []))
    edges: dict[str, list[tuple[str, str, str]]] = {c: [] for c in chunk}
    for cu, s, t, k in conn.execute(
        f"SELECT customer, source, target, strength FROM influences WHERE customer IN ({marks}) ORDER BY source, target", chunk
    ):
        edges[cu].append((s, t, k))
    sources = sorted({e[0] for es in edges.values() for e in es})
    employees = _existing(conn, "employees", sources)
    staff = _existing(conn, "competitor_staff", sources)
    out: dict[str, bytes] = {}
    for cid in chunk:
        if cid not in customers:
            continue
        ps = persons[cid]
        es = [e for e in edges[cid] if e[1] in ps]
        srcs = sorted({e[0] for e in es})
        kinds = dict.fromkeys(ps, KIND_KEY_PERSON)
        kinds.update(dict.fromkeys((s for s in srcs if s in employees), KIND_EMPLOYEE))
        kinds.update(dict.fromkeys((s for s in srcs if s in staff), KIND_COMPETITOR_STAFF))
        opposing = [pid for pid, r in ps.items() if _stance(pid, r[5]).opposing]
        strengths = [(s, t, _STRENGTH.get(k) or _strength(s, t, k)) for s, t, k in es]
        succ, arc_kinds = arc_tables(
            kinds,
            {pid: r[10] for pid, r in ps.items()},
            {s for s in srcs if s in employees or s in staff},
            strengths,
        )
        js = projects[cid]
        vetoes = [pid for pid, r in ps.items() if r[8] == "yes"]  # (the stored key of Tri.yes)
        row = (
            FORMAT, tuple(customers[cid]),
            {pid: dumps(r) for pid, r in ps.items()}, opposing, vetoes, kinds, succ, dumps(arc_kinds), dumps(es),
            {j: dumps(r) for j, r in js.items()}, {j: r[3] for j, r in js.items()},
            {j: [_member(m) for m in r[7]] for j, r in js.items()},
        )
        out[cid] = dumps(row)
    return out


_STANCE, _STRENGTH = R._STANCE, R._STRENGTH


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


def loads(data: bytes) -> Any:
    """A nested item of a row (see :func:`decode` for the whole row)."""
    return marshal.loads(data)


def _existing(conn: sqlite3.Connection, table: str, ids: list[str]) -> set[str]:
    out: set[str] = set()
    for chunk in _chunks(ids, 500):
        out.update(r[0] for r in conn.execute(f"SELECT id FROM {table} WHERE id IN ({_marks(len(chunk))})", chunk))
    return out


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

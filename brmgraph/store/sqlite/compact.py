"""The embedded store's flag rows: table ``customer_compact(customer TEXT PRIMARY KEY,
data BLOB NOT NULL)``, ``data`` the text of :func:`brmgraph.store.compact.encode`, one
row per customer, derived from the tables by :func:`build`.

Every import rewrites, inside its own transaction, the rows of the customers it may
change (:func:`touched` / :func:`changed`, read before it writes; every row for an
import into an empty store or a replacing one) and of any customer whose row is
missing, damaged or of an older layout (:func:`refresh`). A reader that finds a row missing or
unreadable builds it from the tables in its snapshot (:func:`build`): derived data is
never the reason a store reads as damaged.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from .. import history as H
from .. import records as R
from ..compact import PersonIn, ProjectIn, assemble, encode, intact
from .schema import _chunks, _marks

if TYPE_CHECKING:
    from ...model import Dataset

#: customers built per round of queries
BATCH = 200

_PERSON_SQL = f"SELECT customer, {', '.join(PersonIn._fields)} FROM key_persons WHERE customer IN "
_PROJECT_SQL = "SELECT customer, id, name, status, stage, amount, decision_chain, competitors FROM projects WHERE customer IN "
_EDGE_SQL = "SELECT customer, source, target, strength FROM influences WHERE customer IN "
_FIRST = itemgetter(0)
_PERSON = itemgetter(*range(1, 1 + len(PersonIn._fields)))
_EDGE = itemgetter(1, 2, 3)


def touched(conn: sqlite3.Connection, ds: Dataset) -> set[str]:
    """Customers whose row an upsert of ``ds`` may change; call it BEFORE the records
    are written (a key person or project moved to another customer changes the row of
    the customer it leaves too). For the store's first change set (no plan rows)."""
    out = {c.id for c in ds.customers}
    out |= {p.customer for p in ds.key_persons}
    out |= {j.customer for j in ds.projects}
    file_customer = {p.id: p.customer for p in ds.key_persons}
    out |= _customers_of(conn, "key_persons", "id", [p.id for p in ds.key_persons])
    out |= _customers_of(conn, "projects", "id", [j.id for j in ds.projects])
    out |= {file_customer[i.target] for i in ds.influences if i.target in file_customer}
    out |= _customers_of(conn, "key_persons", "id", sorted({i.target for i in ds.influences} - file_customer.keys()))
    # staff decide which influence edges are arcs: the customers they have edges into
    staff = [e.id for e in ds.employees] + [s.id for s in ds.competitor_staff]
    out |= _customers_of(conn, "influences", "source", staff)
    return out


def changed(conn: sqlite3.Connection, ended: Iterable[H.Ended], customers: set[str]) -> set[str]:
    """Customers whose row an upsert may change, from the versions it ends
    (:func:`~brmgraph.store.history.plan`): ``customers`` (those whose stamp moves,
    :func:`~brmgraph.store.stamps.touched`), and the customers an employee or competitor
    staff member it creates or changes has influence edges into (the member's kind
    decides which edges are arcs). Call it BEFORE the records are written."""
    out = set(customers)
    staff = sorted({key for section, key, _old, _new in ended if section in ("employees", "competitor_staff")})
    out |= _customers_of(conn, "influences", "source", staff)
    return out


def stale(conn: sqlite3.Connection) -> set[str]:
    """Customers whose row is missing, damaged (its CRC) or of another layout (an older
    brmgraph's, or written by another tool)."""
    ok = {cid for cid, data in conn.execute("SELECT customer, data FROM customer_compact") if intact(data) is not None}
    return {r[0] for r in conn.execute("SELECT id FROM customers")} - ok


def _customers_of(conn: sqlite3.Connection, table: str, column: str, ids: list[str]) -> set[str]:
    out: set[str] = set()
    for chunk in _chunks(ids, 500):
        # table and column names are constants of this module; the ids are parameters
        sql = f"SELECT DISTINCT customer FROM {table} WHERE {column} IN ({_marks(len(chunk))})"
        out.update(r[0] for r in conn.execute(sql, chunk))
    return out


def refresh(conn: sqlite3.Connection, ids: Iterable[str] | None = None) -> None:
    """Inside the caller's write transaction: write the rows of ``ids`` (every customer
    when ``None``: the old rows are dropped first) and of every customer whose row is
    missing or stale, from the tables. A customer that no longer exists loses its row."""
    if ids is None:
        conn.execute("DELETE FROM customer_compact")
        wanted = [r[0] for r in conn.execute("SELECT id FROM customers ORDER BY id")]
    else:
        wanted = sorted(set(ids) | stale(conn))
    for chunk in _chunks(wanted, BATCH):
        rows = build(conn, chunk)
        gone = [c for c in chunk if c not in rows]
        if gone:
            conn.execute(f"DELETE FROM customer_compact WHERE customer IN ({_marks(len(gone))})", gone)
        conn.executemany(
            "INSERT OR REPLACE INTO customer_compact(customer, data) VALUES (?, ?)",
            ((cid, encode(row)) for cid, row in rows.items()),
        )


#: the name :mod:`.schema`'s migration calls (every row, from the tables)
rebuild = refresh


def build(conn: sqlite3.Connection, chunk: list[str]) -> dict[str, dict[str, Any]]:
    """The rows (decoded) of the customers of ``chunk`` that exist, from the tables."""
    marks = f"({_marks(len(chunk))})"
    names = dict(conn.execute(f"SELECT id, name FROM customers WHERE id IN {marks}", chunk))
    persons: dict[str, list[Any]] = {c: [] for c in chunk}
    for cu, rows in groupby(conn.execute(_PERSON_SQL + marks + " ORDER BY customer, id", chunk), _FIRST):
        persons[cu] = list(map(_PERSON, rows))  # (PersonIn's order)
    projects: dict[str, list[ProjectIn]] = {c: [] for c in chunk}
    for cu, jid, name, status, stage, amount, chain, comps in conn.execute(_PROJECT_SQL + marks, chunk):
        projects[cu].append(ProjectIn(jid, name, status, stage, amount, _members(chain), list(_json(comps))))
    edges: dict[str, list[tuple[str, str, str]]] = {c: [] for c in chunk}
    for cu, rows in groupby(conn.execute(_EDGE_SQL + marks + " ORDER BY customer, source, target", chunk), _FIRST):
        edges[cu] = list(map(_EDGE, rows))
    sources = sorted({e[0] for es in edges.values() for e in es})
    employees = _existing(conn, "employees", sources)
    staff = _existing(conn, "competitor_staff", sources)
    return {
        cid: assemble((cid, names[cid]), persons[cid], projects[cid], edges[cid], employees, staff)
        for cid in chunk
        if cid in names
    }


def _json(text: Any) -> Any:
    if not isinstance(text, str) or not text:
        return text or []
    try:
        return json.loads(text)
    except ValueError:
        raise R.BadValue(f"a stored list is not JSON: {text[:40]!r}") from None


def _members(text: Any) -> list[str]:
    """The persons of a stored decision chain (``[[person, role], ...]`` or
    ``[{"person":, "role":}, ...]``), in order."""
    return [m["person"] if isinstance(m, dict) else m[0] for m in _json(text)]


def _existing(conn: sqlite3.Connection, table: str, ids: list[str]) -> set[str]:
    out: set[str] = set()
    for chunk in _chunks(ids, 500):
        out.update(r[0] for r in conn.execute(f"SELECT id FROM {table} WHERE id IN ({_marks(len(chunk))})", chunk))
    return out

"""The embedded store's compact per-customer rows (schema 4): table
``customer_compact(customer TEXT PRIMARY KEY, data BLOB NOT NULL)``, ``data`` in the
layout of :mod:`brmgraph.store.compact`, one row per customer, kept in the same
transaction as every write.

Every import calls :func:`touched` before it writes and :func:`rebuild` after, in its
own transaction; a replacing import rebuilds every row. A store of schema 3 gets its
rows built by the migration to 4.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import signal
import sqlite3
import threading
from collections.abc import Callable, Iterable
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from .. import history as H
from .. import records as R
from ..compact import assemble, dumps
from .schema import _COLS, _chunks, _marks

if TYPE_CHECKING:
    from ...model import Dataset

#: customers built per round of queries
BATCH = 200
#: an import into an empty store (or a replacing one) with at least this many key
#: persons and influences builds its compact rows in a second process (:func:`fork`)
FORK_ROWS = 50_000


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


def changed(conn: sqlite3.Connection, ended: Iterable[H.Ended], customers: set[str]) -> set[str]:
    """Customers whose compact row an upsert may change, from the versions it ends
    (:func:`~brmgraph.store.history.plan`): ``customers``, those whose stamp moves
    (:func:`~brmgraph.store.stamps.touched`: the customers of the key persons, projects
    and customer records it creates or changes, before and after, and of the persons
    the influences it creates or changes aim at), and the customers an employee or
    competitor staff member it creates or changes has influence edges into (the
    member's kind decides which edges are arcs). Call it BEFORE the records are
    written. Unlike :func:`touched`, a record the file repeats unchanged touches
    nothing. Needs a plan with "absent" rows (not the store's first change set)."""
    out = set(customers)
    staff = sorted({key for section, key, _old, _new in ended if section in ("employees", "competitor_staff")})
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
        if cid in customers:
            out[cid] = dumps(assemble(customers[cid], persons[cid], projects[cid], edges[cid], employees, staff))
    return out


def build_from_rows(
    customers: list[tuple[Any, ...]],
    persons: list[tuple[Any, ...]],
    projects: list[tuple[Any, ...]],
    influences: list[tuple[Any, ...]],
    employees: set[str],
    staff: set[str],
) -> dict[str, bytes]:
    """The encoded compact rows of a store that holds exactly these rows, as the import
    inserts them (in insertion order: a later row with the same key replaces an earlier
    one, as ``INSERT OR REPLACE`` does): ``customers`` and ``persons`` in their column
    order, ``projects`` with the decision chain and competitors as lists (not JSON
    text), ``influences`` as (source, target, strength, customer). The same rows as
    :func:`build` reads back from the tables after such an import (equal values of
    equal types), without reading them: for an import into an empty store or a
    replacing one."""
    cust = {r[0]: r for r in customers}
    # grouped by customer by C-level sorts and groupby, not a Python step per record
    ps: dict[str, dict[str, tuple[Any, ...]]] = {c: {} for c in cust}
    for cid, group in groupby(sorted(_last(persons, _ID), key=_BY_CUSTOMER_ID), _CUSTOMER):
        if cid in ps:
            rs = list(group)
            ps[cid] = dict(zip(map(_ID, rs), rs))
    js: dict[str, dict[str, tuple[Any, ...]]] = {c: {} for c in cust}
    for cid, group in groupby(sorted(_last(projects, _ID), key=_BY_CUSTOMER_ID), _CUSTOMER):
        if cid in js:
            rs = list(group)
            js[cid] = dict(zip(map(_ID, rs), rs))
    edges: dict[str, list[tuple[str, str, str]]] = {c: [] for c in cust}
    for cid, group in groupby(sorted(_last(influences, _EDGE), key=_BY_EDGE_CUSTOMER), _EDGE_CUSTOMER):
        if cid in edges:
            edges[cid] = list(map(_EDGE_ROW, group))
    return {cid: dumps(assemble(cust[cid], ps[cid], js[cid], edges[cid], employees, staff)) for cid in sorted(cust)}


_ID = itemgetter(0)
_CUSTOMER = itemgetter(1)
_BY_CUSTOMER_ID = itemgetter(1, 0)
_EDGE = itemgetter(0, 1)
_EDGE_CUSTOMER = itemgetter(3)
_BY_EDGE_CUSTOMER = itemgetter(3, 0, 1)
_EDGE_ROW = itemgetter(0, 1, 2)


def _last(rows: list[tuple[Any, ...]], key: Callable[[tuple[Any, ...]], Any]) -> Iterable[tuple[Any, ...]]:
    """``rows`` where a later row replaces an earlier one with the same key (as
    ``INSERT OR REPLACE`` does); the rows themselves when their keys are distinct."""
    by_key = dict(zip(map(key, rows), rows))
    return rows if len(by_key) == len(rows) else by_key.values()


class Forked:
    """A function's compact rows (``dict[str, bytes]``) computed by a forked child
    process while this one goes on (an import writes its tables meanwhile): the child
    shares the parent's memory as it was at the fork, sends the rows back through a
    pipe, and leaves by ``os._exit`` (nothing of the parent, such as its SQLite
    connection, is closed or flushed by the child). :meth:`result` gives ``None`` when
    the child failed, so the caller builds the rows itself.

    ``check``, when given, runs in the child first (the import's checks against an
    empty store); when it raises, the child sends no rows and :meth:`result` gives
    ``None``: the caller then runs the check itself, which raises the same error with
    the same message (an exception is not sent between processes)."""

    def __init__(self, build: Callable[[], dict[str, bytes]], check: Callable[[], None] | None = None) -> None:
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child
            code = 1
            try:
                os.close(r)
                if check is not None:
                    check()
                data = marshal.dumps(build())
                with os.fdopen(w, "wb") as out:
                    out.write(data)
                code = 0
            finally:
                os._exit(code)
        os.close(w)
        self.pid, self.fd = pid, r

    def result(self) -> dict[str, bytes] | None:
        with os.fdopen(self.fd, "rb") as f:
            data = f.read()
        _, status = os.waitpid(self.pid, 0)
        if status != 0:
            return None
        rows = marshal.loads(data)
        return rows if type(rows) is dict else None

    def cancel(self) -> None:
        """Stop the child (the import failed) and wait for it."""
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.close(self.fd)
        with contextlib.suppress(OSError):
            os.waitpid(self.pid, 0)


def fork(build: Callable[[], dict[str, bytes]], rows: int, check: Callable[[], None] | None = None) -> Forked | None:
    """:class:`Forked` for an import of ``rows`` key persons and influences when it is
    large enough (:data:`FORK_ROWS`), the platform can fork and this process runs one
    thread (a forked copy of a threaded process, such as the web server's, may inherit
    locks other threads hold); else ``None``."""
    if rows < FORK_ROWS or not hasattr(os, "fork") or threading.active_count() > 1:
        return None
    try:
        return Forked(build, check)
    except OSError:  # no process or pipe to spare: build them in this one
        return None


def write_rows(conn: sqlite3.Connection, rows: dict[str, bytes]) -> None:
    """Replace every compact row by ``rows`` (from :func:`build_from_rows`), inside the
    caller's write transaction."""
    conn.execute("DELETE FROM customer_compact")
    conn.executemany("INSERT INTO customer_compact(customer, data) VALUES (?, ?)", rows.items())


def _existing(conn: sqlite3.Connection, table: str, ids: list[str]) -> set[str]:
    out: set[str] = set()
    for chunk in _chunks(ids, 500):
        out.update(r[0] for r in conn.execute(f"SELECT id FROM {table} WHERE id IN ({_marks(len(chunk))})", chunk))
    return out


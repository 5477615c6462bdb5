"""The embedded store's table layout: its version and format mark, the schema, the
upgrade steps between versions, the columns each version reads, and small SQL helpers."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ...errors import BadArgument
from ...schema import KINDS, Field, Kind
from .. import records as R

BUSY_TIMEOUT_S = 120.0
#: version of the table layout; a store carries it (and :data:`FORMAT_MARK`) in ``meta``
SCHEMA_VERSION = 7
#: ``meta.format`` of every brmgraph store: a database without it is not ours
FORMAT_MARK = "brmgraph"

#: customer stamps, the store-wide stamp (one row) and cached flag results
#: (brmgraph/store/stamps.py)
CACHE_SCHEMA = """
CREATE TABLE IF NOT EXISTS customer_stamps (customer TEXT PRIMARY KEY, changeset INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS shared_stamp (id INTEGER PRIMARY KEY CHECK (id = 1), changeset INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS flag_cache (
    customer TEXT NOT NULL, max_cost INTEGER NOT NULL, stamp INTEGER NOT NULL, shared INTEGER NOT NULL,
    rules INTEGER NOT NULL, flags TEXT NOT NULL, PRIMARY KEY (customer, max_cost)) WITHOUT ROWID;
"""

#: the key person field whose customer a row of these tables carries (an extra column
#: ``customer``, for indexed reads of one customer)
OWNER_OF = {"influences": "target", "interactions": "person"}
#: SQL column type by field type (``NOT NULL`` unless the field may be missing)
_SQL_TYPE = {"float": "REAL", "int": "INTEGER", "bool": "INTEGER"}


def _column(f: Field) -> str:
    nullable = f.empty() is None and not f.required
    return f"{f.name} {_SQL_TYPE.get(f.type, 'TEXT')}{'' if nullable else ' NOT NULL'}"


def _table(k: Kind) -> str:
    """The CREATE TABLE (and customer index) of one record kind, from its declaration."""
    cols = [_column(f) for f in k.fields]
    if k.section in OWNER_OF:
        cols.append("customer TEXT NOT NULL")
    if k.key == ("id",):
        cols[0] += " PRIMARY KEY"
    else:
        cols.append(f"PRIMARY KEY ({', '.join(k.key)})")
    sql = f"CREATE TABLE IF NOT EXISTS {k.section} ({', '.join(cols)});\n"
    if k.customer or k.section in OWNER_OF:
        sql += f"CREATE INDEX IF NOT EXISTS {k.section}_customer ON {k.section}(customer);\n"
    return sql

#: a change set's version rows, packed per customer they belong to (customer '':
#: employees, competitors, staff; store/history.py pack_by_customer); change sets
#: written before schema 6 keep theirs in changesets.versions. Keyed by change set first,
#: so an import appends (full pages) and a reader seeks (change set, customer) pairs
HISTORY_PARTS = """
CREATE TABLE IF NOT EXISTS history_parts (
    customer TEXT NOT NULL, changeset INTEGER NOT NULL, versions BLOB NOT NULL,
    PRIMARY KEY (changeset, customer)) WITHOUT ROWID;
"""

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
""" + "".join(_table(k) for k in KINDS.values()) + """
CREATE TABLE IF NOT EXISTS changesets (
    id INTEGER PRIMARY KEY, time TEXT NOT NULL, source TEXT NOT NULL, mode TEXT NOT NULL, counts TEXT NOT NULL,
    versions BLOB);
CREATE TABLE IF NOT EXISTS versions (
    section TEXT NOT NULL, key TEXT NOT NULL, data TEXT, valid_from TEXT, valid_to TEXT NOT NULL,
    changeset INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS versions_key ON versions(section, key);
""" + HISTORY_PARTS + """
CREATE TABLE IF NOT EXISTS customer_compact (customer TEXT PRIMARY KEY, data BLOB NOT NULL);
""" + CACHE_SCHEMA

def add_declared_columns(conn: sqlite3.Connection) -> None:
    """Add every column a record kind declares (brmgraph/schema.py) that its table lacks,
    holding the field's default in the rows already stored: a new field is one
    declaration and one migration step naming this function."""
    for k in KINDS.values():
        have = {row[1] for row in conn.execute(f"PRAGMA table_info({k.section})")}  # constant names
        for f in k.fields:
            if f.name not in have:
                empty = f.empty()
                stored = getattr(empty, "value", empty)
                default = "" if stored is None else f" DEFAULT {_literal(stored)}"
                conn.execute(f"ALTER TABLE {k.section} ADD COLUMN {_column(f)}{default}")


def _literal(value: Any) -> str:
    """A constant default of the declaration as SQL text (never user data)."""
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, (list, dict)):
        return _literal(json.dumps(value))
    return repr(value)


def _upgrade_history(conn: sqlite3.Connection) -> None:
    from .history import upgrade_history

    upgrade_history(conn)


def _build_compact_rows(conn: sqlite3.Connection) -> None:
    from .compact import rebuild

    rebuild(conn)


#: the explicit upgrade steps: MIGRATIONS[v] turns schema v into v + 1 (run by
#: SqliteStore.migrate in one transaction, oldest first); a step is SQL text, or a
#: function given the connection for what SQL alone cannot do
MIGRATIONS: dict[int, tuple[str | Callable[[sqlite3.Connection], None], ...]] = {
    # 1 -> 2: history (change sets and version rows) beside the latest state
    1: (
        "CREATE TABLE changesets (id INTEGER PRIMARY KEY, time TEXT NOT NULL, source TEXT NOT NULL, "
        "mode TEXT NOT NULL, counts TEXT NOT NULL)",
        "CREATE TABLE versions (section TEXT NOT NULL, key TEXT NOT NULL, data TEXT, valid_from TEXT, "
        "valid_to TEXT NOT NULL, changeset INTEGER NOT NULL)",
        "CREATE INDEX versions_key ON versions(section, key)",
    ),
    # 2 -> 3: a change set's version rows packed into one value beside it (the rows of
    # schema 2 stay and are read as they are)
    2: ("ALTER TABLE changesets ADD COLUMN versions BLOB",),
    # 3 -> 4: one compact row per customer for the batch analyses (store/sqlite/compact.py)
    3: ("CREATE TABLE IF NOT EXISTS customer_compact (customer TEXT PRIMARY KEY, data BLOB NOT NULL)", _build_compact_rows),
    # 4 -> 5: customer stamps and the flag cache; every stored customer (and the
    # store-wide stamp) starts at the latest change set, the cache empty
    4: (
        *(stmt.strip() for stmt in CACHE_SCHEMA.split(";") if stmt.strip()),
        "INSERT OR REPLACE INTO customer_stamps(customer, changeset) "
        "SELECT id, COALESCE((SELECT MAX(id) FROM changesets), 0) FROM customers",
        "INSERT OR REPLACE INTO shared_stamp(id, changeset) SELECT 1, COALESCE(MAX(id), 0) FROM changesets",
    ),
    # 5 -> 6: e-mail on key persons, employees and competitor staff; status and left_on
    # on key persons and employees (their defaults in the rows already stored)
    5: (add_declared_columns,),
    # 6 -> 7: history payloads by field name instead of position (the fields of schema 5,
    # frozen in store/history.py), and new change sets' version rows packed per customer
    # (store/sqlite/history.py: upgrade_history)
    6: (HISTORY_PARTS.strip().rstrip(";"), _upgrade_history),
}

TABLES = tuple(KINDS)
#: every table and the columns this version reads (a store missing one is damaged)
EXPECTED_COLUMNS: dict[str, tuple[str, ...]] = {
    "meta": ("key", "value"),
    **{t: R.DECODERS[t][1] for t in TABLES},
    "changesets": ("id", "time", "source", "mode", "counts", "versions"),
    "versions": ("section", "key", "data", "valid_from", "valid_to", "changeset"),
    "history_parts": ("customer", "changeset", "versions"),
    "customer_compact": ("customer", "data"),
    "customer_stamps": ("customer", "changeset"),
    "shared_stamp": ("id", "changeset"),
    "flag_cache": ("customer", "max_cost", "stamp", "shared", "rules", "flags"),
}


def path_of(url: str) -> Path:
    """``sqlite:///rel.db`` → ``rel.db``; ``sqlite:////abs.db`` → ``/abs.db`` (SQLAlchemy's spelling)."""
    if not url.startswith("sqlite:///"):
        from ..base import redact_url

        raise BadArgument(f"not an embedded store URL {redact_url(url)!r}; use sqlite:///relative.db or sqlite:////absolute.db")
    rest = url[len("sqlite:///") :]
    if not rest:
        raise BadArgument(f"store URL {url!r} names no file")
    return Path(rest)


# ---------------------------------------------------------------------- helpers
#: SELECT column list of each table, in its decoder's parameter order
_COLS = {section: R.select(cols) for section, (_decode, cols) in R.DECODERS.items()}


def _marks(n: int) -> str:
    """``?,?,…`` for an ``IN (…)`` list of n values: placeholders only, the values are
    always bound as parameters."""
    return ",".join("?" * n)


def _chunks(items: list[Any], n: int) -> Iterable[list[Any]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]

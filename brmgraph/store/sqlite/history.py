"""History of the embedded store: the change sets, their version rows, the index of the
change sets per customer, and the upgrade of history written by schema 5."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from .. import history as H
from .. import records as R
from .. import stamps as S
from .connection import SqliteConnection
from .schema import _chunks, _marks

#: the column a current record is looked up by in :meth:`SqliteHistory.records_by`
_BY = {"influences": "target", "interactions": "person"}


class SqliteHistory(SqliteConnection):
    """Change sets and version rows (the history itself is computed in
    :mod:`brmgraph.store.history`)."""

    def _changesets(self) -> list[H.ChangeSet]:
        return [
            H.ChangeSet(i, t, src, mode, json.loads(counts))
            for i, t, src, mode, counts in self.conn.execute("SELECT id, time, source, mode, counts FROM changesets ORDER BY id")
        ]

    def changesets(self) -> list[H.ChangeSet]:
        return self._changesets()

    def history_rows(self) -> tuple[list[tuple[int, str, bytes | None]], list[H.Version]]:
        packed = list(self.conn.execute("SELECT id, time, versions FROM changesets ORDER BY id"))
        legacy = [
            H.Version(*r)
            for r in self.conn.execute("SELECT section, key, data, valid_from, valid_to, changeset FROM versions")
        ]
        return packed, legacy

    def history_blobs(self, customer: str | None, after: str) -> list[tuple[int, str, bytes | None]]:
        with self._guard():
            if customer is None:
                sql, args = "SELECT id, time, versions FROM changesets WHERE time > ? ORDER BY id", (after,)
            else:
                sql = (
                    "SELECT id, time, versions FROM changesets WHERE time > ? AND id IN "
                    "(SELECT changeset FROM changeset_customers WHERE customer IN (?, '', '*')) ORDER BY id"
                )
                args = (after, customer)  # type: ignore[assignment]
            return list(self.conn.execute(sql, args))

    def has_legacy_history(self) -> bool:
        with self._guard():
            return self.conn.execute("SELECT 1 FROM versions LIMIT 1").fetchone() is not None

    def records_by(self, section: str, ids: list[str]) -> list[Any]:
        decode, cols = R.DECODERS[section]
        column = _BY.get(section, "id")
        out: list[Any] = []
        with self._guard():
            for chunk in _chunks(sorted(set(ids)), 500):
                # section, column and column names are constants (R.DECODERS, _BY)
                sql = f"SELECT {R.select(cols)} FROM {section} WHERE {column} IN ({_marks(len(chunk))})"
                out.extend(decode(*r) for r in self.conn.execute(sql, chunk))
        return out

    def _write_history_index(self, changeset: int, touched: S.Touched) -> None:
        """Inside an import's transaction: the customers whose records (or records aimed
        at whose key persons) the change set ends versions of (``''``: employees,
        competitors or staff), from the same rule as the stamps (:func:`stamps.touched`)."""
        owners = sorted(touched.customers) + ([""] if touched.shared else [])
        self.conn.executemany(
            "INSERT OR IGNORE INTO changeset_customers(customer, changeset) VALUES (?, ?)", ((o, changeset) for o in owners)
        )


def upgrade_history(conn: sqlite3.Connection) -> None:
    """Schema 5 -> 6, inside the migration's transaction: every change set's packed rows
    and every whole version row by field name (:func:`history.upgrade_packed`,
    :func:`history.upgrade_data`); the change sets upgraded are indexed for every
    customer (``'*'``: which customers their rows touch is not worked out again)."""
    packed = list(conn.execute("SELECT id, versions FROM changesets WHERE versions IS NOT NULL"))
    conn.executemany("UPDATE changesets SET versions = ? WHERE id = ?", ((H.upgrade_packed(b), i) for i, b in packed))
    conn.executemany("INSERT OR IGNORE INTO changeset_customers(customer, changeset) VALUES ('*', ?)", ((i,) for i, _ in packed))
    whole = list(conn.execute("SELECT rowid, section, data FROM versions WHERE data IS NOT NULL"))
    conn.executemany("UPDATE versions SET data = ? WHERE rowid = ?", ((H.upgrade_data(s, d), r) for r, s, d in whole))

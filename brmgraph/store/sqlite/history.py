"""History of the embedded store: the change sets, their version rows (packed per
customer), and the upgrade of history written by schema 5."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from .. import history as H
from .. import records as R
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
        """Per change set its packed rows: one value (written before schema 6) or one per
        customer (``history_parts``; several per change set)."""
        packed = list(self.conn.execute("SELECT id, time, versions FROM changesets ORDER BY id"))
        packed += self.conn.execute(
            "SELECT p.changeset, c.time, p.versions FROM history_parts p JOIN changesets c ON c.id = p.changeset "
            "ORDER BY p.changeset, p.customer"
        )
        legacy = [
            H.Version(*r)
            for r in self.conn.execute("SELECT section, key, data, valid_from, valid_to, changeset FROM versions")
        ]
        return packed, legacy

    def history_blobs(self, customer: str | None, after: str) -> list[tuple[int, str, bytes | None]]:
        """The parts of ``customer`` and of the shared records (every part without one)
        of the change sets after ``after``, and the whole packed values of those written
        before schema 6."""
        with self._guard():
            c = self.conn
            out = list(c.execute("SELECT id, time, versions FROM changesets WHERE time > ? AND versions IS NOT NULL", (after,)))
            if customer is None:
                out += c.execute(
                    "SELECT p.changeset, c.time, p.versions FROM history_parts p JOIN changesets c ON c.id = p.changeset "
                    "WHERE c.time > ?",
                    (after,),
                )
            else:  # one look-up of (change set, customer) per change set after T (CROSS JOIN:
                # SQLite's documented way to keep the change sets the outer loop)
                out += c.execute(
                    "SELECT c.id, c.time, p.versions FROM changesets c CROSS JOIN history_parts p "
                    "ON p.changeset = c.id AND p.customer IN (?, '') WHERE c.time > ?",
                    (customer, after),
                )
            return out

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

    def _write_history_parts(self, changeset: int, parts: dict[str, bytes]) -> None:
        """Inside an import's transaction: its version rows, one value per customer
        (:func:`history.pack_by_customer`)."""
        self.conn.executemany(
            "INSERT INTO history_parts(customer, changeset, versions) VALUES (?, ?, ?)",
            ((owner, changeset, blob) for owner, blob in sorted(parts.items())),
        )


def upgrade_history(conn: sqlite3.Connection) -> None:
    """Schema 5 -> 6, inside the migration's transaction: every change set's packed rows
    and every whole version row by field name (:func:`history.upgrade_packed`,
    :func:`history.upgrade_data`). They stay whole (one value per change set, read for
    every customer); change sets written from now on are packed per customer."""
    packed = list(conn.execute("SELECT id, versions FROM changesets WHERE versions IS NOT NULL"))
    conn.executemany("UPDATE changesets SET versions = ? WHERE id = ?", ((H.upgrade_packed(b), i) for i, b in packed))
    whole = list(conn.execute("SELECT rowid, section, data FROM versions WHERE data IS NOT NULL"))
    conn.executemany("UPDATE versions SET data = ? WHERE rowid = ?", ((H.upgrade_data(s, d), r) for r, s, d in whole))

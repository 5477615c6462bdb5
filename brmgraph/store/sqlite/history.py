"""History reads of the embedded store: the change sets and their version rows."""

from __future__ import annotations

import json

from .. import history as H
from .connection import SqliteConnection


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

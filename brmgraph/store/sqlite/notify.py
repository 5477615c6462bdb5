"""What ``brmgraph notify`` sent, per run id (docs/spec.md §5.5): table
``notify_sends(run_id, channel, part, time, detail)``, made by the first send (a store
that never notifies never has it)."""

from __future__ import annotations

import contextlib
import sqlite3

from ...errors import StoreUnavailable
from .. import history as H
from ..base import redact_url
from .connection import SqliteConnection

_TABLE = """CREATE TABLE IF NOT EXISTS notify_sends (
    run_id TEXT NOT NULL, channel TEXT NOT NULL, part INTEGER NOT NULL, time TEXT NOT NULL, detail TEXT NOT NULL,
    PRIMARY KEY (run_id, channel, part))"""


class SqliteNotify(SqliteConnection):
    def notify_sends(self, run_id: str) -> set[tuple[str, int]]:
        with self._guard():
            if self.conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='notify_sends'").fetchone() is None:
                return set()
            return {(c, int(p)) for c, p in self.conn.execute(
                "SELECT channel, part FROM notify_sends WHERE run_id = ?", (run_id,))}

    def notify_record(self, run_id: str, channel: str, part: int, detail: str = "") -> None:
        if self.readonly:
            raise StoreUnavailable(f"store {redact_url(self.url)} is read-only")
        c = self.conn
        with self._guard("write"):
            try:
                c.execute("BEGIN IMMEDIATE")
                c.execute(_TABLE)
                c.execute("INSERT OR IGNORE INTO notify_sends(run_id, channel, part, time, detail) VALUES (?,?,?,?,?)",
                          (run_id, channel, part, H.now(), detail))
                c.execute("COMMIT")
            except sqlite3.Error:
                if c.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        c.execute("ROLLBACK")
                raise

"""The embedded store's customer stamps and flag cache (brmgraph/store/stamps.py):
stamps written by the import in its transaction, cached results read in the run's
snapshot and written afterwards, best effort."""

from __future__ import annotations

import contextlib
import sqlite3

from .. import stamps as S
from .reading import SqliteReading
from .schema import BUSY_TIMEOUT_S

#: how long a cache write waits for a store another process is writing (ms): an import
#: holds it for minutes, a concurrent cache write for milliseconds
CACHE_BUSY_MS = 20


class SqliteFlagCache(SqliteReading):
    """Stamps and cached flag results."""

    def customer_ids(self) -> list[str]:
        with self._guard():
            return [r[0] for r in self.conn.execute("SELECT id FROM customers ORDER BY id")]

    def _write_stamps(self, changeset: int, touched: S.Touched, *, replace: bool) -> None:
        """Inside the import's write transaction, after its writes: move the stamps of
        the touched customers (and the store-wide one) to ``changeset``. A replace
        drops the stamps and cached results of customers it deleted."""
        c = self.conn
        if touched.first:
            c.execute("DELETE FROM customer_stamps")
            c.execute("DELETE FROM flag_cache")
        c.executemany(
            "INSERT OR REPLACE INTO customer_stamps(customer, changeset) VALUES (?, ?)",
            ((cid, changeset) for cid in sorted(touched.customers)),
        )
        if touched.shared:
            c.execute("INSERT OR REPLACE INTO shared_stamp(id, changeset) VALUES (1, ?)", (changeset,))
        if replace:
            c.execute("DELETE FROM customer_stamps WHERE customer NOT IN (SELECT id FROM customers)")
            c.execute("DELETE FROM flag_cache WHERE customer NOT IN (SELECT id FROM customers)")

    def flag_cache_read(self, max_cost: int) -> S.CacheState | None:
        with self._guard():
            c = self.conn
            row = c.execute("SELECT changeset FROM shared_stamp WHERE id = 1").fetchone()
            shared = row[0] if row is not None else 0
            if not isinstance(shared, int):
                return None  # not a number (written by another tool): no cache this run
            stamps = dict(c.execute("SELECT customer, changeset FROM customer_stamps"))
            entries = {
                cid: (S.CacheKey(stamp, sh, rules), payload)
                for cid, stamp, sh, rules, payload in c.execute(
                    "SELECT customer, stamp, shared, rules, flags FROM flag_cache WHERE max_cost = ?", (max_cost,)
                )
            }
        return S.CacheState(stamps, shared, entries)

    def flag_cache_write(self, max_cost: int, entries: list[S.Entry]) -> bool:
        c = self.conn
        if not entries or self.readonly or c.in_transaction:
            return False
        try:
            c.execute(f"PRAGMA busy_timeout = {CACHE_BUSY_MS}")  # a constant number
            try:
                c.execute("BEGIN IMMEDIATE")
            finally:
                c.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            c.executemany(
                "INSERT OR REPLACE INTO flag_cache(customer, max_cost, stamp, shared, rules, flags) VALUES (?,?,?,?,?,?)",
                ((cid, max_cost, k.stamp, k.shared, k.rules, payload) for cid, k, payload in entries),
            )
            c.execute("COMMIT")
            return True
        except sqlite3.Error:
            if c.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    c.execute("ROLLBACK")
            return False

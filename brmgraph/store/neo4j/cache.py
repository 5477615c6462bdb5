"""Customer stamps and the flag cache on Neo4j (brmgraph/store/stamps.py): ``:BrmStamp
{customer, changeset}`` per customer and one ``:BrmStoreStamp {name: 'store'}``, written
by the import in its transaction; ``:BrmFlagCache {id, customer, max_cost, stamp, shared,
rules, flags}`` per customer and max_cost, read in a flags run's snapshot and written
after it in a short transaction of its own, best effort. Each label has a uniqueness
constraint (cypher/schema.cypher); values travel as parameters only."""

from __future__ import annotations

from typing import Any

from .. import stamps as S
from .connection import Neo4jConnection
from .queries import load_cypher

#: seconds a cache write may take (the server ends it after that): a flags run must never
#: wait on a busy store
WRITE_TIMEOUT_S = 3.0
#: cached results per ``UNWIND $rows`` statement
WRITE_BATCH = 2_000


def write_stamps(tx: Any, changeset: int, touched: S.Touched, *, replace: bool) -> None:
    """Inside the import's transaction, after its writes: move the stamps of the touched
    customers (and the store-wide one) to ``changeset``; a replace drops the stamps and
    cached results of customers it deleted."""
    if touched.first:
        tx.run(load_cypher("cache/clear")).consume()
    ids = sorted(touched.customers)
    for i in range(0, len(ids), WRITE_BATCH * 5):
        tx.run(load_cypher("cache/stamp_customers"), ids=ids[i : i + WRITE_BATCH * 5], changeset=changeset).consume()
    if touched.shared:
        tx.run(load_cypher("cache/stamp_shared"), changeset=changeset).consume()
    if replace:
        tx.run(load_cypher("cache/prune")).consume()


class Neo4jFlagCache(Neo4jConnection):
    """Reads and writes of cached flag results."""

    def flag_cache_read(self, max_cost: int) -> S.CacheState | None:
        def work(tx: Any) -> S.CacheState:
            stamps: dict[str, int] = {}
            shared = 0
            for r in tx.run(load_cypher("cache/read_stamps")):
                if r["customer"] is None:
                    shared = int(r["changeset"])
                else:
                    stamps[r["customer"]] = int(r["changeset"])
            entries = {
                r["customer"]: (S.CacheKey(int(r["stamp"]), int(r["shared"]), int(r["rules"])), r["flags"])
                for r in tx.run(load_cypher("cache/read_entries"), max_cost=max_cost)
            }
            return S.CacheState(stamps, shared, entries)

        return self._run_read(work)  # type: ignore[no-any-return]

    def flag_cache_write(self, max_cost: int, entries: list[S.Entry]) -> bool:
        if not entries:
            return False
        rows = [[f"{max_cost}:{cid}", cid, max_cost, k.stamp, k.shared, k.rules, payload] for cid, k, payload in entries]
        try:
            with self._session(write=True) as s:
                tx = s.begin_transaction(timeout=WRITE_TIMEOUT_S)
                try:
                    for i in range(0, len(rows), WRITE_BATCH):
                        tx.run(load_cypher("cache/write_entries"), rows=rows[i : i + WRITE_BATCH]).consume()
                    tx.commit()
                finally:
                    if not tx.closed():
                        tx.rollback()
            return True
        except Exception:  # read-only user or replica, busy, timed out: the next run computes them
            return False

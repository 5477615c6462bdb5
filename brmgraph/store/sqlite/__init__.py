"""The embedded store: one SQLite file (the default, ``sqlite:///brm.db``).

* Durable between commands; WAL journal so readers never block the writer.
* An import is one ``BEGIN IMMEDIATE`` transaction: validation against the stored ids
  and every write happen under the same write lock, so a rejected or interrupted
  import leaves the previous state, and two processes importing at once serialise
  (the second waits up to ``BUSY_TIMEOUT_S``) instead of corrupting anything.
* ``customer_graph`` reads by indexed customer columns: influences and interactions
  carry their target's customer.
* Batch analyses (``flags``) read one flag row per customer (``customer_compact``,
  :mod:`.compact`), rewritten by every import in its own transaction.
"""

from __future__ import annotations

from .connection import SqliteConnection
from .schema import (
    BUSY_TIMEOUT_S,
    EXPECTED_COLUMNS,
    FORMAT_MARK,
    MIGRATIONS,
    SCHEMA,
    SCHEMA_VERSION,
    TABLES,
    path_of,
)
from .store import SqliteStore

__all__ = [
    "BUSY_TIMEOUT_S",
    "EXPECTED_COLUMNS",
    "FORMAT_MARK",
    "MIGRATIONS",
    "SCHEMA",
    "SCHEMA_VERSION",
    "TABLES",
    "SqliteConnection",
    "SqliteStore",
    "path_of",
]

"""Connecting to Neo4j: credentials, the driver and its log lines, sessions, the
guard that turns driver failures into one-line errors, the lock node and snapshots."""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Self

from ...errors import BrmError, StoreUnavailable
from .. import records as R
from ..base import NotAStore, Store, damaged, redact_url
from .queries import (
    Q_LOCK_READ,
    Q_LOCK_SLOT,
    Q_LOCK_SLOTS,
    Q_LOCK_TAKE,
    Q_SCHEMA,
    Q_SCHEMA_NAMES,
    cypher_statements,
    load_cypher,
)

#: version of the graph layout, carried by the store's lock node (cypher/lock/take.cypher)
SCHEMA_VERSION = 1
#: reader slots: a snapshot holds one (picked at random), an import all of them
#: (cypher/lock/take_slots.cypher), so snapshots of several processes read side by side
READ_SLOTS = 64
#: reads of an optimistic snapshot's first query when imports commit meanwhile
OPTIMISTIC_ATTEMPTS = 5


class StoreChanged(StoreUnavailable):
    """An import committed while an optimistic snapshot read (exit code of a store error)."""


def _auth(url: str = "") -> tuple[str, str] | None:
    """Credentials: the URL's userinfo (``bolt://user:password@host``) when it has one,
    else ``BRM_NEO4J_USER`` / ``BRM_NEO4J_PASSWORD``, else none."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url) if url else None
    if parts is not None and parts.username is not None:
        return (unquote(parts.username), unquote(parts.password or ""))
    user = os.environ.get("BRM_NEO4J_USER") or ""
    password = os.environ.get("BRM_NEO4J_PASSWORD") or ""
    if not user and not password:
        return None
    return (user or "neo4j", password)


def _driver_url(url: str) -> str:
    """``url`` without its userinfo (the driver takes credentials separately)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.username is None and "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


class _Redact(logging.Filter):
    """Log records of the driver with every store URL's password replaced by ``***``."""

    def filter(self, record: logging.LogRecord) -> bool:
        import re

        msg = record.getMessage()
        clean = re.sub(r"([A-Za-z][A-Za-z0-9+.-]*://[^:@/\s]*:)[^@/\s]*@", r"\1***@", msg)
        if clean != msg:
            record.msg, record.args = clean, None
        return True


def _quiet_driver_logs() -> None:
    """Keep the driver's own log lines ("Unable to retrieve routing information"...) off
    stderr: our one-line error says what happened. With ``--debug`` they are shown, with
    passwords redacted."""
    log = logging.getLogger("neo4j")
    if getattr(log, "_brm_configured", False):
        return
    log._brm_configured = True  # type: ignore[attr-defined]
    debug = bool(getattr(sys.modules.get("brmgraph.cli"), "DEBUG", False)) or os.environ.get("BRM_DEBUG") == "1"
    log.propagate = False
    if debug:
        handler: logging.Handler = logging.StreamHandler(sys.stderr)
        handler.addFilter(_Redact())
        log.addHandler(handler)
        log.setLevel(logging.DEBUG)
    else:
        log.addHandler(logging.NullHandler())


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:300] or type(exc).__name__


class Neo4jConnection(Store):
    """The driver, its sessions, the error guard, the store's lock node and read
    snapshots; the history, reading and import layers build on it
    (:class:`~brmgraph.store.neo4j.Neo4jStore` is the complete store)."""

    def __init__(self, url: str, *, database: str | None = None, connect_timeout: float = 10.0) -> None:
        import neo4j
        from neo4j import exceptions as nx

        _quiet_driver_logs()
        #: the URL as given (worker processes reopen it); messages show :attr:`shown_url`
        self.url = url
        self.shown_url = redact_url(url)
        self.database = database
        self._tx: Any = None  # the transaction of an open snapshot()
        self._tx_lock = threading.RLock()
        self._snap_session: Any = None
        self._depth = 0
        #: an optimistic snapshot's [generation, whether a read answered from it]
        self._seen: list[Any] | None = None
        try:
            self.driver = neo4j.GraphDatabase.driver(
                _driver_url(url),
                auth=_auth(url),
                connection_timeout=connect_timeout,
                max_transaction_retry_time=5.0,
                notifications_min_severity="OFF",
            )
            self.driver.verify_connectivity()
        except nx.AuthError as exc:
            raise StoreUnavailable(
                f"Neo4j at {self.shown_url} refused the credentials (BRM_NEO4J_USER / BRM_NEO4J_PASSWORD): {_one_line(exc)}"
            ) from None
        except (nx.DriverError, nx.Neo4jError, OSError, ValueError) as exc:
            raise StoreUnavailable(
                f"Neo4j at {self.shown_url} does not answer ({_one_line(exc)}); start one with `brmgraph neo4j start` "
                "or `docker compose up -d`"
            ) from None
        with self._guard():
            self._check_marker()
            self._ensure_schema()
            self._upgrade_history()

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Turn driver failures into :class:`StoreUnavailable` (one line)."""
        from neo4j import exceptions as nx

        try:
            yield
        except BrmError:
            raise
        except R.BadValue as exc:
            raise damaged(self.shown_url, str(exc)) from None
        except nx.TransientError as exc:
            raise StoreUnavailable(
                f"Neo4j at {self.shown_url} gave up on a transient error ({exc.code or type(exc).__name__}: "
                f"{_one_line(exc)}); nothing was changed, run the command again"
            ) from None
        except (nx.ServiceUnavailable, nx.SessionExpired, OSError) as exc:
            raise StoreUnavailable(f"Neo4j at {self.shown_url} stopped answering: {_one_line(exc)}") from None
        except nx.Neo4jError as exc:
            raise StoreUnavailable(f"Neo4j at {self.shown_url} failed: {_one_line(exc)}") from None
        except nx.DriverError as exc:
            raise StoreUnavailable(f"Neo4j at {self.shown_url}: {_one_line(exc)}") from None

    def _check_marker(self) -> None:
        """Refuse a database marked by a newer brmgraph (or by something else) before
        anything is written to it (the schema below included)."""
        with self._session() as s:
            rows = list(s.run(load_cypher(Q_LOCK_READ)))
        if not rows:
            return  # an empty database, or a store from before the lock node: marked on its next import
        fmt, version = rows[0]["format"], rows[0]["schema_version"]
        if fmt != "brmgraph" or not isinstance(version, int):
            raise NotAStore(
                f"Neo4j at {self.shown_url} is not a brmgraph store (its :BrmLock node is marked {fmt!r}); "
                "nothing was written to it"
            )
        if version > SCHEMA_VERSION:
            raise NotAStore(
                f"Neo4j at {self.shown_url} holds a store made by a newer brmgraph (schema version {version}; "
                f"this brmgraph reads up to {SCHEMA_VERSION}); upgrade brmgraph to use it"
            )

    @staticmethod
    def _take_lock(tx: Any, step: int = 1) -> int:
        """Take the store's lock node in ``tx`` (see cypher/lock/take.cypher); its generation.
        An import (``step`` 1) takes every reader slot too (cypher/lock/take_slots.cypher):
        it waits for the snapshots that are reading."""
        row = tx.run(load_cypher(Q_LOCK_TAKE), schema_version=SCHEMA_VERSION, step=step).single()
        if step:
            tx.run(load_cypher(Q_LOCK_SLOTS), slots=READ_SLOTS).consume()
        return int(row["generation"])

    def _take_read_slot(self, tx: Any) -> None:
        """The first statement of a snapshot: hold one reader slot (at random), or the
        store's lock node while no import has made the slots yet."""
        import random

        if tx.run(load_cypher(Q_LOCK_SLOT), slot=f"read-{random.randrange(READ_SLOTS)}").single()["n"] == 0:
            self._take_lock(tx, step=0)

    @contextmanager
    def snapshot(self) -> Iterator[Self]:
        """Consistent reads on Neo4j, which isolates transactions as "read committed"
        only (a long read can see an import that commits while it runs): every read of
        the block runs in ONE transaction that first takes a reader slot (one of
        :data:`READ_SLOTS` ``:BrmLock`` nodes; every import takes them all after the
        store's lock node), so no import commits while it runs (an import that holds
        them is waited for), and that is rolled back at the end (it changes nothing).
        Snapshots of several processes run side by side (two that pick the same slot
        wait for each other); reads outside a snapshot do not wait."""
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        with self._guard():
            session = self._session(write=True)
            try:
                tx = session.begin_transaction()
                self._take_read_slot(tx)
            except BaseException:
                session.close()
                raise
        self._tx, self._snap_session, self._depth = tx, session, 1
        try:
            yield self
        finally:
            self._tx, self._snap_session, self._depth = None, None, 0
            try:
                if not tx.closed():
                    tx.rollback()
            except Exception:  # pragma: no cover - the server drops it with the session
                pass
            session.close()

    @contextmanager
    def optimistic_snapshot(self) -> Iterator[Self]:
        """Consistent reads of one customer (``path``, ``report``, ``coverage``) without a
        lock, so that read-only credentials serve: every read of the block runs in ONE
        read transaction and is followed by a read of the store's generation (moved by
        every import in its own transaction), which must equal the generation read
        before the block's first read; the first read is run again when an import
        committed meanwhile, a later one raises :class:`StoreChanged` (run the command
        again). Inside :meth:`snapshot` it is that snapshot."""
        if self._depth:
            with self.snapshot():
                yield self
            return
        with self._guard():
            session = self._session()
            try:
                tx = session.begin_transaction()
                generation = self._generation(tx)
            except BaseException:
                session.close()
                raise
        self._tx, self._snap_session, self._depth, self._seen = tx, session, 1, [generation, False]
        try:
            yield self
        finally:
            self._tx, self._snap_session, self._depth, self._seen = None, None, 0, None
            try:
                tx.rollback()
            except Exception:  # pragma: no cover - the server drops it with the session
                pass
            session.close()

    @staticmethod
    def _generation(tx: Any) -> Any:
        row = tx.run(load_cypher(Q_LOCK_READ)).single()
        return None if row is None else row["generation"]

    def _run_read(self, work: Any) -> Any:
        """``work(tx)`` in the open snapshot's transaction (checked against the store's
        generation in an optimistic one), else in a read transaction."""
        if self._tx is None:
            with self._guard(), self._session() as s:
                return s.execute_read(work)
        with self._guard(), self._tx_lock:  # a driver transaction serves one thread at a time
            for _attempt in range(OPTIMISTIC_ATTEMPTS):
                out = work(self._tx)
                if self._seen is None:  # a locked snapshot
                    return out
                now = self._generation(self._tx)
                if now == self._seen[0]:
                    self._seen[1] = True
                    return out
                if self._seen[1]:  # an earlier read answered from the generation before
                    break
                self._seen[0] = now
            raise StoreChanged(
                f"Neo4j at {self.shown_url}: imports committed while this command read the store; run it again"
            )

    def _session(self, write: bool = False) -> Any:
        import neo4j

        mode = neo4j.WRITE_ACCESS if write else neo4j.READ_ACCESS
        return self.driver.session(database=self.database, default_access_mode=mode)

    def _upgrade_history(self) -> None:
        """Upgrade history written by an older brmgraph (store/neo4j/history.py)."""

    def _ensure_schema(self) -> None:
        from neo4j import exceptions as nx

        wanted = cypher_statements(Q_SCHEMA)
        with self._session() as s:
            have = {r["name"] for r in s.run(load_cypher(Q_SCHEMA_NAMES))}
        for stmt in wanted:
            name = stmt.split()[2]  # CREATE CONSTRAINT <name> IF NOT EXISTS ...
            if name in have:
                continue
            try:
                with self._session(write=True) as s:
                    s.run(stmt).consume()
            except nx.ClientError as exc:  # another process created it meanwhile
                if "AlreadyExists" not in (exc.code or ""):
                    raise

    def close(self) -> None:
        try:
            self.driver.close()
        except Exception:  # pragma: no cover
            pass

    def _read(self, name: str, **params: Any) -> list[Any]:
        return self._run_read(lambda tx: list(tx.run(load_cypher(name), **params)))  # type: ignore[no-any-return]

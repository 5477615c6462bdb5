"""The Neo4j store: a Neo4j 5.x server reached over Bolt (``neo4j://`` or ``bolt://``).

* Graph model: exactly the labels and relationship types of SPEC §2; interactions are
  ``(:Employee)-[:INTERACTED {date, kind}]->(:KeyPerson)`` (see ``cypher/README.md``).
* Every query lives in a ``.cypher`` file under ``brmgraph/cypher`` (shipped in the
  wheel) and is loaded by name with :func:`load_cypher`; values only ever travel as
  ``$parameters``, labels and relationship types only come from those files.
* An import is ONE explicit transaction of batched ``UNWIND $rows`` statements: a
  failure (or a killed server) before commit leaves the previous content, Neo4j's
  write-ahead log makes the commit itself atomic and durable.
* Credentials come from ``BRM_NEO4J_USER`` / ``BRM_NEO4J_PASSWORD`` (no auth if unset).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from importlib import resources
from typing import Any

from ..errors import BrmError, NotFound, StoreUnavailable
from ..model import (
    Competitor,
    CompetitorStaff,
    Customer,
    Dataset,
    Employee,
    Influence,
    Interaction,
    KeyPerson,
    Project,
)
from . import history as H
from . import records as R
from .base import (
    IdIndex,
    ImportCheck,
    ImportMerge,
    ImportSummary,
    NotAStore,
    Store,
    change_time,
    damaged,
    plan_changes,
    redact_url,
)

#: rows per ``UNWIND $rows`` statement
BATCH = 10_000
#: ids per look-up statement of the import's existing-id check
LOOKUP_BATCH = 10_000
#: imports of at least this many records into an empty store (or replacing) are staged
#: (:meth:`Neo4jStore._import_staged`); smaller ones are one transaction
STAGE_MIN_RECORDS = 100_000
#: customers per read of iter_customer_graphs
READ_BATCH = 100
#: version of the graph layout, carried by the store's lock node (cypher/lock/take.cypher)
SCHEMA_VERSION = 1
#: attempts of an import that meets a transient error (a deadlock, a lock timeout)
IMPORT_ATTEMPTS = 4

# ---------------------------------------------------------------------------- cypher files


@cache
def load_cypher(name: str) -> str:
    """The text of ``brmgraph/cypher/<name>.cypher`` (``name`` may contain ``/``).

    >>> "UNWIND $rows" in load_cypher("upsert/customers")
    True
    """
    node = resources.files("brmgraph").joinpath("cypher")
    for part in f"{name}.cypher".split("/"):
        node = node.joinpath(part)
    try:
        return node.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KeyError(f"no Cypher file named {name!r}") from None


def cypher_statements(name: str) -> list[str]:
    """The statements of a multi-statement file (separated by ``;``), comments dropped."""
    lines = [ln for ln in load_cypher(name).splitlines() if not ln.lstrip().startswith("//")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


# query names (every one is a file; tests/test_cypher_files.py checks both directions)
Q_SCHEMA = "schema"
Q_SCHEMA_NAMES = "schema_names"
Q_DELETE_ALL = "delete_all"
Q_UPSERT_CUSTOMERS = "upsert/customers"
Q_UPSERT_EMPLOYEES = "upsert/employees"
Q_UPSERT_COMPETITORS = "upsert/competitors"
Q_UPSERT_STAFF = "upsert/competitor_staff"
Q_UPSERT_KEY_PERSONS = "upsert/key_persons"
Q_UPSERT_REPORTS_TO = "upsert/reports_to"
Q_UPSERT_INFLUENCES = {
    "key_person": "upsert/influences_internal",
    "employee": "upsert/influences_employee",
    "competitor_staff": "upsert/influences_staff",
}
Q_UPSERT_PROJECTS = "upsert/projects"
Q_UPSERT_INTERACTIONS = "upsert/interactions"
# records not stored yet (and edges with a new end) are created, not merged
Q_CREATE_CUSTOMERS = "create/customers"
Q_CREATE_EMPLOYEES = "create/employees"
Q_CREATE_COMPETITORS = "create/competitors"
Q_CREATE_STAFF = "create/competitor_staff"
Q_CREATE_KEY_PERSONS = "create/key_persons"
Q_CREATE_REPORTS_TO = "create/reports_to"
Q_CREATE_INFLUENCES = {
    "key_person": "create/influences_internal",
    "employee": "create/influences_employee",
    "competitor_staff": "create/influences_staff",
}
Q_CREATE_PROJECTS = "create/projects"
Q_CREATE_INTERACTIONS = "create/interactions"
Q_LABEL_COUNTS = "read/label_counts"
Q_LOCK_TAKE = "lock/take"
Q_LOCK_READ = "lock/read"
# staged bulk import (Neo4jStore._import_staged): create/* -> stage/*, then flip/*
Q_STAGE = {
    Q_CREATE_CUSTOMERS: "stage/customers",
    Q_CREATE_EMPLOYEES: "stage/employees",
    Q_CREATE_COMPETITORS: "stage/competitors",
    Q_CREATE_STAFF: "stage/competitor_staff",
    Q_CREATE_KEY_PERSONS: "stage/key_persons",
    Q_CREATE_REPORTS_TO: "stage/reports_to",
    Q_CREATE_INFLUENCES["key_person"]: "stage/influences_internal",
    Q_CREATE_INFLUENCES["employee"]: "stage/influences_external",
    Q_CREATE_INFLUENCES["competitor_staff"]: "stage/influences_external",
    Q_CREATE_PROJECTS: "stage/projects",
    Q_CREATE_INTERACTIONS: "stage/interactions",
}
Q_FLIP = {
    "customers": "flip/customer",
    "key_persons": "flip/key_person",
    "employees": "flip/employee",
    "competitors": "flip/competitor",
    "competitor_staff": "flip/competitor_staff",
    "projects": "flip/project",
}
Q_RETIRE = {
    "customers": "retire/customer",
    "key_persons": "retire/key_person",
    "employees": "retire/employee",
    "competitors": "retire/competitor",
    "competitor_staff": "retire/competitor_staff",
    "projects": "retire/project",
}
Q_STAGE_CLEAR = "stage/clear"
Q_LOOKUP_KINDS = "lookup/kinds"
Q_LOOKUP_KEY_PERSONS = "lookup/key_persons"
#: stored records by id, for an import's merge (Store.import_dataset(merge=...))
Q_LOOKUP_RECORDS = {
    "customers": "lookup/records_customers",
    "key_persons": "lookup/records_key_persons",
    "employees": "lookup/records_employees",
    "projects": "lookup/records_projects",
    "influences": "lookup/records_influences",
}
Q_ID_INDEX = "read/id_index"
Q_CUSTOMERS = "read/customers"
Q_EMPLOYEES = "read/employees"
Q_COMPETITORS = "read/competitors"
Q_STAFF = "read/competitor_staff"
Q_KEY_PERSONS = "read/key_persons"
Q_KEY_PERSON = "read/key_person"
Q_PROJECTS = "read/projects"
Q_PROJECTS_OF = "read/projects_of_customer"
Q_PROJECT = "read/project"
Q_INFLUENCES = "read/influences"
Q_INTERACTIONS = "read/interactions"
Q_CUSTOMER_GRAPH = "read/customer_graph"
Q_CUSTOMER_GRAPH_SOURCES = "read/customer_graph_sources"
# history (brmgraph/store/history.py)
Q_CHANGESETS = "history/changesets"
Q_CREATE_CHANGESET = "history/create_changeset"
Q_VERSIONS_ALL = "history/versions_all"

#: IdIndex kind -> influence source kind (the relationship type of its influences)
_SOURCE_KIND = {"key person": "key_person", "employee": "employee", "competitor staff member": "competitor_staff"}


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


class Neo4jStore(Store):
    """A Neo4j 5.x server as the store (SPEC §5: ``--store bolt://host:7687``)."""

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

    # ------------------------------------------------------------------ plumbing
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
        """Take the store's lock node in ``tx`` (see cypher/lock/take.cypher); its generation."""
        row = tx.run(load_cypher(Q_LOCK_TAKE), schema_version=SCHEMA_VERSION, step=step).single()
        return int(row["generation"])

    @contextmanager
    def snapshot(self) -> Iterator[Neo4jStore]:
        """Consistent reads on Neo4j, which isolates transactions as "read committed"
        only (a long read can see an import that commits while it runs): every read of
        the block runs in ONE transaction that first takes the store's lock node, so no
        import commits while it runs (an import that holds the lock is waited for), and
        that is rolled back at the end (it changes nothing). Reads of other snapshots
        wait for each other too; reads outside a snapshot do not wait."""
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
                self._take_lock(tx, step=0)
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

    def _run_read(self, work: Any) -> Any:
        """``work(tx)`` in the open snapshot's transaction, else in a read transaction."""
        if self._tx is not None:
            with self._guard(), self._tx_lock:  # a driver transaction serves one thread at a time
                return work(self._tx)
        with self._guard(), self._session() as s:
            return s.execute_read(work)

    def _session(self, write: bool = False) -> Any:
        import neo4j

        mode = neo4j.WRITE_ACCESS if write else neo4j.READ_ACCESS
        return self.driver.session(database=self.database, default_access_mode=mode)

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

    # ------------------------------------------------------------------ writing
    def import_dataset(
        self,
        ds: Dataset,
        *,
        replace: bool = False,
        check: ImportCheck | None = None,
        merge: ImportMerge | None = None,
        source: str = "",
        effective: str | None = None,
    ) -> ImportSummary:
        # a merge only changes stored records: with nothing stored (the only staged case
        # without replace) it has nothing to keep, so the staged path ignores it
        from neo4j import exceptions as nx

        if self._depth:  # a programming error: the snapshot would hide (or, on Neo4j, block) the write
            raise RuntimeError("import_dataset inside a read snapshot of the same store")
        meta = {"source": source, "effective": effective}
        staged = self._import_staged(ds, replace=replace, check=check, meta=meta)
        if staged is not None:
            return staged
        for attempt in range(1, IMPORT_ATTEMPTS + 1):
            try:
                with self._guard():
                    try:
                        return self._import_once(ds, replace=replace, check=check, merge=merge, source=source,
                                                 effective=effective)
                    except nx.TransientError as exc:
                        if attempt == IMPORT_ATTEMPTS:
                            raise StoreUnavailable(
                                f"Neo4j at {self.shown_url} rolled the import back {attempt} times because of "
                                f"{exc.code or type(exc).__name__} (a concurrent transaction); nothing was "
                                "imported, run it again"
                            ) from None
                        raise _Retry() from None
            except _Retry:
                time.sleep(0.05 * 2**attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def _import_once(
        self,
        ds: Dataset,
        *,
        replace: bool,
        check: ImportCheck | None,
        merge: ImportMerge | None,
        source: str,
        effective: str | None,
    ) -> ImportSummary:
        """One attempt of :meth:`import_dataset` (the small path): one transaction that
        first takes the store's lock node, so imports run one at a time."""
        with self._session(write=True) as s:
            tx = s.begin_transaction()
            try:
                self._take_lock(tx)
                if replace:
                    history = self._history_begin(tx, ds, replace=True, effective=effective)
                    tx.run(load_cypher(Q_DELETE_ALL)).consume()
                    existing = IdIndex()
                else:
                    # what validation needs to know of the store, and which ids are new
                    existing = _existing_index(tx, ds)
                    if check is not None:
                        check(existing)
                    if merge is not None:
                        ds = merge(existing, lambda section, ids: _lookup_records(tx, section, ids))
                    history = self._history_begin(tx, ds, replace=False, effective=effective)
                for name, rows in self._plan(ds, existing):
                    query = load_cypher(name)
                    for i in range(0, len(rows), BATCH):
                        tx.run(query, rows=rows[i : i + BATCH]).consume()
                summary = self._history_commit(tx, ds, history, replace=replace, source=source)
                tx.commit()
            finally:
                if tx.closed() is False:
                    tx.rollback()
        return summary

    def _history_begin(self, tx: Any, ds: Dataset, *, replace: bool, effective: str | None) -> tuple[Any, ...]:
        """Inside the import transaction, before writing: the change set's id and time,
        and which versions the import ends (compared with the stored state)."""
        sets = _changesets(tx)
        at = change_time(sets, effective)
        current = None if _stored_count(tx) == 0 else Dataset.model_construct(None, **_export_tx(tx))
        ended, changes = plan_changes(current, ds, replace=replace, first=not sets)
        cs = (sets[-1].id + 1) if sets else 1
        return cs, at, ended, changes

    def _history_commit(self, tx: Any, ds: Dataset, history: tuple[Any, ...], *, replace: bool, source: str) -> ImportSummary:
        """Inside the import transaction, after writing: the change set and version rows."""
        cs, at, ended, changes = history
        counts = {"records": ds.counts(), **changes}
        tx.run(
            load_cypher(Q_CREATE_CHANGESET), id=cs, time=at, source=source,
            mode="replace" if replace else "upsert", counts=json.dumps(counts, separators=(",", ":")),
            versions=H.pack(ended) if ended else None,
        ).consume()
        return ImportSummary(counts=ds.counts(), replaced=replace, changeset=cs, time=at, changes=changes)

    # ------------------------------------------------------------------ history
    def changesets(self) -> list[H.ChangeSet]:
        return self._run_read(_changesets)  # type: ignore[no-any-return]

    def history_rows(self) -> tuple[list[tuple[int, str, bytes | None]], list[H.Version]]:
        packed = [(r["id"], r["time"], r["versions"]) for r in self._read(Q_CHANGESETS)]
        legacy = [
            H.Version(r["section"], r["key"], r["data"], r["valid_from"], r["valid_to"], r["changeset"])
            for r in self._read(Q_VERSIONS_ALL)
        ]
        return packed, legacy

    def _import_staged(
        self, ds: Dataset, *, replace: bool, check: ImportCheck | None, meta: dict[str, Any]
    ) -> ImportSummary | None:
        """A large import into an empty store, or a replace of or by a large data set, in many small
        transactions and still all or nothing (one huge transaction needs gigabytes of
        heap and a commit that takes minutes):

        1. every node is created as an invisible ``:BrmStaged`` node (no SPEC label, so no
           read and no analyst query sees it; edges only join staged nodes), in batches
           of :data:`BATCH` rows, each its own transaction;
        2. ONE transaction makes them visible: (with ``replace``) swaps the old nodes'
           SPEC labels for ``:BrmRetired`` (invisible, deleted in batches after the
           commit), swaps each staged node's label for its SPEC label, and checks that
           every staged node was still there.

        A failure or a kill before 2 commits leaves the old content (staged nodes are
        removed now, or by the next staged import; so are retired ones left by a kill
        after 2). The change set and version rows are written by transaction 2.
        None (nothing done) when the store
        is not empty and not replacing, or ``ds`` repeats an id (the upsert path then)."""
        if ds.record_count() < STAGE_MIN_RECORDS and not replace:
            return None  # small: one transaction (no need to ask the store)
        with self._guard(), self._session(write=True) as s:
            stored = s.execute_read(_stored_count)
            large = ds.record_count() >= STAGE_MIN_RECORDS or (replace and stored >= STAGE_MIN_RECORDS)
            if not large or (stored and not replace):
                return None  # one transaction
            plan = self._plan(ds, IdIndex())
            if any(name not in Q_STAGE for name, _rows in plan):  # something to merge: not a plain bulk load
                return None
            if not replace and check is not None:
                check(IdIndex())
            s.run(load_cypher(Q_STAGE_CLEAR)).consume()  # leftovers of a killed staged import
            try:
                for name, rows in plan:
                    query = load_cypher(Q_STAGE[name])
                    for i in range(0, len(rows), BATCH):
                        with s.begin_transaction() as tx:
                            tx.run(query, rows=rows[i : i + BATCH]).consume()
                            tx.commit()
                tx = s.begin_transaction()
                try:
                    self._take_lock(tx)
                    history = self._history_begin(tx, ds, replace=replace, effective=meta["effective"])
                    if replace:  # the old data set becomes invisible; deleted after the commit
                        for name in Q_RETIRE.values():
                            tx.run(load_cypher(name)).consume()
                    elif _stored_count(tx):
                        raise StoreUnavailable(f"Neo4j at {self.shown_url}: another import wrote to the store meanwhile; import again")
                    for section, name in Q_FLIP.items():
                        ids = [r.id for r in getattr(ds, section)]
                        for i in range(0, len(ids), LOOKUP_BATCH):
                            chunk = ids[i : i + LOOKUP_BATCH]
                            if tx.run(load_cypher(name), ids=chunk).single()["n"] != len(chunk):
                                raise StoreUnavailable(
                                    f"Neo4j at {self.shown_url}: staged records vanished (a concurrent import?); import again"
                                )
                    summary = self._history_commit(tx, ds, history, replace=replace, source=meta["source"])
                    tx.commit()
                finally:
                    if tx.closed() is False:
                        tx.rollback()
            except BaseException:
                try:
                    s.run(load_cypher(Q_STAGE_CLEAR)).consume()
                except Exception:  # pragma: no cover - the next staged import clears them
                    pass
                raise
            if replace:
                try:
                    s.run(load_cypher(Q_STAGE_CLEAR)).consume()  # the retired data set
                except Exception:  # pragma: no cover - invisible; the next staged import clears it
                    pass
        return summary

    def _plan(self, ds: Dataset, existing: IdIndex) -> list[tuple[str, list[list[Any]]]]:
        """The statements that write ``ds`` (in order, each with its rows). Records whose
        id is not stored yet (``existing``) are CREATEd, and so are edges with an end
        created here (they cannot exist yet); everything else is MERGEd / replaced.
        Rows are lists (cheaper to encode than maps)."""
        stored = existing.kind
        created: set[str] = set()
        plan: list[tuple[str, list[list[Any]]]] = []

        def run(name: str, rows: list[list[Any]]) -> None:
            if rows:
                plan.append((name, rows))

        def nodes(create: str, upsert: str, records: Iterable[Any], row: Any) -> None:
            new: list[list[Any]] = []
            old: list[list[Any]] = []
            for r in records:
                if r.id in stored or r.id in created:  # stored, or twice in ds: MERGE
                    old.append(row(r))
                else:
                    created.add(r.id)
                    new.append(row(r))
            run(create, new)
            run(upsert, old)

        def edges(create: str, upsert: str, rows: Iterable[list[Any]], ends: Any) -> None:
            new: list[list[Any]] = []
            old: list[list[Any]] = []
            seen: set[tuple[Any, ...]] = set()
            for row in rows:
                key = ends(row)
                if key in seen or not (key[0] in created or key[1] in created):
                    old.append(row)
                else:
                    new.append(row)
                seen.add(key)
            run(create, new)
            run(upsert, old)

        def two(row: list[Any]) -> tuple[Any, ...]:
            return (row[0], row[1])

        def four(row: list[Any]) -> tuple[Any, ...]:
            return (row[0], row[1], row[2], row[3])

        nodes(
            Q_CREATE_CUSTOMERS,
            Q_UPSERT_CUSTOMERS,
            ds.customers,
            lambda r: [r.id, r.name, r.industry, r.tier, json.dumps(r.attrs, ensure_ascii=False, sort_keys=True)],
        )
        nodes(Q_CREATE_EMPLOYEES, Q_UPSERT_EMPLOYEES, ds.employees, lambda r: [r.id, r.name, r.team, r.title])
        nodes(Q_CREATE_COMPETITORS, Q_UPSERT_COMPETITORS, ds.competitors, lambda r: [r.id, r.name])
        nodes(Q_CREATE_STAFF, Q_UPSERT_STAFF, ds.competitor_staff, lambda r: [r.id, r.name, r.competitor])
        nodes(
            Q_CREATE_KEY_PERSONS,
            Q_UPSERT_KEY_PERSONS,
            ds.key_persons,
            lambda r: [
                r.id, r.customer, r.name, r.title, r.department, r.closeness.value, r.solution_acceptance.value,
                r.price_acceptance.value, r.veto.value, r.approver.value,
            ],
        )
        # a person created here has no superior yet; a stored one's is replaced
        if len({r.id for r in ds.key_persons}) < len(ds.key_persons):  # an id twice in ds: file order decides
            fresh, stale = [], [[r.id, r.reports_to] for r in ds.key_persons]
        else:
            fresh = [[r.id, r.reports_to] for r in ds.key_persons if r.reports_to is not None and r.id not in stored]
            stale = [[r.id, r.reports_to] for r in ds.key_persons if r.id in stored]
        run(Q_CREATE_REPORTS_TO, fresh)
        run(Q_UPSERT_REPORTS_TO, stale)

        # the relationship type of an influence follows from the kind of its source
        kind = {r.id: "key_person" for r in ds.key_persons}
        kind.update({r.id: "employee" for r in ds.employees})
        kind.update({r.id: "competitor_staff" for r in ds.competitor_staff})
        by_kind: dict[str, list[list[Any]]] = {k: [] for k in Q_UPSERT_INFLUENCES}
        for r in ds.influences:
            k = kind.get(r.source) or _SOURCE_KIND.get(stored.get(r.source, ""))
            if k is None:
                raise NotFound(f"influence source {r.source!r} is neither a key person, an employee nor competitor staff")
            by_kind[k].append([r.source, r.target, r.strength.value])
        for k, rows in by_kind.items():
            edges(Q_CREATE_INFLUENCES[k], Q_UPSERT_INFLUENCES[k], rows, two)

        nodes(
            Q_CREATE_PROJECTS,
            Q_UPSERT_PROJECTS,
            ds.projects,
            lambda r: [
                r.id, r.customer, r.name, r.status.value, r.stage, r.amount, r.close_date,
                [[m.person, m.role, n] for n, m in enumerate(r.decision_chain)],
                [[k, n] for n, k in enumerate(r.competitors)],
            ],
        )
        edges(
            Q_CREATE_INTERACTIONS,
            Q_UPSERT_INTERACTIONS,
            ([r.employee, r.person, r.date, r.kind] for r in ds.interactions),
            four,
        )
        return plan

    # ------------------------------------------------------------------ reading
    def id_index(self) -> IdIndex:
        return self._run_read(_id_index)  # type: ignore[no-any-return]

    def customers(self) -> list[Customer]:
        return _by_id(_customer(r["n"]) for r in self._read(Q_CUSTOMERS))

    def projects(self, customer: str | None = None) -> list[Project]:
        if customer is None:
            rows = self._read(Q_PROJECTS)
        else:
            rows = self._read(Q_PROJECTS_OF, customer=customer)
        return _by_id(_project(r["j"]) for r in rows)

    def project(self, project_id: str) -> Project:
        rows = self._read(Q_PROJECT, id=project_id)
        if not rows:
            raise NotFound(f"unknown project {project_id!r}")
        return _project(rows[0]["j"])

    def key_person(self, person_id: str) -> KeyPerson:
        rows = self._read(Q_KEY_PERSON, id=person_id)
        if not rows:
            raise NotFound(f"unknown key person {person_id!r}")
        return _person(rows[0]["n"])

    def employees(self) -> list[Employee]:
        return _by_id(_employee(r["n"]) for r in self._read(Q_EMPLOYEES))

    def competitors(self) -> list[Competitor]:
        return _by_id(_competitor(r["n"]) for r in self._read(Q_COMPETITORS))

    def competitor_staff(self) -> list[CompetitorStaff]:
        return _by_id(_staff(r["n"]) for r in self._read(Q_STAFF))

    def customer_graph(self, customer_id: str) -> Dataset:
        for ds in self._customer_graphs([customer_id]):
            return ds
        raise NotFound(f"unknown customer {customer_id!r}")

    def iter_customer_graphs(
        self, customer_ids: list[str] | None = None, *, interactions: bool = True
    ) -> Iterator[Dataset]:
        """Customer sub-graphs, read :data:`READ_BATCH` customers per query, all in one
        :meth:`snapshot` (every customer from the same state); while the caller works
        on one batch the next is read in a background thread (the server's work
        overlaps ours; the snapshot's transaction is used by one thread at a time).
        Unknown ids raise NotFound, as ``customer_graph``."""
        if self._tx is None:  # every batch from the same state
            with self.snapshot():
                yield from self.iter_customer_graphs(customer_ids, interactions=interactions)
            return
        with self._guard():
            yield from self._iter_graphs(customer_ids, interactions)

    def _iter_graphs(self, customer_ids: list[str] | None, interactions: bool) -> Iterator[Dataset]:
        from concurrent.futures import ThreadPoolExecutor

        ids = customer_ids if customer_ids is not None else [c.id for c in self.customers()]
        chunks = [ids[i : i + READ_BATCH] for i in range(0, len(ids), READ_BATCH)]
        if not chunks:
            return
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="brm-neo4j-read")
        try:
            ahead = pool.submit(self._customer_graphs, chunks[0], interactions)
            for n, chunk in enumerate(chunks):
                got = {ds.customers[0].id: ds for ds in ahead.result()}
                if n + 1 < len(chunks):
                    ahead = pool.submit(self._customer_graphs, chunks[n + 1], interactions)
                for cid in chunk:
                    if cid not in got:
                        raise NotFound(f"unknown customer {cid!r}")
                    yield got[cid]
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _customer_graphs(self, ids: list[str], with_interactions: bool = True) -> list[Dataset]:
        def work(tx: Any) -> tuple[list[Any], Any]:
            rows = list(tx.run(load_cypher(Q_CUSTOMER_GRAPH), ids=ids))
            employees: set[str] = set()
            staff: set[str] = set()
            competitors: set[str] = set()
            for r in rows:
                for p in r["persons"]:
                    for i in p["influences"]:
                        if i["source_kind"] == 1:
                            employees.add(i["source"])
                        elif i["source_kind"] == 2:
                            staff.add(i["source"])
                for j in r["projects"]:
                    competitors.update(j["competitors"])
            if not rows:
                return rows, None
            src = tx.run(
                load_cypher(Q_CUSTOMER_GRAPH_SOURCES),
                employees=sorted(employees),
                staff=sorted(staff),
                competitors=sorted(competitors),
            ).single()
            return rows, src

        rows, src = self._run_read(work)
        if not rows:
            return []
        emp = {e["id"]: R.employee(**e) for e in src["employees"]}
        stf = {x["id"]: R.competitor_staff(**x) for x in src["staff"]}
        comp = {k["id"]: R.competitor(**k) for k in src["competitors"]}
        out = []
        for r in rows:
            cid = r["customer"]["id"]
            persons = []
            influences = []
            interactions = []
            e_ids: set[str] = set()
            s_ids: set[str] = set()
            for p in r["persons"]:
                p = dict(p)
                incoming = p.pop("influences")
                met = p.pop("interactions")
                pid = p["id"]
                persons.append(R.key_person(customer=cid, **p))
                for i in incoming:
                    influences.append(R.influence(i["source"], pid, i["strength"]))
                    if i["source_kind"] == 1:
                        e_ids.add(i["source"])
                    elif i["source_kind"] == 2:
                        s_ids.add(i["source"])
                if with_interactions:
                    for x in met:
                        interactions.append(R.interaction(x["employee"], pid, x["date"], x["kind"]))
            projects = []
            k_ids: set[str] = set()
            for j in r["projects"]:
                projects.append(R.project(customer=cid, **j))
                k_ids.update(j["competitors"])
            staff = [stf[x] for x in sorted(s_ids) if x in stf]
            k_ids.update(x.competitor for x in staff)
            out.append(
                Dataset.model_construct(
                    customers=[R.customer(**r["customer"])],
                    key_persons=_by_id(persons),
                    employees=[emp[x] for x in sorted(e_ids) if x in emp],
                    competitors=[comp[x] for x in sorted(k_ids) if x in comp],
                    competitor_staff=staff,
                    influences=_sorted_influences(influences),
                    projects=_by_id(projects),
                    interactions=_sorted_interactions(interactions),
                )
            )
        return out

    def export(self) -> Dataset:
        with self.snapshot():  # one transaction, no import committing meanwhile
            data = self._run_read(_export_tx)
        return Dataset.model_construct(**data)


def _guarded(method: Any) -> Any:
    """``method`` with driver and decoding errors turned into one-line store errors."""
    import functools

    @functools.wraps(method)
    def wrapper(self: Neo4jStore, *args: Any, **kwargs: Any) -> Any:
        with self._guard():
            return method(self, *args, **kwargs)

    return wrapper


for _name in (
    "customers", "projects", "project", "key_person", "employees", "competitors", "competitor_staff",
    "customer_graph", "export", "changesets", "versions", "id_index", "state_at", "counts",
):
    setattr(Neo4jStore, _name, _guarded(getattr(Neo4jStore, _name)))


class _Retry(Exception):
    """An import attempt met a transient error: try again."""


# ---------------------------------------------------------------------------- mapping


def _export_tx(tx: Any) -> dict[str, list[Any]]:
    """The whole latest state, read in transaction ``tx``, as Dataset fields."""

    def q(name: str) -> list[Any]:
        return list(tx.run(load_cypher(name)))

    return {
        "customers": _by_id(_customer(r["n"]) for r in q(Q_CUSTOMERS)),
        "key_persons": _by_id(_person(r["n"]) for r in q(Q_KEY_PERSONS)),
        "employees": _by_id(_employee(r["n"]) for r in q(Q_EMPLOYEES)),
        "competitors": _by_id(_competitor(r["n"]) for r in q(Q_COMPETITORS)),
        "competitor_staff": _by_id(_staff(r["n"]) for r in q(Q_STAFF)),
        "influences": _sorted_influences(_influence(r) for r in q(Q_INFLUENCES)),
        "projects": _by_id(_project(r["j"]) for r in q(Q_PROJECTS)),
        "interactions": _sorted_interactions(_interaction(r) for r in q(Q_INTERACTIONS)),
    }


def _changesets(tx: Any) -> list[H.ChangeSet]:
    return [
        H.ChangeSet(r["id"], r["time"], r["source"], r["mode"], json.loads(r["counts"]))
        for r in tx.run(load_cypher(Q_CHANGESETS))
    ]


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:300] or type(exc).__name__


def _id_index(tx: Any) -> IdIndex:
    idx = IdIndex()
    for r in tx.run(load_cypher(Q_ID_INDEX)):
        idx.kind[r["id"]] = r["kind"]
        if r["kind"] == "key person":
            idx.person_customer[r["id"]] = r["customer"]
            idx.reports_to[r["id"]] = r["reports_to"]
    return idx


def _mentioned_ids(ds: Dataset) -> list[str]:
    """Every id ``ds`` defines or refers to."""
    ids: set[str] = set()
    for section in ("customers", "employees", "competitors", "projects"):
        ids.update(r.id for r in getattr(ds, section))
    for p in ds.key_persons:
        ids.update((p.id, p.customer))
        if p.reports_to is not None:
            ids.add(p.reports_to)
    for s in ds.competitor_staff:
        ids.update((s.id, s.competitor))
    for i in ds.influences:
        ids.update((i.source, i.target))
    for j in ds.projects:
        ids.add(j.customer)
        ids.update(m.person for m in j.decision_chain)
        ids.update(j.competitors)
    for x in ds.interactions:
        ids.update((x.employee, x.person))
    return sorted(ids)


def _lookup_records(tx: Any, section: str, ids: list[str]) -> list[Any]:
    """Stored records by id (influences: by target), read in the import's transaction."""
    query = load_cypher(Q_LOOKUP_RECORDS[section])
    make = {"customers": _customer, "key_persons": _person, "employees": _employee, "projects": _project}.get(section)
    out: list[Any] = []
    for i in range(0, len(ids), LOOKUP_BATCH):
        for r in tx.run(query, ids=ids[i : i + LOOKUP_BATCH]):
            out.append(_influence(r) if make is None else make(r["n"]))
    return out


def _stored_count(tx: Any) -> int:
    """How many brmgraph nodes are stored (count store, no scan)."""
    return sum(r["n"] for r in tx.run(load_cypher(Q_LABEL_COUNTS)))


def _existing_index(tx: Any, ds: Dataset) -> IdIndex:
    """What the import needs to know of the stored content, read inside its transaction:
    an :class:`IdIndex` holding (at least) every id ``ds`` mentions that is stored, and
    every stored key person among them or up their reporting chains — all that
    validation (``check_references``) looks up, and which records are new. Reads the
    whole index when the store holds fewer nodes than the file mentions ids (an empty
    store: nothing), else looks the file's ids up by index."""
    stored = _stored_count(tx)
    if stored == 0:
        return IdIndex()
    ids = _mentioned_ids(ds)
    if stored <= len(ids):
        return _id_index(tx)
    idx = IdIndex()
    for i in range(0, len(ids), LOOKUP_BATCH):
        chunk = ids[i : i + LOOKUP_BATCH]
        for r in tx.run(load_cypher(Q_LOOKUP_KINDS), ids=chunk):
            idx.kind[r["id"]] = r["kind"]
        for r in tx.run(load_cypher(Q_LOOKUP_KEY_PERSONS), ids=chunk):
            idx.kind[r["id"]] = "key person"
            idx.person_customer[r["id"]] = r["customer"]
            idx.reports_to[r["id"]] = r["reports_to"]
    return idx


def _customer(n: dict[str, Any]) -> Customer:
    return R.customer(**n)


def _person(n: dict[str, Any]) -> KeyPerson:
    return R.key_person(**n)


def _employee(n: dict[str, Any]) -> Employee:
    return R.employee(**n)


def _competitor(n: dict[str, Any]) -> Competitor:
    return R.competitor(**n)


def _staff(n: dict[str, Any]) -> CompetitorStaff:
    return R.competitor_staff(**n)


def _project(n: dict[str, Any]) -> Project:
    return R.project(**n)


def _influence(r: Any) -> Influence:
    return R.influence(**dict(r))


def _interaction(r: Any) -> Interaction:
    return R.interaction(**dict(r))


def _by_id(items: Iterable[Any]) -> list[Any]:
    # sorted in Python (code-point order, as SQLite's ORDER BY), not by Cypher ORDER BY
    return sorted(items, key=lambda x: x.id)


def _sorted_influences(items: Iterable[Influence]) -> list[Influence]:
    return sorted(items, key=lambda i: (i.source, i.target))


def _sorted_interactions(items: Iterable[Interaction]) -> list[Interaction]:
    return sorted(items, key=lambda x: (x.employee, x.person, x.date.isoformat(), x.kind))

"""The embedded store: one SQLite file (the default, ``sqlite:///brm.db``).

* Durable between commands; WAL journal so readers never block the writer.
* An import is one ``BEGIN IMMEDIATE`` transaction: validation against the stored ids
  and every write happen under the same write lock, so a rejected or interrupted
  import leaves the previous state, and two processes importing at once serialise
  (the second waits up to ``BUSY_TIMEOUT_S``) instead of corrupting anything.
* ``customer_graph`` reads by indexed customer columns: influences and interactions
  carry their target's customer.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..errors import BadArgument, NotFound, StoreUnavailable
from ..model import (
    Competitor,
    CompetitorStaff,
    Customer,
    Dataset,
    Employee,
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
)

BUSY_TIMEOUT_S = 120.0
#: version of the table layout; a store carries it (and :data:`FORMAT_MARK`) in ``meta``
SCHEMA_VERSION = 3
#: ``meta.format`` of every brmgraph store: a database without it is not ours
FORMAT_MARK = "brmgraph"

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS customers (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, industry TEXT NOT NULL, tier TEXT NOT NULL, attrs TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS key_persons (
    id TEXT PRIMARY KEY, customer TEXT NOT NULL, name TEXT NOT NULL, title TEXT NOT NULL,
    department TEXT NOT NULL, closeness TEXT NOT NULL, solution_acceptance TEXT NOT NULL,
    price_acceptance TEXT NOT NULL, veto TEXT NOT NULL, approver TEXT NOT NULL, reports_to TEXT);
CREATE INDEX IF NOT EXISTS key_persons_customer ON key_persons(customer);
CREATE TABLE IF NOT EXISTS employees (id TEXT PRIMARY KEY, name TEXT NOT NULL, team TEXT NOT NULL, title TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS competitors (id TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS competitor_staff (id TEXT PRIMARY KEY, name TEXT NOT NULL, competitor TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS influences (
    source TEXT NOT NULL, target TEXT NOT NULL, strength TEXT NOT NULL, customer TEXT NOT NULL,
    PRIMARY KEY (source, target));
CREATE INDEX IF NOT EXISTS influences_customer ON influences(customer);
CREATE TABLE IF NOT EXISTS projects (
    id TEXT PRIMARY KEY, customer TEXT NOT NULL, name TEXT NOT NULL, status TEXT NOT NULL,
    stage TEXT NOT NULL, amount REAL, close_date TEXT, decision_chain TEXT NOT NULL, competitors TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS projects_customer ON projects(customer);
CREATE TABLE IF NOT EXISTS interactions (
    employee TEXT NOT NULL, person TEXT NOT NULL, date TEXT NOT NULL, kind TEXT NOT NULL, customer TEXT NOT NULL,
    PRIMARY KEY (employee, person, date, kind));
CREATE INDEX IF NOT EXISTS interactions_customer ON interactions(customer);
""" + """
CREATE TABLE IF NOT EXISTS changesets (
    id INTEGER PRIMARY KEY, time TEXT NOT NULL, source TEXT NOT NULL, mode TEXT NOT NULL, counts TEXT NOT NULL,
    versions BLOB);
CREATE TABLE IF NOT EXISTS versions (
    section TEXT NOT NULL, key TEXT NOT NULL, data TEXT, valid_from TEXT, valid_to TEXT NOT NULL,
    changeset INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS versions_key ON versions(section, key);
"""

#: the explicit upgrade steps: MIGRATIONS[v] turns schema v into v + 1 (run by
#: SqliteStore.migrate in one transaction, oldest first)
MIGRATIONS: dict[int, tuple[str, ...]] = {
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
}

TABLES = ("customers", "key_persons", "employees", "competitors", "competitor_staff", "influences", "projects", "interactions")
#: every table and the columns this version reads (a store missing one is damaged)
EXPECTED_COLUMNS: dict[str, tuple[str, ...]] = {
    "meta": ("key", "value"),
    **{t: R.DECODERS[t][1] for t in TABLES},
    "changesets": ("id", "time", "source", "mode", "counts", "versions"),
    "versions": ("section", "key", "data", "valid_from", "valid_to", "changeset"),
}


def path_of(url: str) -> Path:
    """``sqlite:///rel.db`` → ``rel.db``; ``sqlite:////abs.db`` → ``/abs.db`` (SQLAlchemy's spelling)."""
    if not url.startswith("sqlite:///"):
        raise BadArgument(f"not an embedded store URL {url!r}; use sqlite:///relative.db or sqlite:////absolute.db")
    rest = url[len("sqlite:///") :]
    if not rest:
        raise BadArgument(f"store URL {url!r} names no file")
    return Path(rest)


class SqliteStore(Store):
    """The embedded default store."""

    def __init__(self, url: str = "sqlite:///brm.db", *, create: bool = True) -> None:
        self.url = url
        self.path = path_of(url)
        self.readonly = False
        self._depth = 0  # nesting of snapshot() blocks
        if self.path.exists() and self.path.is_dir():
            raise StoreUnavailable(f"cannot open store {url}: {self.path} is a folder")
        if not create and not self.path.exists():
            raise StoreUnavailable(
                f"store {url} does not exist (no file {self.path}); create it with `brmgraph import FILE --store {url}`"
            )
        if not self.path.parent.exists():
            raise StoreUnavailable(f"cannot open store {url}: folder {self.path.parent} does not exist")
        memory = str(self.path) == ":memory:"
        if not memory:
            folder = self.path.parent if str(self.path.parent) else Path(".")
            if self.path.exists():
                # a store we may not write is opened read-only: reads work, imports are refused
                self.readonly = not (os.access(self.path, os.W_OK) and os.access(folder, os.W_OK))
            elif not os.access(folder, os.W_OK):
                raise StoreUnavailable(
                    f"cannot create store {url}: folder {folder} is read-only; choose a folder you may write"
                )
        try:
            if self.readonly:
                self.conn = self._connect_readonly()
            else:
                self.conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
            self.conn.execute("PRAGMA foreign_keys=OFF")
            # 64 MB page cache (default 2 MB): large imports touch the id and customer
            # indexes all over; a small cache re-reads the same pages many times
            self.conn.execute("PRAGMA cache_size=-65536")
            self._ensure_schema()
            if not self.readonly:
                self.conn.execute("PRAGMA journal_mode=WAL")
                self.conn.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.DatabaseError as exc:
            with contextlib.suppress(Exception):
                self.conn.close()
            raise self._translate(exc, "open") from None
        except BaseException:
            with contextlib.suppress(Exception):
                self.conn.close()
            raise

    def _connect_readonly(self) -> sqlite3.Connection:
        """A read-only connection. In a folder we may not write, SQLite cannot create the
        WAL index beside the file: then the file is opened as immutable (nobody can
        change it while the folder stays read-only)."""
        uri = "file:" + quote(str(self.path.absolute())) + "?mode=ro"
        folder = self.path.parent if str(self.path.parent) else Path(".")
        if not os.access(folder, os.W_OK) and not Path(str(self.path) + "-shm").exists():
            wal = Path(str(self.path) + "-wal")
            if wal.exists() and wal.stat().st_size > 0:  # immutable would not see its commits
                raise StoreUnavailable(
                    f"store {self.url} is read-only and holds changes in {wal} that only a writer can read; "
                    "open it once with write permission on its folder"
                )
            uri += "&immutable=1"
        return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)

    # ------------------------------------------------------------------ schema
    def _ensure_schema(self) -> None:
        """Check what the file is before anything is written to it: an empty file becomes
        a brmgraph store; a brmgraph store of an older schema version is migrated
        (:data:`MIGRATIONS`, one transaction); anything else — another application's
        database, a store made by a newer brmgraph, a damaged store — is refused."""
        version = self._schema_version()
        if version is None:  # an empty database: make it a store
            if self.readonly:
                raise NotAStore(f"store {self.url} is empty and read-only; import data into a store you may write")
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                if self._schema_version() is None:  # nobody else made it meanwhile
                    for stmt in SCHEMA.split(";"):  # (executescript would commit first)
                        if stmt.strip():
                            self.conn.execute(stmt)
                    self.conn.executemany(
                        "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                        (("format", FORMAT_MARK), ("schema_version", str(SCHEMA_VERSION))),
                    )
                self.conn.execute("COMMIT")
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
            version = self._schema_version()
        if version is not None and version > SCHEMA_VERSION:
            raise NotAStore(
                f"store {self.url} was made by a newer brmgraph (schema version {version}; this brmgraph "
                f"reads up to {SCHEMA_VERSION}); upgrade brmgraph to use it"
            )
        if version is not None and version < SCHEMA_VERSION:
            self.migrate(version)
        self._check_tables()

    def _schema_version(self) -> int | None:
        """The store's schema version; ``None`` for an empty database. Raises NotAStore
        for a database brmgraph did not make."""
        tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not tables:
            return None
        rows: dict[str, str] = {}
        if "meta" in tables:
            with contextlib.suppress(sqlite3.DatabaseError):
                rows = dict(self.conn.execute("SELECT key, value FROM meta"))
        mark = rows.get("format")
        # stores of schema 1 and 2 made before the format mark have the schema version only
        ours = mark == FORMAT_MARK or (mark is None and "schema_version" in rows and "customers" in tables)
        if not ours:
            others = ", ".join(sorted(t for t in tables if not t.startswith("sqlite_"))[:5])
            raise NotAStore(
                f"store {self.url} is not a brmgraph store: the SQLite file {self.path} holds other data "
                f"(tables {others}); nothing was written to it. Choose another --store file"
            )
        try:
            return int(rows["schema_version"])
        except (KeyError, ValueError):
            raise damaged(self.url, f"its schema version is {rows.get('schema_version')!r}, not a number") from None

    def migrate(self, version: int) -> None:
        """Upgrade a store of schema ``version`` to :data:`SCHEMA_VERSION`, step by step
        (:data:`MIGRATIONS`), in one write transaction: all steps or none. A read-only
        store cannot be upgraded (StoreUnavailable)."""
        if self.readonly:
            raise StoreUnavailable(
                f"store {self.url} has schema version {version} and must be upgraded to {SCHEMA_VERSION}, "
                "but it is read-only; open it once with write permission"
            )
        c = self.conn
        c.execute("BEGIN IMMEDIATE")
        try:
            now = int(c.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0])
            for step in range(now, SCHEMA_VERSION):  # another process may have upgraded meanwhile
                for stmt in MIGRATIONS[step]:
                    c.execute(stmt)
            c.executemany(
                "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                (("format", FORMAT_MARK), ("schema_version", str(SCHEMA_VERSION))),
            )
            c.execute("COMMIT")
        except BaseException:
            if c.in_transaction:
                c.execute("ROLLBACK")
            raise

    def _check_tables(self) -> None:
        """Every table and column this version reads is there (else: damaged)."""
        for table, columns in EXPECTED_COLUMNS.items():
            have = {r[1] for r in self.conn.execute(f"PRAGMA table_info({table})")}  # constant names
            if not have:
                raise damaged(self.url, f"table {table} is missing")
            lost = [c for c in columns if c not in have]
            if lost:
                raise damaged(self.url, f"table {table} has no column {', '.join(lost)}")

    # ------------------------------------------------------------------ errors
    def _translate(self, exc: BaseException, doing: str) -> BaseException:
        """A SQLite (or decoding) error as a one-line :class:`StoreUnavailable` saying
        what to do."""
        if isinstance(exc, R.BadValue):
            return damaged(self.url, str(exc))
        text = str(exc)
        low = text.lower()
        if "readonly" in low or "read-only" in low:
            return StoreUnavailable(
                f"store {self.url} is read-only: {self.path} or its folder may not be written; nothing was "
                "imported (import into a store you may write, or fix the permissions)"
            )
        if "disk is full" in low or "disk i/o error" in low and doing == "import":
            return StoreUnavailable(
                f"store {self.url}: the disk is full, the import was rolled back and the store is unchanged "
                "(free some space and import again)"
            )
        if "no such table" in low or "no such column" in low or "malformed" in low:
            return damaged(self.url, text)
        if "not a database" in low:
            return NotAStore(f"store {self.url} is not a brmgraph store: {self.path} is not a SQLite database")
        if "locked" in low or "busy" in low:
            return StoreUnavailable(
                f"store {self.url} is busy: another process held it longer than {BUSY_TIMEOUT_S:.0f} s ({text})"
            )
        if "unable to open" in low:
            return StoreUnavailable(f"cannot open store {self.url}: {text} (check the file and its folder)")
        return StoreUnavailable(f"store {self.url} failed ({doing}): {text}")

    @contextmanager
    def _guard(self, doing: str = "read") -> Iterator[None]:
        try:
            yield
        except (sqlite3.Error, R.BadValue) as exc:
            raise self._translate(exc, doing) from None

    def close(self) -> None:
        try:
            self.conn.close()
        except Exception:  # pragma: no cover
            pass

    # ------------------------------------------------------------------ snapshot
    @contextmanager
    def snapshot(self) -> Iterator[SqliteStore]:
        """One read transaction for the whole block: every read inside sees the same
        committed state (WAL readers do not block the writer, nor it them)."""
        c = self.conn
        outer = self._depth == 0 and not c.in_transaction
        if outer:
            with self._guard():
                c.execute("BEGIN")
                c.execute("SELECT 1 FROM meta LIMIT 1").fetchone()  # start the read now
        self._depth += 1
        try:
            yield self
        finally:
            self._depth -= 1
            if outer and c.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    c.execute("COMMIT")

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
        if self._depth:  # a programming error: the snapshot would hide (or, on Neo4j, block) the write
            raise RuntimeError("import_dataset inside a read snapshot of the same store")
        if self.readonly:
            raise self._translate(sqlite3.OperationalError("attempt to write a readonly database"), "import")
        with self._guard("import"):
            return self._import(ds, replace=replace, check=check, merge=merge, source=source, effective=effective)

    def _import(
        self,
        ds: Dataset,
        *,
        replace: bool,
        check: ImportCheck | None,
        merge: ImportMerge | None,
        source: str,
        effective: str | None,
    ) -> ImportSummary:
        c = self.conn
        c.execute("BEGIN IMMEDIATE")
        try:
            sets = self._changesets()
            at = change_time(sets, effective)
            if not replace and (check is not None or merge is not None):
                existing = self.id_index()
                if check is not None:
                    check(existing)
                if merge is not None:
                    ds = merge(existing, self._lookup)  # reads in this write transaction
            empty = not any(self.conn.execute(f"SELECT 1 FROM {t} LIMIT 1").fetchone() for t in TABLES)
            current = None if empty else self._snapshot()
            ended, changes = plan_changes(current, ds, replace=replace, first=not sets)
            if replace:
                for t in TABLES:
                    c.execute(f"DELETE FROM {t}")  # table names are constants
            self._write(ds)
            cs = (sets[-1].id + 1) if sets else 1
            counts = {"records": ds.counts(), **changes}
            c.execute(
                "INSERT INTO changesets(id, time, source, mode, counts, versions) VALUES (?,?,?,?,?,?)",
                (cs, at, source, "replace" if replace else "upsert", json.dumps(counts, separators=(",", ":")),
                 H.pack(ended) if ended else None),
            )
            c.execute("COMMIT")
        except BaseException:
            if c.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    c.execute("ROLLBACK")
            raise
        return ImportSummary(counts=ds.counts(), replaced=replace, changeset=cs, time=at, changes=changes)

    # ------------------------------------------------------------------ history
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

    def _write(self, ds: Dataset) -> None:
        c = self.conn
        c.executemany(
            "INSERT OR REPLACE INTO customers VALUES (?,?,?,?,?)",
            ((r.id, r.name, r.industry, r.tier, json.dumps(r.attrs, ensure_ascii=False, sort_keys=True)) for r in ds.customers),
        )
        c.executemany(
            "INSERT OR REPLACE INTO key_persons VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                (
                    # str enums: their str value is the English key
                    r.id, r.customer, r.name, r.title, r.department, r.closeness,
                    r.solution_acceptance, r.price_acceptance, r.veto, r.approver, r.reports_to,
                )
                for r in ds.key_persons
            ),
        )
        c.executemany("INSERT OR REPLACE INTO employees VALUES (?,?,?,?)", ((r.id, r.name, r.team, r.title) for r in ds.employees))
        c.executemany("INSERT OR REPLACE INTO competitors VALUES (?,?)", ((r.id, r.name) for r in ds.competitors))
        c.executemany(
            "INSERT OR REPLACE INTO competitor_staff VALUES (?,?,?)", ((r.id, r.name, r.competitor) for r in ds.competitor_staff)
        )
        # influences and interactions carry their target's customer (for indexed reads);
        # a person's customer may come from this file or from the store
        file_customer = {p.id: p.customer for p in ds.key_persons}
        missing = {i.target for i in ds.influences if i.target not in file_customer}
        missing |= {x.person for x in ds.interactions if x.person not in file_customer}
        stored = self._person_customers(missing)

        def cust(pid: str) -> str:
            return file_customer.get(pid) or stored.get(pid, "")

        c.executemany(
            "INSERT OR REPLACE INTO influences VALUES (?,?,?,?)",
            ((r.source, r.target, r.strength, cust(r.target)) for r in ds.influences),
        )
        c.executemany(
            "INSERT OR REPLACE INTO projects VALUES (?,?,?,?,?,?,?,?,?)",
            (
                (
                    r.id, r.customer, r.name, r.status.value, r.stage, r.amount,
                    r.close_date.isoformat() if r.close_date else None,
                    json.dumps([[m.person, m.role] for m in r.decision_chain], ensure_ascii=False),
                    json.dumps(list(r.competitors), ensure_ascii=False),
                )
                for r in ds.projects
            ),
        )
        c.executemany(
            "INSERT OR REPLACE INTO interactions VALUES (?,?,?,?,?)",
            ((r.employee, r.person, r.date.isoformat(), r.kind, cust(r.person)) for r in ds.interactions),
        )

    def _lookup(self, section: str, ids: list[str]) -> list[Any]:
        """Stored records by id (influences: by target), for an import's merge."""
        decoders: dict[str, tuple[str, str, Callable[..., Any]]] = {
            "customers": ("customers", "id", R.customer),
            "key_persons": ("key_persons", "id", R.key_person),
            "employees": ("employees", "id", R.employee),
            "projects": ("projects", "id", R.project),
            "influences": ("influences", "target", R.influence),
        }
        table, column, make = decoders[section]
        out: list[Any] = []
        for chunk in _chunks(list(ids), 500):
            # table, column and column-list names are constants of this module
            sql = f"SELECT {_COLS[table]} FROM {table} WHERE {column} IN ({_marks(len(chunk))})"
            out.extend(make(*r) for r in self.conn.execute(sql, chunk))
        return out

    def _person_customers(self, ids: Iterable[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for chunk in _chunks(list(ids), 500):
            marks = _marks(len(chunk))
            for pid, cid in self.conn.execute(f"SELECT id, customer FROM key_persons WHERE id IN ({marks})", chunk):
                out[pid] = cid
        return out

    # ------------------------------------------------------------------ reading
    def id_index(self) -> IdIndex:
        idx = IdIndex()
        for table, kind in (
            ("customers", "customer"),
            ("employees", "employee"),
            ("competitors", "competitor"),
            ("competitor_staff", "competitor staff member"),
            ("projects", "project"),
        ):
            for (i,) in self.conn.execute(f"SELECT id FROM {table}"):
                idx.kind[i] = kind
        for i, cust, rep in self.conn.execute("SELECT id, customer, reports_to FROM key_persons"):
            idx.kind[i] = "key person"
            idx.person_customer[i] = cust
            idx.reports_to[i] = rep
        return idx

    def customers(self) -> list[Customer]:
        return [R.customer(*r) for r in self.conn.execute(f"SELECT {_COLS['customers']} FROM customers ORDER BY id")]

    def projects(self, customer: str | None = None) -> list[Project]:
        if customer is None:
            rows = self.conn.execute(f"SELECT {_COLS['projects']} FROM projects ORDER BY id")
        else:
            rows = self.conn.execute(f"SELECT {_COLS['projects']} FROM projects WHERE customer = ? ORDER BY id", (customer,))
        return [R.project(*r) for r in rows]

    def project(self, project_id: str) -> Project:
        row = self.conn.execute(f"SELECT {_COLS['projects']} FROM projects WHERE id = ?", (project_id,)).fetchone()
        if row is None:
            raise NotFound(f"unknown project {project_id!r}")
        return R.project(*row)

    def key_person(self, person_id: str) -> KeyPerson:
        row = self.conn.execute(f"SELECT {_COLS['key_persons']} FROM key_persons WHERE id = ?", (person_id,)).fetchone()
        if row is None:
            raise NotFound(f"unknown key person {person_id!r}")
        return R.key_person(*row)

    def employees(self) -> list[Employee]:
        return [R.employee(*r) for r in self.conn.execute(f"SELECT {_COLS['employees']} FROM employees ORDER BY id")]

    def competitors(self) -> list[Competitor]:
        return [R.competitor(*r) for r in self.conn.execute(f"SELECT {_COLS['competitors']} FROM competitors ORDER BY id")]

    def competitor_staff(self) -> list[CompetitorStaff]:
        return [
            R.competitor_staff(*r) for r in self.conn.execute(f"SELECT {_COLS['competitor_staff']} FROM competitor_staff ORDER BY id")
        ]

    def customer_graph(self, customer_id: str) -> Dataset:
        graphs = self.iter_customer_graphs([customer_id])
        try:
            for ds in graphs:
                return ds
        finally:
            getattr(graphs, "close", lambda: None)()  # end its read transaction now
        raise NotFound(f"unknown customer {customer_id!r}")  # pragma: no cover - iter raises first

    #: customers read per round of queries in :meth:`iter_customer_graphs`
    BATCH = 200

    def iter_customer_graphs(
        self, customer_ids: list[str] | None = None, *, interactions: bool = True
    ) -> Iterator[Dataset]:
        """Stream sub-graphs, reading ``BATCH`` customers per round of indexed queries,
        all in ONE read transaction (:meth:`snapshot`): every customer answers from the
        same state even while another process imports; memory holds one round.
        :meth:`customer_graph` is its first item. Without ``interactions`` the
        interactions are left out. Unknown ids raise NotFound."""
        with self.snapshot(), self._guard():
            yield from self._iter_graphs(customer_ids, interactions)

    def _iter_graphs(self, customer_ids: list[str] | None, interactions: bool) -> Iterator[Dataset]:
        c = self.conn
        ids = customer_ids if customer_ids is not None else [r[0] for r in c.execute("SELECT id FROM customers ORDER BY id")]
        single = len(ids) == 1
        employees: dict[str, Employee] | None = None
        staff: dict[str, CompetitorStaff] | None = None
        competitors: dict[str, Competitor] | None = None
        for start in range(0, len(ids), self.BATCH):
            chunk = ids[start : start + self.BATCH]
            marks = _marks(len(chunk))
            groups: dict[str, dict[str, list[Any]]] = {
                cid: {"persons": [], "projects": [], "influences": [], "interactions": []} for cid in chunk
            }
            rows = {
                r[0]: R.customer(*r)
                for r in c.execute(f"SELECT {_COLS['customers']} FROM customers WHERE id IN ({marks})", chunk)
            }
            for r in c.execute(f"SELECT {_COLS['key_persons']} FROM key_persons WHERE customer IN ({marks}) ORDER BY id", chunk):
                p = R.key_person(*r)
                groups[p.customer]["persons"].append(p)
            for r in c.execute(f"SELECT {_COLS['projects']} FROM projects WHERE customer IN ({marks}) ORDER BY id", chunk):
                j = R.project(*r)
                groups[j.customer]["projects"].append(j)
            for cu, *r in c.execute(
                f"SELECT customer, {_COLS['influences']} FROM influences WHERE customer IN ({marks}) ORDER BY source, target",
                chunk,
            ):
                groups[cu]["influences"].append(R.influence(*r))
            if interactions:
                for cu, *r in c.execute(
                    f"SELECT customer, {_COLS['interactions']} FROM interactions WHERE customer IN ({marks}) "
                    "ORDER BY employee, person, date, kind",
                    chunk,
                ):
                    groups[cu]["interactions"].append(R.interaction(*r))
            sources = sorted({i.source for g in groups.values() for i in g["influences"]})
            if single:  # one customer: read only its sources
                employees = self._by_ids("employees", sources)
                staff = self._by_ids("competitor_staff", sources)
                wanted = {s.competitor for s in staff.values()} | {
                    k for g in groups.values() for j in g["projects"] for k in j.competitors
                }
                competitors = self._by_ids("competitors", sorted(wanted))
            elif employees is None:  # many: read the (small) source tables once
                employees = {e.id: e for e in self.employees()}
                staff = {s.id: s for s in self.competitor_staff()}
                competitors = {k.id: k for k in self.competitors()}
            assert employees is not None and staff is not None and competitors is not None
            for cid in chunk:
                if cid not in rows:
                    raise NotFound(f"unknown customer {cid!r}")
                gr = groups[cid]
                srcs = sorted({i.source for i in gr["influences"]})
                st_ = [staff[x] for x in srcs if x in staff]
                wanted = {x.competitor for x in st_} | {k for j in gr["projects"] for k in j.competitors}
                yield Dataset.model_construct(
                    customers=[rows[cid]],
                    key_persons=gr["persons"],
                    employees=[employees[x] for x in srcs if x in employees],
                    competitors=[competitors[k] for k in sorted(wanted) if k in competitors],
                    competitor_staff=st_,
                    influences=gr["influences"],
                    projects=gr["projects"],
                    interactions=gr["interactions"],
                )

    def _by_ids(self, table: str, ids: list[str]) -> dict[str, Any]:
        """Records of ``table`` (a constant name) with these ids, by id."""
        decode = R.DECODERS[table][0]
        out: dict[str, Any] = {}
        for chunk in _chunks(ids, 500):
            for r in self.conn.execute(f"SELECT {_COLS[table]} FROM {table} WHERE id IN ({_marks(len(chunk))})", chunk):
                out[r[0]] = decode(*r)
        return out

    def export(self) -> Dataset:
        with self.snapshot():
            return self._snapshot()

    def _snapshot(self) -> Dataset:
        """The whole latest state (inside the caller's transaction)."""
        c = self.conn
        return Dataset.model_construct(
            customers=self.customers(),
            key_persons=[R.key_person(*r) for r in c.execute(f"SELECT {_COLS['key_persons']} FROM key_persons ORDER BY id")],
            employees=self.employees(),
            competitors=self.competitors(),
            competitor_staff=self.competitor_staff(),
            influences=[
                R.influence(*r) for r in c.execute(f"SELECT {_COLS['influences']} FROM influences ORDER BY source, target")
            ],
            projects=self.projects(),
            interactions=[
                R.interaction(*r)
                for r in c.execute(f"SELECT {_COLS['interactions']} FROM interactions ORDER BY employee, person, date, kind")
            ],
        )

    def counts(self) -> dict[str, int]:
        self.check_values()
        return {t: self.conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}

    def check_values(self) -> None:
        """Raise StoreDamaged when a stored enumeration value is outside its enumeration
        (written by another tool): one scan per column (``info`` runs it)."""
        for (table, column), (allowed, kind, id_cols) in R.ENUM_COLUMNS.items():
            # table and column names are constants of records.py; the values are parameters
            sql = (
                f"SELECT {' || {arrow} || '.join(id_cols)}, {column} FROM {table} "
                f"WHERE {column} IS NOT NULL AND {column} != '' AND {column} NOT IN ({_marks(len(allowed))}) LIMIT 1"
            ).replace("{arrow}", "'->'")
            row = self.conn.execute(sql, list(allowed)).fetchone()
            if row is not None:
                R._enum(allowed, row[1], "", kind, row[0], column)


def _guarded(method: Callable[..., Any]) -> Callable[..., Any]:
    """``method`` with SQLite and decoding errors turned into one-line store errors."""

    @functools.wraps(method)
    def wrapper(self: SqliteStore, *args: Any, **kwargs: Any) -> Any:
        with self._guard():
            return method(self, *args, **kwargs)

    return wrapper


for _name in (
    "customers", "projects", "project", "key_person", "employees", "competitors", "competitor_staff",
    "customer_graph", "export", "changesets", "versions", "id_index", "counts", "state_at",
):
    assert not inspect.isgeneratorfunction(getattr(SqliteStore, _name))
    setattr(SqliteStore, _name, _guarded(getattr(SqliteStore, _name)))


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

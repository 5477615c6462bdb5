"""Opening an embedded store: the connection, the schema check and migrations, the
translation of SQLite errors, and read snapshots."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Self
from urllib.parse import quote

from ...errors import StoreUnavailable, escaped, os_error_text
from .. import records as R
from ..base import NotAStore, Store, damaged
from .schema import BUSY_TIMEOUT_S, EXPECTED_COLUMNS, FORMAT_MARK, MIGRATIONS, SCHEMA, SCHEMA_VERSION, path_of

#: what a store was doing, as said in an error message
_DOING = {"open": "opened", "read": "read", "write": "written"}


class SqliteConnection(Store):
    """The connection to one SQLite file; the reading, history and writing layers build
    on it (:class:`~brmgraph.store.sqlite.SqliteStore` is the complete store)."""

    def __init__(self, url: str = "sqlite:///brm.db", *, create: bool = True) -> None:
        self.url = url
        self.path = path_of(url)
        self.readonly = False
        self._depth = 0  # nesting of snapshot() blocks
        try:
            self._check_path(url, create)
        except OSError as exc:  # a name too long, a folder we may not search...
            raise StoreUnavailable(f"cannot open store {escaped(url, 300)}: {os_error_text(exc)}") from None
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
                # WAL: readers never wait for an import, nor it for them. synchronous=FULL:
                # a commit syncs the WAL, so an import reported done survives a power
                # loss (NORMAL could lose the last commits); one sync per write
                # transaction, a negligible cost for imports
                self.conn.execute("PRAGMA journal_mode=WAL")
                self.conn.execute("PRAGMA synchronous=FULL")
        except sqlite3.DatabaseError as exc:
            with contextlib.suppress(Exception):
                self.conn.close()
            raise self._translate(exc, "open") from None
        except BaseException:
            with contextlib.suppress(Exception):
                self.conn.close()
            raise

    def _check_path(self, url: str, create: bool) -> None:
        """The file and its folder are what the command needs (else StoreUnavailable);
        sets :attr:`readonly` for a store we may read but not write."""
        if self.path.exists() and self.path.is_dir():
            raise StoreUnavailable(f"cannot open store {url}: {self.path} is a folder")
        if not create and not self.path.exists():
            raise StoreUnavailable(
                f"store {url} does not exist (no file {self.path}); importing data into it creates it"
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
                f"(tables {others}); nothing was written to it. Choose another store file"
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
                    if isinstance(stmt, str):
                        c.execute(stmt)
                    else:
                        stmt(c)
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
        what to do. SQLite errors are told apart by their primary result code
        (``sqlite_errorname``: ``SQLITE_IOERR_WRITE`` is an ``SQLITE_IOERR``), never by the
        words of their message (which may quote a name from the file)."""
        if isinstance(exc, R.BadValue):
            return damaged(self.url, str(exc))
        text = str(exc)
        code = "_".join((getattr(exc, "sqlite_errorname", None) or "").split("_")[:2])
        if code == "SQLITE_READONLY":
            return self.read_only_error()
        if code in ("SQLITE_FULL", "SQLITE_IOERR"):
            # a write beyond a size limit is an I/O error to SQLite (EFBIG), as is a failing disk
            what = "the disk is full" if code == "SQLITE_FULL" else f"the disk is full or failing ({text})"
            if doing == "import":
                return StoreUnavailable(
                    f"store {self.url}: {what}, the import was rolled back and the store is unchanged "
                    "(free some space or check the disk, and import again)"
                )
            return StoreUnavailable(f"store {self.url}: {what} while it was being {_DOING.get(doing, doing)}")
        if code == "SQLITE_CORRUPT" or (code == "SQLITE_ERROR" and text.startswith(("no such table", "no such column"))):
            return damaged(self.url, text)
        if code == "SQLITE_NOTADB":
            return NotAStore(f"store {self.url} is not a brmgraph store: {self.path} is not a SQLite database")
        if code in ("SQLITE_BUSY", "SQLITE_LOCKED"):
            return StoreUnavailable(
                f"store {self.url} is busy: another process held it longer than {BUSY_TIMEOUT_S:.0f} s ({text})"
            )
        if code == "SQLITE_CANTOPEN":
            return StoreUnavailable(f"cannot open store {self.url}: {text} (check the file and its folder)")
        if doing == "import":
            return StoreUnavailable(
                f"store {self.url} failed (import): {text}; the import was rolled back and the store is unchanged"
            )
        return StoreUnavailable(f"store {self.url} failed ({doing}): {text}")

    def read_only_error(self) -> StoreUnavailable:
        """The error of a write refused because the store may not be written."""
        return StoreUnavailable(
            f"store {self.url} is read-only: {self.path} or its folder may not be written; nothing was "
            "imported (import into a store you may write, or fix the permissions)"
        )

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
    def snapshot(self) -> Iterator[Self]:
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

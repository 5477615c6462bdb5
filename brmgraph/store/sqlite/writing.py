"""Writing the embedded store: an import as one ``BEGIN IMMEDIATE`` transaction with
its change set."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable, Iterable
from datetime import date
from functools import partial
from operator import attrgetter
from typing import Any, cast

from ...model import Dataset
from .. import history as H
from .. import records as R
from .. import stamps as S
from ..base import ImportCheck, ImportMerge, ImportSummary, change_time, plan_changes
from . import compact
from .cache import SqliteFlagCache
from .schema import _COLS, TABLES, _chunks, _marks

#: (index, table, column) of the customer indexes :meth:`SqliteWriting._write` may rebuild
CUSTOMER_INDEXES = (
    ("key_persons_customer", "key_persons", "customer"),
    ("influences_customer", "influences", "customer"),
    ("projects_customer", "projects", "customer"),
    ("interactions_customer", "interactions", "customer"),
)
#: rows from which filling an empty table drops its customer index and builds it after
BULK_ROWS = 10_000

#: the rows an import inserted, as :meth:`SqliteWriting._write` gives them (customers, key
#: persons, projects, influences, employee ids, competitor staff ids)
StoredRows = tuple[
    list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]], set[str], set[str]
]


def _file_customers(ds: Dataset) -> dict[str, str | None]:
    """Key person id -> its customer in ``ds``; ``None`` for the persons influences and
    interactions aim at that ``ds`` does not hold (the store's, or none)."""
    file_customer: dict[str, str | None] = dict(
        zip(map(attrgetter("id"), ds.key_persons), map(attrgetter("customer"), ds.key_persons))
    )
    missing = set(map(attrgetter("target"), ds.influences)) - file_customer.keys()
    missing |= set(map(attrgetter("person"), ds.interactions)) - file_customer.keys()
    if missing:
        return dict.fromkeys(missing) | file_customer
    return file_customer


def _rows(ds: Dataset, customer: dict[str, Any]) -> StoredRows:
    """The rows :meth:`SqliteWriting._write` inserts for customers, key persons,
    projects (decision chain and competitors as lists; JSON text when written) and
    influences (with the customer of their target, from ``customer``; ``None`` is
    stored as ``""``), and the employee and staff ids."""
    # rows are made by C-level getters where a column is a plain field; an enum
    # column binds its member's value (the English key): a plain str binds about
    # three times faster than a str subclass, which sqlite3 first tries to adapt
    customers = [
        (r.id, r.name, r.industry, r.tier, json.dumps(r.attrs, ensure_ascii=False, sort_keys=True)) for r in ds.customers
    ]
    persons = list(
        map(
            attrgetter(
                "id", "customer", "name", "title", "department", "closeness._value_",
                "solution_acceptance._value_", "price_acceptance._value_", "veto._value_", "approver._value_",
                "reports_to",
            ),
            ds.key_persons,
        )
    )
    if None in customer.values():
        customer = {pid: "" if cid is None else cid for pid, cid in customer.items()}
    # (zip and map: no Python frame per row)
    target = attrgetter("target")
    influences = list(
        zip(
            map(attrgetter("source"), ds.influences), map(target, ds.influences),
            map(attrgetter("strength._value_"), ds.influences), map(customer.__getitem__, map(target, ds.influences)),
        )
    )
    projects = [
        (
            r.id, r.customer, r.name, r.status.value, r.stage, r.amount,
            r.close_date.isoformat() if r.close_date else None,
            [[m.person, m.role] for m in r.decision_chain],
            list(r.competitors),
        )
        for r in ds.projects
    ]
    return customers, persons, projects, influences, {e.id for e in ds.employees}, {s.id for s in ds.competitor_staff}


def _changed_part(ds: Dataset, write: dict[str, list[Any]]) -> Dataset:
    """The records of ``ds`` an upsert writes: those the plan found created or changed
    (``write``), and the influences and interactions aimed at a key person written (a
    person that moves to another customer takes the customer column of the rows aimed
    at it along, as writing the whole file does)."""
    part = {section: write.get(section, []) for section in Dataset.SECTIONS}
    if part["key_persons"]:
        persons = {p.id for p in part["key_persons"]}
        for section, field in (("influences", "target"), ("interactions", "person")):
            aimed = [r for r in getattr(ds, section) if getattr(r, field) in persons]
            if aimed:
                # the plan's records first, then those aimed at a written person (each once)
                keyed = {H.identity(section, r): r for r in part[section]}
                keyed.update((H.identity(section, r), r) for r in aimed)
                part[section] = list(keyed.values())
    return Dataset.model_construct(**part)  # type: ignore[arg-type]  # (the sections, as validated)


#: what an import into an empty store writes, made once: person -> customer, and the rows
Whole = tuple[dict[str, str], StoredRows]


class SqliteWriting(SqliteFlagCache):
    """Imports."""

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
        job: compact.Forked | None = None
        whole_rows: Whole | None = None
        deferred: Callable[[], None] | None = None
        try:
            sets = self._changesets()
            at = change_time(sets, effective)
            empty = not any(self.conn.execute(f"SELECT 1 FROM {t} LIMIT 1").fetchone() for t in TABLES)
            # into an empty store (or replacing every record) the store holds exactly the
            # file's records after the write: the compact rows are built from the rows
            # written, not read back, by a second process while this one checks, plans
            # and writes (:func:`.compact.fork`; here when the records are final, below
            # after a merge). An upsert writes only the records the plan finds created or
            # changed (the others equal what the store holds) and rebuilds the compact
            # rows of the customers those change.
            if (replace or empty) and merge is None:
                # into an empty store the checks against it run in the second process too
                # (and again here only when they failed there, to raise their error)
                if check is not None and not replace:
                    existing = self.id_index()
                    deferred = partial(check, existing)
                job, whole_rows = self._compact_job(ds, deferred)
                if job is None and deferred is not None:
                    pending, deferred = deferred, None
                    pending()
            elif not replace and (check is not None or merge is not None):
                existing = self.id_index()
                if check is not None:
                    check(existing)
                if merge is not None:
                    ds = merge(existing, self._lookup)  # reads in this write transaction
                    empty = not any(self.conn.execute(f"SELECT 1 FROM {t} LIMIT 1").fetchone() for t in TABLES)
                    if empty:
                        job, whole_rows = self._compact_job(ds)
            current = None if empty else self._snapshot()
            whole = replace or current is None
            write: dict[str, list[Any]] | None = None if whole else {}
            ended, changes = plan_changes(current, ds, replace=replace, first=not sets, write=write)
            stamps = S.touched(ended, current, ds, first=not sets)
            if replace:
                for t in TABLES:
                    c.execute(f"DELETE FROM {t}")  # table names are constants
            if write is None:
                rows = self._write(ds, keep=True, given=whole_rows)
                built = job.result() if job is not None else None
                job = None
                if built is None and deferred is not None:
                    pending, deferred = deferred, None
                    pending()  # failed in the second process (or it failed): raises here
                if built is None:
                    assert rows is not None
                    built = compact.build_from_rows(*rows)
                compact.write_rows(c, built)
            else:
                # read before the records change
                rebuild = compact.changed(c, ended, stamps.customers) if sets else compact.touched(c, ds)
                self._write(_changed_part(ds, write))
                self._write_compact(rebuild)
            cs = (sets[-1].id + 1) if sets else 1
            counts = {"records": ds.counts(), **changes}
            c.execute(
                "INSERT INTO changesets(id, time, source, mode, counts, versions) VALUES (?,?,?,?,?,?)",
                (cs, at, source, "replace" if replace else "upsert", json.dumps(counts, separators=(",", ":")), None),
            )
            self._write_stamps(cs, stamps, replace=replace)
            if ended:
                self._write_history_parts(cs, H.pack_by_customer(ended, current, ds))
            c.execute("COMMIT")
        except BaseException as exc:
            if job is not None:
                job.cancel()
            if c.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    c.execute("ROLLBACK")
            if deferred is not None and isinstance(exc, Exception):
                deferred()  # a check left to the second process: the file's own problem first
            raise
        return ImportSummary(counts=ds.counts(), replaced=replace, changeset=cs, time=at, changes=changes)


    @staticmethod
    def _compact_job(ds: Dataset, check: Callable[[], None] | None = None) -> tuple[compact.Forked | None, Whole]:
        """The rows an import of ``ds`` into an empty store writes (made here, before
        the fork, so both processes share them), and a forked process building their
        compact rows when ``ds`` is large (:func:`.compact.fork`), after ``check``."""
        found = _file_customers(ds)
        # (the store is empty, or emptied before the write: a person the file lacks has none)
        customer: dict[str, str] = (
            {pid: "" if cid is None else cid for pid, cid in found.items()} if None in found.values() else cast(dict[str, str], found)
        )
        rows = _rows(ds, customer)
        job = compact.fork(lambda: compact.build_from_rows(*rows), len(ds.key_persons) + len(ds.influences), check)
        return job, (customer, rows)

    def _write_compact(self, customers: set[str] | None) -> None:
        """Rewrite the compact rows of ``customers`` (every row when ``None``) in the
        import's transaction (:mod:`.compact`)."""
        compact.rebuild(self.conn, customers)

    def _write(self, ds: Dataset, *, keep: bool = False, given: Whole | None = None) -> StoredRows | None:
        """Insert (or replace) the records of ``ds``. ``keep``: also give the rows of
        customers, key persons, projects and influences as inserted, for
        :func:`.compact.build_from_rows`. ``given``: those rows and the customer of
        each person, already made for an import into an empty store."""
        c = self.conn
        rebuild = self._drop_customer_indexes(ds)
        if given is not None:
            customer, rows = given
        else:
            # influences and interactions carry their target's customer (for indexed
            # reads); a person's customer may come from this file or from the store
            customer = _file_customers(ds)  # type: ignore[assignment]
            missing = [pid for pid, cid in customer.items() if cid is None]
            if missing:
                found = self._person_customers(missing)
                customer = {pid: found.get(pid, "") if cid is None else cid for pid, cid in customer.items()}
            rows = _rows(ds, customer)
        customers, persons, projects, influences = rows[:4]
        c.executemany("INSERT OR REPLACE INTO customers VALUES (?,?,?,?,?)", customers)
        c.executemany("INSERT OR REPLACE INTO key_persons VALUES (?,?,?,?,?,?,?,?,?,?,?)", persons)
        c.executemany("INSERT OR REPLACE INTO employees VALUES (?,?,?,?)", map(attrgetter("id", "name", "team", "title"), ds.employees))
        c.executemany("INSERT OR REPLACE INTO competitors VALUES (?,?)", map(attrgetter("id", "name"), ds.competitors))
        c.executemany(
            "INSERT OR REPLACE INTO competitor_staff VALUES (?,?,?)", map(attrgetter("id", "name", "competitor"), ds.competitor_staff)
        )
        c.executemany("INSERT OR REPLACE INTO influences VALUES (?,?,?,?)", influences)
        c.executemany(
            "INSERT OR REPLACE INTO projects VALUES (?,?,?,?,?,?,?,?,?)",
            ((*r[:7], json.dumps(r[7], ensure_ascii=False), json.dumps(r[8], ensure_ascii=False)) for r in projects),
        )
        person = attrgetter("person")
        c.executemany(
            "INSERT OR REPLACE INTO interactions VALUES (?,?,?,?,?)",
            zip(
                map(attrgetter("employee"), ds.interactions), map(person, ds.interactions),
                map(date.isoformat, map(attrgetter("date"), ds.interactions)),
                map(attrgetter("kind"), ds.interactions), map(customer.__getitem__, map(person, ds.interactions)),
            ),
        )
        for stmt in rebuild:
            c.execute(stmt)
        return rows if keep else None

    def _drop_customer_indexes(self, ds: Dataset) -> list[str]:
        """Drop the customer index of each table this import fills from empty with many
        rows, and give the statements that build them again after the inserts: one
        sort of the finished table is cheaper than keeping the index up to date row by
        row. Inside the import's transaction, so a failed import keeps the indexes."""
        rebuild = []
        for name, table, column in CUSTOMER_INDEXES:
            if len(getattr(ds, table)) >= BULK_ROWS and self.conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is None:
                # names are constants of the schema module
                self.conn.execute(f"DROP INDEX IF EXISTS {name}")
                rebuild.append(f"CREATE INDEX IF NOT EXISTS {name} ON {table}({column})")
        return rebuild

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

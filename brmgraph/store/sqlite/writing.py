"""Writing the embedded store: an import as one ``BEGIN IMMEDIATE`` transaction with
its change set."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable, Iterable
from datetime import date
from operator import add, attrgetter, itemgetter
from typing import Any

from ...model import Dataset
from ...schema import KINDS, Field, Kind
from .. import history as H
from .. import records as R
from .. import stamps as S
from ..base import ImportCheck, ImportMerge, ImportSummary, change_time, plan_changes
from . import compact
from .cache import SqliteFlagCache
from .schema import _COLS, OWNER_OF, TABLES, _chunks, _marks

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


def _chain_list(chain: list[Any]) -> list[list[str]]:
    return [[m.person, m.role] for m in chain]


def _attrs_text(attrs: Any) -> str:
    return json.dumps(attrs, ensure_ascii=False, sort_keys=True)


def _iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


def _converter(f: Field) -> Callable[[Any], Any] | None:
    """How a value of ``f`` is stored when it is not bound as it is (lists stay lists
    here, for the compact rows; they are JSON text when inserted)."""
    if f.type == "date":
        return date.isoformat if f.required else _iso
    if f.type == "list":
        return _chain_list if f.items == "chain" else list
    return _attrs_text if f.type == "json" else None


def row_maker(k: Kind) -> Callable[[list[Any]], list[tuple[Any, ...]]]:
    """The stored rows (column order of ``k``'s declaration) of records of kind ``k``,
    made by C-level getters, ``map`` and ``zip`` (no Python frame per row but the
    converters'). An enum column binds its member's value (the English key): a plain
    str binds about three times faster than a str subclass, which sqlite3 first tries
    to adapt."""
    plain = [f for f in k.fields if _converter(f) is None]
    done = [f for f in k.fields if _converter(f) is not None]
    paths = [f"{f.name}._value_" if f.type == "enum" else f.name for f in plain]
    one = attrgetter(paths[0])
    get = attrgetter(*paths) if len(paths) > 1 else lambda r: (one(r),)
    if not done:
        return lambda records: list(map(get, records))
    # the plain columns, then the converted ones, put back in declaration order
    order = itemgetter(*(plain.index(f) if f in plain else len(plain) + done.index(f) for f in k.fields))
    steps = [(attrgetter(f.name), _converter(f)) for f in done]

    def rows(records: list[Any]) -> list[tuple[Any, ...]]:
        converted = zip(*(map(convert, map(getter, records)) for getter, convert in steps))  # type: ignore[arg-type]
        return list(map(order, map(add, map(get, records), converted)))

    return rows


ROWS = {s: row_maker(k) for s, k in KINDS.items()}
#: the INSERT of each table, its columns in declaration order (and the carried customer)
INSERT = {
    s: f"INSERT OR REPLACE INTO {s} ({', '.join((*k.names(), 'customer') if s in OWNER_OF else k.names())}) "
    f"VALUES ({_marks(len(k.fields) + (s in OWNER_OF))})"
    for s, k in KINDS.items()
}
#: the columns held as lists in a row, JSON text when inserted
_LIST_COLUMNS = {s: tuple(i for i, f in enumerate(k.fields) if f.type == "list") for s, k in KINDS.items()}


def _as_text(section: str, rows: Iterable[tuple[Any, ...]]) -> Iterable[tuple[Any, ...]]:
    cols = _LIST_COLUMNS[section]
    if not cols:
        return rows
    return (tuple(json.dumps(v, ensure_ascii=False) if i in cols else v for i, v in enumerate(r)) for r in rows)


def _rows(ds: Dataset, customer: dict[str, Any]) -> StoredRows:
    """The rows :meth:`SqliteWriting._write` inserts for customers, key persons,
    projects (decision chain and competitors as lists; JSON text when written) and
    influences (with the customer of their target, from ``customer``; ``None`` is
    stored as ``""``), and the employee and staff ids."""
    if None in customer.values():
        customer = {pid: "" if cid is None else cid for pid, cid in customer.items()}
    # (zip and map: no Python frame per row)
    influences = [
        (*r, c) for r, c in zip(ROWS["influences"](ds.influences), map(customer.__getitem__, map(attrgetter("target"), ds.influences)))
    ]
    return (
        ROWS["customers"](ds.customers), ROWS["key_persons"](ds.key_persons), ROWS["projects"](ds.projects), influences,
        {e.id for e in ds.employees}, {s.id for s in ds.competitor_staff},
    )


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
            raise self.read_only_error()
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
            empty = not any(self.conn.execute(f"SELECT 1 FROM {t} LIMIT 1").fetchone() for t in TABLES)
            if not replace and (check is not None or merge is not None):
                existing = self.id_index()
                if check is not None:
                    check(existing)
                if merge is not None:
                    ds = merge(existing, self._lookup)  # reads in this write transaction
                    empty = not any(self.conn.execute(f"SELECT 1 FROM {t} LIMIT 1").fetchone() for t in TABLES)
            # an upsert writes only the records the plan finds created or changed (the
            # others equal what the store holds); the flag rows of the customers those
            # change are built again from the tables after the write (every row when the
            # store held nothing or is replaced), in this transaction
            current = None if empty else self._snapshot()
            whole = replace or current is None
            write: dict[str, list[Any]] | None = None if whole else {}
            ended, changes = plan_changes(current, ds, replace=replace, first=not sets, write=write)
            stamps = S.touched(ended, current, ds, first=not sets)
            if replace:
                for t in TABLES:
                    c.execute(f"DELETE FROM {t}")  # table names are constants
            if write is None:
                self._write(ds)
                compact.refresh(c, None)
            else:
                # read before the records change
                rebuild = compact.changed(c, ended, stamps.customers) if sets else compact.touched(c, ds)
                self._write(_changed_part(ds, write))
                compact.refresh(c, rebuild)
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
        except BaseException:
            if c.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    c.execute("ROLLBACK")
            raise
        return ImportSummary(counts=ds.counts(), replaced=replace, changeset=cs, time=at, changes=changes)


    def _write(self, ds: Dataset) -> None:
        """Insert (or replace) the records of ``ds``."""
        c = self.conn
        rebuild = self._drop_customer_indexes(ds)
        # influences and interactions carry their target's customer (for indexed
        # reads); a person's customer may come from this file or from the store
        customer: dict[str, Any] = _file_customers(ds)
        missing = [pid for pid, cid in customer.items() if cid is None]
        if missing:
            found = self._person_customers(missing)
            customer = {pid: found.get(pid, "") if cid is None else cid for pid, cid in customer.items()}
        rows = _rows(ds, customer)
        made = dict(zip(("customers", "key_persons", "projects", "influences"), rows[:4]))
        for section in KINDS:
            if section == "interactions":
                person = attrgetter("person")
                data: Iterable[tuple[Any, ...]] = [
                    (*r, c)
                    for r, c in zip(ROWS[section](ds.interactions), map(customer.__getitem__, map(person, ds.interactions)))
                ]
            else:
                data = made[section] if section in made else ROWS[section](getattr(ds, section))
            c.executemany(INSERT[section], _as_text(section, data))
        for stmt in rebuild:
            c.execute(stmt)

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
        table, column = section, "target" if section == "influences" else "id"
        make = R.DECODERS[section][0]
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

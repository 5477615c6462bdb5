"""Writing the embedded store: an import as one ``BEGIN IMMEDIATE`` transaction with
its change set."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable, Iterable
from typing import Any

from ...model import Dataset
from .. import history as H
from .. import records as R
from .. import stamps as S
from ..base import ImportCheck, ImportMerge, ImportSummary, change_time, plan_changes
from . import compact
from .cache import SqliteFlagCache
from .schema import _COLS, TABLES, _chunks, _marks


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
            touched = None if replace else compact.touched(c, ds)  # read before the records change
            if replace:
                for t in TABLES:
                    c.execute(f"DELETE FROM {t}")  # table names are constants
            self._write(ds)
            self._write_compact(touched)
            cs = (sets[-1].id + 1) if sets else 1
            counts = {"records": ds.counts(), **changes}
            c.execute(
                "INSERT INTO changesets(id, time, source, mode, counts, versions) VALUES (?,?,?,?,?,?)",
                (cs, at, source, "replace" if replace else "upsert", json.dumps(counts, separators=(",", ":")),
                 H.pack(ended) if ended else None),
            )
            self._write_stamps(cs, S.touched(ended, current, ds, first=not sets), replace=replace)
            c.execute("COMMIT")
        except BaseException:
            if c.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    c.execute("ROLLBACK")
            raise
        return ImportSummary(counts=ds.counts(), replaced=replace, changeset=cs, time=at, changes=changes)


    def _write_compact(self, customers: set[str] | None) -> None:
        """Rewrite the compact rows of ``customers`` (every row when ``None``) in the
        import's transaction (:mod:`.compact`)."""
        compact.rebuild(self.conn, customers)

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

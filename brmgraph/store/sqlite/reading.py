"""Reading the embedded store's latest state: records, customer sub-graphs, the id
index, counts and value checks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...errors import NotFound
from ...graph import CustomerGraph
from ...model import Competitor, CompetitorStaff, Customer, Dataset, Employee, KeyPerson, Project
from ...schema import KINDS
from .. import records as R
from ..base import IdIndex
from .history import SqliteHistory
from .schema import _COLS, TABLES, _chunks, _marks

#: the tables read per customer (by their ``customer`` column), interactions last
_OF_CUSTOMER = ("key_persons", "projects", "influences", "interactions")
#: the ORDER BY of each table: its key
_ORDER = {t: ", ".join(KINDS[t].key) for t in TABLES}


class SqliteReading(SqliteHistory):
    """Reads of the latest state."""

    def id_index(self) -> IdIndex:
        idx = IdIndex()
        for table in (t for t, k in KINDS.items() if k.key == ("id",) and t != "key_persons"):
            for (i,) in self.conn.execute(f"SELECT id FROM {table}"):
                idx.kind[i] = KINDS[table].noun
        for i, cust, rep in self.conn.execute("SELECT id, customer, reports_to FROM key_persons"):
            idx.kind[i] = "key person"
            idx.person_customer[i] = cust
            idx.reports_to[i] = rep
        return idx

    def _all(self, section: str, where: str = "", params: tuple[Any, ...] = ()) -> list[Any]:
        """The records of ``section`` (a constant name; ``where`` a constant condition
        with its values in ``params``), in key order."""
        decode = R.DECODERS[section][0]
        sql = f"SELECT {_COLS[section]} FROM {section} {where} ORDER BY {_ORDER[section]}"
        return [decode(*r) for r in self.conn.execute(sql, params)]

    def customers(self) -> list[Customer]:
        return self._all("customers")

    def projects(self, customer: str | None = None) -> list[Project]:
        return self._all("projects") if customer is None else self._all("projects", "WHERE customer = ?", (customer,))

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
        return self._all("employees")

    def competitors(self) -> list[Competitor]:
        return self._all("competitors")

    def competitor_staff(self) -> list[CompetitorStaff]:
        return self._all("competitor_staff")

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
            groups: dict[str, dict[str, list[Any]]] = {cid: {t: [] for t in _OF_CUSTOMER} for cid in chunk}
            rows = {
                r[0]: R.customer(*r)
                for r in c.execute(f"SELECT {_COLS['customers']} FROM customers WHERE id IN ({marks})", chunk)
            }
            for table in _OF_CUSTOMER if interactions else _OF_CUSTOMER[:-1]:
                decode = R.DECODERS[table][0]
                for cu, *r in c.execute(
                    f"SELECT customer, {_COLS[table]} FROM {table} WHERE customer IN ({marks}) ORDER BY {_ORDER[table]}", chunk
                ):
                    groups[cu][table].append(decode(*r))
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
                    key_persons=gr["key_persons"],
                    employees=[employees[x] for x in srcs if x in employees],
                    competitors=[competitors[k] for k in sorted(wanted) if k in competitors],
                    competitor_staff=st_,
                    influences=gr["influences"],
                    projects=gr["projects"],
                    interactions=gr["interactions"],
                )

    def iter_flag_graphs(self, customer_ids: list[str] | None = None) -> Iterator[CustomerGraph]:
        """Customer graphs for ``flags``, each from its flag row (:mod:`.compact`, kept
        at import): ``BATCH`` customers per query, all in one snapshot. A row that is
        missing or unreadable is built from the tables (in this snapshot)."""
        with self.snapshot(), self._guard():
            yield from self._iter_flag_graphs(customer_ids)

    def _iter_flag_graphs(self, customer_ids: list[str] | None) -> Iterator[CustomerGraph]:
        from ..compact import decode, flag_graph, intact
        from . import compact

        c = self.conn
        ids = customer_ids if customer_ids is not None else [r[0] for r in c.execute("SELECT id FROM customers ORDER BY id")]
        employees = {e.id: e for e in self.employees()}
        staff = {s.id: s for s in self.competitor_staff()}
        competitors = {k.id: k for k in self.competitors()}
        for start in range(0, len(ids), self.BATCH):
            chunk = ids[start : start + self.BATCH]
            stored = dict(c.execute(f"SELECT customer, data FROM customer_compact WHERE customer IN ({_marks(len(chunk))})", chunk))
            # missing or damaged rows (derived data) are built again from the tables, in
            # one round; the others decoded one at a time, as used (fewer live objects:
            # less for the garbage collector to scan)
            bad = {cid for cid in chunk if intact(stored.get(cid)) is None}
            built = compact.build(c, sorted(bad)) if bad else {}
            for cid in chunk:
                row = built.get(cid) if cid in bad else decode(stored[cid])
                if row is None and cid not in bad:  # intact, but not a row of this layout
                    row = compact.build(c, [cid]).get(cid)
                if row is None:
                    raise NotFound(f"unknown customer {cid!r}")
                yield flag_graph(cid, row, employees, staff, competitors)

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
        return Dataset.model_construct(None, **{t: self._all(t) for t in TABLES})

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
                R.enum_member(allowed, row[1], "", kind, row[0], column)

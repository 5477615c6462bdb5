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

import json
import sqlite3
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator

from ..errors import BadArgument, NotFound, StoreUnavailable
from ..model import (
    ChainMember,
    Competitor,
    CompetitorStaff,
    Customer,
    Dataset,
    Employee,
    Influence,
    Interaction,
    KeyPerson,
    Project,
    trusted,
)
from .base import IdIndex, ImportCheck, ImportMerge, ImportSummary, Store

BUSY_TIMEOUT_S = 120.0
SCHEMA_VERSION = 1

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
"""

TABLES = ("customers", "key_persons", "employees", "competitors", "competitor_staff", "influences", "projects", "interactions")


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

    def __init__(self, url: str = "sqlite:///brm.db") -> None:
        self.url = url
        self.path = path_of(url)
        if self.path.exists() and self.path.is_dir():
            raise StoreUnavailable(f"cannot open store {url}: {self.path} is a folder")
        if not self.path.parent.exists():
            raise StoreUnavailable(f"cannot open store {url}: folder {self.path.parent} does not exist")
        try:
            self.conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            # 64 MB page cache (default 2 MB): large imports touch the id and customer
            # indexes all over; a small cache re-reads the same pages many times
            self.conn.execute("PRAGMA cache_size=-65536")
            self.conn.execute("PRAGMA foreign_keys=OFF")
            self._ensure_schema()
        except sqlite3.DatabaseError as exc:
            raise StoreUnavailable(f"cannot open store {url}: {exc}") from None

    def _ensure_schema(self) -> None:
        cur = self.conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND name='meta'")
        if cur.fetchone() is None:
            # every statement is idempotent (IF NOT EXISTS), so two first opens at once are safe
            self.conn.executescript("BEGIN IMMEDIATE;" + SCHEMA + "COMMIT;")
            self.conn.execute(
                "INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
            )
        else:
            row = self.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            if row is None or int(row[0]) != SCHEMA_VERSION:
                raise StoreUnavailable(f"store {self.url} has schema version {row and row[0]}, expected {SCHEMA_VERSION}")

    def close(self) -> None:
        try:
            self.conn.close()
        except Exception:  # pragma: no cover
            pass

    # ------------------------------------------------------------------ writing
    def import_dataset(
        self, ds: Dataset, *, replace: bool = False, check: ImportCheck | None = None, merge: ImportMerge | None = None
    ) -> ImportSummary:
        c = self.conn
        try:
            c.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreUnavailable(f"store {self.url} is busy or read-only: {exc}") from None
        try:
            if replace:
                for t in TABLES:
                    c.execute(f"DELETE FROM {t}")  # table names are constants
            elif check is not None or merge is not None:
                existing = self.id_index()
                if check is not None:
                    check(existing)
                if merge is not None:
                    ds = merge(existing, self._lookup)  # reads in this write transaction
            self._write(ds)
            c.execute("COMMIT")
        except BaseException:
            if c.in_transaction:
                c.execute("ROLLBACK")
            raise
        return ImportSummary(counts=ds.counts(), replaced=replace)

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
        table, column, make = {
            "customers": ("customers", "id", _customer),
            "key_persons": ("key_persons", "id", _person),
            "employees": ("employees", "id", lambda r: Employee(id=r[0], name=r[1], team=r[2], title=r[3])),
            "projects": ("projects", "id", _project),
            "influences": ("influences", "target", lambda r: Influence(source=r[0], target=r[1], strength=r[2])),
        }[section]
        out: list[Any] = []
        for chunk in _chunks(list(ids), 500):
            # table and column names are constants of the dict above
            out.extend(make(r) for r in self.conn.execute(f"SELECT * FROM {table} WHERE {column} IN ({_marks(len(chunk))})", chunk))
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
        return [_customer(r) for r in self.conn.execute("SELECT * FROM customers ORDER BY id")]

    def projects(self, customer: str | None = None) -> list[Project]:
        if customer is None:
            rows = self.conn.execute("SELECT * FROM projects ORDER BY id")
        else:
            rows = self.conn.execute("SELECT * FROM projects WHERE customer = ? ORDER BY id", (customer,))
        return [_project(r) for r in rows]

    def project(self, project_id: str) -> Project:
        row = self.conn.execute("SELECT * FROM projects WHERE id = ?", (project_id,)).fetchone()
        if row is None:
            raise NotFound(f"unknown project {project_id!r}")
        return _project(row)

    def key_person(self, person_id: str) -> KeyPerson:
        row = self.conn.execute("SELECT * FROM key_persons WHERE id = ?", (person_id,)).fetchone()
        if row is None:
            raise NotFound(f"unknown key person {person_id!r}")
        return _person(row)

    def employees(self) -> list[Employee]:
        return [Employee(id=i, name=n, team=t, title=ti) for i, n, t, ti in self.conn.execute("SELECT * FROM employees ORDER BY id")]

    def competitors(self) -> list[Competitor]:
        return [Competitor(id=i, name=n) for i, n in self.conn.execute("SELECT * FROM competitors ORDER BY id")]

    def competitor_staff(self) -> list[CompetitorStaff]:
        return [
            CompetitorStaff(id=i, name=n, competitor=k)
            for i, n, k in self.conn.execute("SELECT * FROM competitor_staff ORDER BY id")
        ]

    def customer_graph(self, customer_id: str) -> Dataset:
        c = self.conn
        # one read transaction: a consistent snapshot even while another process imports
        c.execute("BEGIN")
        try:
            row = c.execute("SELECT * FROM customers WHERE id = ?", (customer_id,)).fetchone()
            if row is None:
                raise NotFound(f"unknown customer {customer_id!r}")
            persons = [_person(r) for r in c.execute("SELECT * FROM key_persons WHERE customer = ? ORDER BY id", (customer_id,))]
            projects = [_project(r) for r in c.execute("SELECT * FROM projects WHERE customer = ? ORDER BY id", (customer_id,))]
            influences = [
                trusted(Influence, {"source": s, "target": t, "strength": _STRENGTH[st]})
                for s, t, st in c.execute(
                    "SELECT source, target, strength FROM influences WHERE customer = ? ORDER BY source, target", (customer_id,)
                )
            ]
            employees = [
                trusted(Employee, {"id": i, "name": n, "team": t, "title": ti})
                for i, n, t, ti in c.execute(
                    "SELECT * FROM employees WHERE id IN (SELECT source FROM influences WHERE customer = ?) ORDER BY id",
                    (customer_id,),
                )
            ]
            staff = [
                trusted(CompetitorStaff, {"id": i, "name": n, "competitor": k})
                for i, n, k in c.execute(
                    "SELECT * FROM competitor_staff WHERE id IN (SELECT source FROM influences WHERE customer = ?) ORDER BY id",
                    (customer_id,),
                )
            ]
            wanted = {s.competitor for s in staff} | {k for j in projects for k in j.competitors}
            competitors = [
                trusted(Competitor, {"id": i, "name": n})
                for i, n in c.execute("SELECT * FROM competitors ORDER BY id")
                if i in wanted
            ]
            interactions = [
                trusted(Interaction, {"employee": e, "person": p, "date": _date(d), "kind": k})
                for e, p, d, k in c.execute(
                    "SELECT employee, person, date, kind FROM interactions WHERE customer = ? ORDER BY employee, person, date, kind",
                    (customer_id,),
                )
            ]
        finally:
            c.execute("COMMIT")
        return Dataset.model_construct(
            customers=[_customer(row)],
            key_persons=persons,
            employees=employees,
            competitors=competitors,
            competitor_staff=staff,
            influences=influences,
            projects=projects,
            interactions=interactions,
        )

    #: customers read per round of queries in :meth:`iter_customer_graphs`
    BATCH = 200

    def iter_customer_graphs(
        self, customer_ids: list[str] | None = None, *, interactions: bool = True
    ) -> Iterator[Dataset]:
        """Stream sub-graphs, reading ``BATCH`` customers per round of five indexed queries
        (instead of eight queries per customer); each yields exactly what
        :meth:`customer_graph` gives (without interactions when ``interactions`` is
        False). Unknown ids raise NotFound."""
        c = self.conn
        ids = customer_ids if customer_ids is not None else [r[0] for r in c.execute("SELECT id FROM customers ORDER BY id")]
        employees = {
            i: trusted(Employee, {"id": i, "name": n, "team": t, "title": ti})
            for i, n, t, ti in c.execute("SELECT * FROM employees")
        }
        staff = {
            i: trusted(CompetitorStaff, {"id": i, "name": n, "competitor": k})
            for i, n, k in c.execute("SELECT * FROM competitor_staff")
        }
        competitors = [trusted(Competitor, {"id": i, "name": n}) for i, n in c.execute("SELECT * FROM competitors ORDER BY id")]
        for start in range(0, len(ids), self.BATCH):
            chunk = ids[start : start + self.BATCH]
            marks = _marks(len(chunk))
            groups: dict[str, dict[str, list]] = {
                cid: {"persons": [], "projects": [], "influences": [], "interactions": []} for cid in chunk
            }
            c.execute("BEGIN")
            try:
                rows = {r[0]: r for r in c.execute(f"SELECT * FROM customers WHERE id IN ({marks})", chunk)}
                for r in c.execute(f"SELECT * FROM key_persons WHERE customer IN ({marks}) ORDER BY id", chunk):
                    groups[r[1]]["persons"].append(_person(r))
                for r in c.execute(f"SELECT * FROM projects WHERE customer IN ({marks}) ORDER BY id", chunk):
                    groups[r[1]]["projects"].append(_project(r))
                for s_, t, st, cu in c.execute(
                    f"SELECT source, target, strength, customer FROM influences WHERE customer IN ({marks}) "
                    "ORDER BY source, target",
                    chunk,
                ):
                    groups[cu]["influences"].append(trusted(Influence, {"source": s_, "target": t, "strength": _STRENGTH[st]}))
                for e, p, d, k, cu in (
                    c.execute(
                        f"SELECT employee, person, date, kind, customer FROM interactions WHERE customer IN ({marks}) "
                        "ORDER BY employee, person, date, kind",
                        chunk,
                    )
                    if interactions
                    else ()
                ):
                    groups[cu]["interactions"].append(
                        trusted(Interaction, {"employee": e, "person": p, "date": _date(d), "kind": k})
                    )
            finally:
                c.execute("COMMIT")
            for cid in chunk:
                if cid not in rows:
                    raise NotFound(f"unknown customer {cid!r}")
                gr = groups[cid]
                sources = {i.source for i in gr["influences"]}
                st_ = [staff[x] for x in sorted(sources) if x in staff]
                wanted = {x.competitor for x in st_} | {k for j in gr["projects"] for k in j.competitors}
                yield Dataset.model_construct(
                    customers=[_customer(rows[cid])],
                    key_persons=gr["persons"],
                    employees=[employees[x] for x in sorted(sources) if x in employees],
                    competitors=[k for k in competitors if k.id in wanted],
                    competitor_staff=st_,
                    influences=gr["influences"],
                    projects=gr["projects"],
                    interactions=gr["interactions"],
                )

    def export(self) -> Dataset:
        c = self.conn
        c.execute("BEGIN")
        try:
            ds = Dataset.model_construct(
                customers=self.customers(),
                key_persons=[_person(r) for r in c.execute("SELECT * FROM key_persons ORDER BY id")],
                employees=self.employees(),
                competitors=self.competitors(),
                competitor_staff=self.competitor_staff(),
                influences=[
                    Influence.model_construct(source=s, target=t, strength=_STRENGTH[st])
                    for s, t, st in c.execute("SELECT source, target, strength FROM influences ORDER BY source, target")
                ],
                projects=self.projects(),
                interactions=[
                    Interaction(employee=e, person=p, date=date.fromisoformat(d), kind=k)
                    for e, p, d, k in c.execute(
                        "SELECT employee, person, date, kind FROM interactions ORDER BY employee, person, date, kind"
                    )
                ],
            )
        finally:
            c.execute("COMMIT")
        return ds

    def counts(self) -> dict[str, int]:
        return {t: self.conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}


# ---------------------------------------------------------------------- row mapping
from ..model import ProjectStatus, Stance, Strength, Tri  # noqa: E402

_STANCE = {s.value: s for s in Stance}
_TRI = {t.value: t for t in Tri}
_STRENGTH = {s.value: s for s in Strength}
_STATUS = {s.value: s for s in ProjectStatus}


@lru_cache(maxsize=8192)
def _date(text: str) -> date:
    # interactions repeat a few thousand distinct days: parse each once
    return date.fromisoformat(text)


def _customer(r: tuple) -> Customer:
    return trusted(Customer, {"id": r[0], "name": r[1], "industry": r[2], "tier": r[3], "attrs": json.loads(r[4])})


def _person(r: tuple) -> KeyPerson:
    return trusted(
        KeyPerson,
        {
            "id": r[0], "customer": r[1], "name": r[2], "title": r[3], "department": r[4],
            "closeness": _STANCE[r[5]], "solution_acceptance": _STANCE[r[6]], "price_acceptance": _STANCE[r[7]],
            "veto": _TRI[r[8]], "approver": _TRI[r[9]], "reports_to": r[10],
        },
    )


def _project(r: tuple) -> Project:
    return trusted(
        Project,
        {
            "id": r[0], "customer": r[1], "name": r[2], "status": _STATUS[r[3]], "stage": r[4], "amount": r[5],
            "close_date": date.fromisoformat(r[6]) if r[6] else None,
            "decision_chain": [trusted(ChainMember, {"person": p, "role": role}) for p, role in json.loads(r[7])],
            "competitors": json.loads(r[8]),
        },
    )


def _marks(n: int) -> str:
    """``?,?,…`` for an ``IN (…)`` list of n values: placeholders only, the values are
    always bound as parameters."""
    return ",".join("?" * n)


def _chunks(items: list[Any], n: int) -> Iterable[list[Any]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]

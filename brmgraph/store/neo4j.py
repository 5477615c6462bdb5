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
import os
from contextlib import contextmanager
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable, Iterator

from ..errors import BrmError, NotFound, StoreUnavailable
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
    ProjectStatus,
    Stance,
    Strength,
    Tri,
)
from .base import IdIndex, ImportCheck, ImportSummary, Store

#: rows per ``UNWIND $rows`` statement
BATCH = 2000

# ---------------------------------------------------------------------------- cypher files


@lru_cache(maxsize=None)
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
Q_SOURCE_KINDS = "read/source_kinds"
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

_STANCE = {s.value: s for s in Stance}
_TRI = {t.value: t for t in Tri}
_STRENGTH = {s.value: s for s in Strength}
_STATUS = {s.value: s for s in ProjectStatus}


def _auth() -> tuple[str, str] | None:
    user = os.environ.get("BRM_NEO4J_USER") or ""
    password = os.environ.get("BRM_NEO4J_PASSWORD") or ""
    if not user and not password:
        return None
    return (user or "neo4j", password)


class Neo4jStore(Store):
    """A Neo4j 5.x server as the store (SPEC §5: ``--store bolt://host:7687``)."""

    def __init__(self, url: str, *, database: str | None = None, connect_timeout: float = 10.0) -> None:
        import neo4j
        from neo4j import exceptions as nx

        self.url = url
        self.database = database
        try:
            self.driver = neo4j.GraphDatabase.driver(
                url,
                auth=_auth(),
                connection_timeout=connect_timeout,
                max_transaction_retry_time=5.0,
                notifications_min_severity="OFF",
            )
            self.driver.verify_connectivity()
        except nx.AuthError as exc:
            raise StoreUnavailable(
                f"Neo4j at {url} refused the credentials (BRM_NEO4J_USER / BRM_NEO4J_PASSWORD): {_one_line(exc)}"
            ) from None
        except (nx.DriverError, nx.Neo4jError, OSError, ValueError) as exc:
            raise StoreUnavailable(
                f"Neo4j at {url} does not answer ({_one_line(exc)}); start one with `brmgraph neo4j start` "
                "or `docker compose up -d`"
            ) from None
        with self._guard():
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
        except (nx.ServiceUnavailable, nx.SessionExpired, nx.TransientError, OSError) as exc:
            raise StoreUnavailable(f"Neo4j at {self.url} stopped answering: {_one_line(exc)}") from None
        except nx.Neo4jError as exc:
            raise StoreUnavailable(f"Neo4j at {self.url} failed: {_one_line(exc)}") from None
        except nx.DriverError as exc:
            raise StoreUnavailable(f"Neo4j at {self.url}: {_one_line(exc)}") from None

    def _session(self, write: bool = False):
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
        with self._guard(), self._session() as s:
            return list(s.execute_read(lambda tx: list(tx.run(load_cypher(name), **params))))

    # ------------------------------------------------------------------ writing
    def import_dataset(self, ds: Dataset, *, replace: bool = False, check: ImportCheck | None = None) -> ImportSummary:
        with self._guard(), self._session(write=True) as s:
            tx = s.begin_transaction()
            try:
                if replace:
                    tx.run(load_cypher(Q_DELETE_ALL)).consume()
                elif check is not None:
                    check(_id_index(tx))
                self._write(tx, ds)
                tx.commit()
            finally:
                if tx.closed() is False:
                    tx.rollback()
        return ImportSummary(counts=ds.counts(), replaced=replace)

    def _write(self, tx: Any, ds: Dataset) -> None:
        def run(name: str, rows: Iterable[dict[str, Any]]) -> None:
            rows = list(rows)
            for i in range(0, len(rows), BATCH):
                tx.run(load_cypher(name), rows=rows[i : i + BATCH]).consume()

        run(
            Q_UPSERT_CUSTOMERS,
            (
                {
                    "id": r.id,
                    "name": r.name,
                    "industry": r.industry,
                    "tier": r.tier,
                    "attrs": json.dumps(r.attrs, ensure_ascii=False, sort_keys=True),
                }
                for r in ds.customers
            ),
        )
        run(Q_UPSERT_EMPLOYEES, ({"id": r.id, "name": r.name, "team": r.team, "title": r.title} for r in ds.employees))
        run(Q_UPSERT_COMPETITORS, ({"id": r.id, "name": r.name} for r in ds.competitors))
        run(Q_UPSERT_STAFF, ({"id": r.id, "name": r.name, "competitor": r.competitor} for r in ds.competitor_staff))
        run(
            Q_UPSERT_KEY_PERSONS,
            (
                {
                    "id": r.id,
                    "customer": r.customer,
                    "name": r.name,
                    "title": r.title,
                    "department": r.department,
                    "closeness": r.closeness.value,
                    "solution_acceptance": r.solution_acceptance.value,
                    "price_acceptance": r.price_acceptance.value,
                    "veto": r.veto.value,
                    "approver": r.approver.value,
                }
                for r in ds.key_persons
            ),
        )
        run(Q_UPSERT_REPORTS_TO, ({"id": r.id, "reports_to": r.reports_to} for r in ds.key_persons))

        # the relationship type of an influence follows from the kind of its source
        kind = {r.id: "key_person" for r in ds.key_persons}
        kind.update({r.id: "employee" for r in ds.employees})
        kind.update({r.id: "competitor_staff" for r in ds.competitor_staff})
        unknown = sorted({i.source for i in ds.influences} - kind.keys())
        for i in range(0, len(unknown), BATCH):
            for rec in tx.run(load_cypher(Q_SOURCE_KINDS), ids=unknown[i : i + BATCH]):
                if rec["kind"]:
                    kind[rec["id"]] = rec["kind"]
        by_kind: dict[str, list[dict[str, Any]]] = {k: [] for k in Q_UPSERT_INFLUENCES}
        for r in ds.influences:
            k = kind.get(r.source)
            if k is None:
                raise NotFound(f"influence source {r.source!r} is neither a key person, an employee nor competitor staff")
            by_kind[k].append({"source": r.source, "target": r.target, "strength": r.strength.value})
        for k, rows in by_kind.items():
            run(Q_UPSERT_INFLUENCES[k], rows)

        run(
            Q_UPSERT_PROJECTS,
            (
                {
                    "id": r.id,
                    "customer": r.customer,
                    "name": r.name,
                    "status": r.status.value,
                    "stage": r.stage,
                    "amount": r.amount,
                    "close_date": r.close_date,
                    "chain": [{"person": m.person, "role": m.role, "pos": n} for n, m in enumerate(r.decision_chain)],
                    "competitors": [{"id": k, "pos": n} for n, k in enumerate(r.competitors)],
                }
                for r in ds.projects
            ),
        )
        run(
            Q_UPSERT_INTERACTIONS,
            ({"employee": r.employee, "person": r.person, "date": r.date, "kind": r.kind} for r in ds.interactions),
        )

    # ------------------------------------------------------------------ reading
    def id_index(self) -> IdIndex:
        with self._guard(), self._session() as s:
            return s.execute_read(_id_index)

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
        rows = self._read(Q_CUSTOMER_GRAPH, customer=customer_id)
        if not rows:
            raise NotFound(f"unknown customer {customer_id!r}")
        r = rows[0]
        return Dataset.model_construct(
            customers=[_customer(r["customer"])],
            key_persons=_by_id(_person(p) for p in r["key_persons"]),
            employees=_by_id(_employee(e) for e in r["employees"]),
            competitors=_by_id(_competitor(k) for k in r["competitors"]),
            competitor_staff=_by_id(_staff(s) for s in r["competitor_staff"]),
            influences=_sorted_influences(_influence(i) for i in r["influences"]),
            projects=_by_id(_project(j) for j in r["projects"]),
            interactions=_sorted_interactions(_interaction(x) for x in r["interactions"]),
        )

    def export(self) -> Dataset:
        def work(tx: Any) -> dict[str, list[Any]]:
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

        with self._guard(), self._session() as s:
            data = s.execute_read(work)  # one transaction: a consistent snapshot
        return Dataset.model_construct(**data)


# ---------------------------------------------------------------------------- mapping


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


def _date(v: Any) -> date | None:
    if v is None:
        return None
    if hasattr(v, "to_native"):
        return v.to_native()
    if isinstance(v, date):
        return v
    return date.fromisoformat(str(v))


def _customer(n: dict[str, Any]) -> Customer:
    return Customer.model_construct(
        id=n["id"],
        name=n.get("name", ""),
        industry=n.get("industry", ""),
        tier=n.get("tier", ""),
        attrs=json.loads(n.get("attrs") or "{}"),
    )


def _person(n: dict[str, Any]) -> KeyPerson:
    return KeyPerson.model_construct(
        id=n["id"],
        customer=n["customer"],
        name=n.get("name", ""),
        title=n.get("title", ""),
        department=n.get("department", ""),
        closeness=_STANCE[n.get("closeness", "unknown")],
        solution_acceptance=_STANCE[n.get("solution_acceptance", "unknown")],
        price_acceptance=_STANCE[n.get("price_acceptance", "unknown")],
        veto=_TRI[n.get("veto", "unknown")],
        approver=_TRI[n.get("approver", "unknown")],
        reports_to=n.get("reports_to"),
    )


def _employee(n: dict[str, Any]) -> Employee:
    return Employee.model_construct(id=n["id"], name=n.get("name", ""), team=n.get("team", ""), title=n.get("title", ""))


def _competitor(n: dict[str, Any]) -> Competitor:
    return Competitor.model_construct(id=n["id"], name=n.get("name", ""))


def _staff(n: dict[str, Any]) -> CompetitorStaff:
    return CompetitorStaff.model_construct(id=n["id"], name=n.get("name", ""), competitor=n["competitor"])


def _project(n: dict[str, Any]) -> Project:
    amount = n.get("amount")
    return Project.model_construct(
        id=n["id"],
        customer=n["customer"],
        name=n.get("name", ""),
        status=_STATUS[n.get("status", "open")],
        stage=n.get("stage", ""),
        amount=float(amount) if amount is not None else None,
        close_date=_date(n.get("close_date")),
        decision_chain=[ChainMember.model_construct(person=m["person"], role=m["role"]) for m in n["decision_chain"]],
        competitors=list(n["competitors"]),
    )


def _influence(r: Any) -> Influence:
    return Influence.model_construct(source=r["source"], target=r["target"], strength=_STRENGTH[r["strength"]])


def _interaction(r: Any) -> Interaction:
    return Interaction.model_construct(employee=r["employee"], person=r["person"], date=_date(r["date"]), kind=r["kind"])


def _by_id(items: Iterable[Any]) -> list[Any]:
    # sorted in Python (code-point order, as SQLite's ORDER BY), not by Cypher ORDER BY
    return sorted(items, key=lambda x: x.id)


def _sorted_influences(items: Iterable[Influence]) -> list[Influence]:
    return sorted(items, key=lambda i: (i.source, i.target))


def _sorted_interactions(items: Iterable[Interaction]) -> list[Interaction]:
    return sorted(items, key=lambda x: (x.employee, x.person, x.date.isoformat(), x.kind))

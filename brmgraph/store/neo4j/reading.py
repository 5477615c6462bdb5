"""Reading the latest state from Neo4j: records, customer sub-graphs (batched, in one
snapshot) and the whole export."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from ...errors import NotFound
from ...model import Competitor, CompetitorStaff, Customer, Dataset, Employee, KeyPerson, Project
from .. import records as R
from ..base import IdIndex
from .decode import (
    _by_id,
    _competitor,
    _customer,
    _employee,
    _export_tx,
    _id_index,
    _person,
    _project,
    _sorted_influences,
    _sorted_interactions,
    _staff,
)
from .history import Neo4jHistory
from .queries import (
    Q_COMPETITORS,
    Q_CUSTOMER_GRAPH,
    Q_CUSTOMER_GRAPH_SOURCES,
    Q_CUSTOMERS,
    Q_EMPLOYEES,
    Q_FLAG_GRAPHS,
    Q_KEY_PERSON,
    Q_PROJECT,
    Q_PROJECTS,
    Q_PROJECTS_OF,
    Q_STAFF,
    load_cypher,
)

if TYPE_CHECKING:
    from ...graph import CustomerGraph

#: customers per read of iter_customer_graphs
READ_BATCH = 100
#: customers per read of iter_flag_graphs (narrow rows: more customers per round trip)
FLAG_BATCH = 250

_T = TypeVar("_T")


def _read_ahead(chunks: list[list[str]], fetch: Callable[[list[str]], _T]) -> Iterator[tuple[list[str], _T]]:
    """``(chunk, fetch(chunk))`` for every chunk, the next chunk read in a background thread
    while the caller works on the current one (the server's work overlaps ours)."""
    from concurrent.futures import ThreadPoolExecutor

    if not chunks:
        return
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="brm-neo4j-read")
    try:
        ahead = pool.submit(fetch, chunks[0])
        for n, chunk in enumerate(chunks):
            got = ahead.result()
            if n + 1 < len(chunks):
                ahead = pool.submit(fetch, chunks[n + 1])
            yield chunk, got
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


class Neo4jReading(Neo4jHistory):
    """Reads of the latest state."""

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
        ids = customer_ids if customer_ids is not None else [c.id for c in self.customers()]
        chunks = [ids[i : i + READ_BATCH] for i in range(0, len(ids), READ_BATCH)]
        for chunk, graphs in _read_ahead(chunks, lambda c: self._customer_graphs(c, interactions)):
            got = {ds.customers[0].id: ds for ds in graphs}
            for cid in chunk:
                if cid not in got:
                    raise NotFound(f"unknown customer {cid!r}")
                yield got[cid]

    def iter_flag_graphs(self, customer_ids: list[str] | None = None) -> Iterator[CustomerGraph]:
        """Customer graphs for batch analyses (flags), built straight from narrow rows
        (:meth:`CustomerGraph.from_rows`): one query per :data:`FLAG_BATCH` customers
        (read/flag_graphs.cypher: lists, no interactions, no maps), the next batch read
        ahead in a background thread, all in one :meth:`snapshot` like
        :meth:`iter_customer_graphs`; key persons decoded on first use."""
        if self._tx is None:  # every batch from the same state
            with self.snapshot():
                yield from self.iter_flag_graphs(customer_ids)
            return
        with self._guard():
            yield from self._iter_flag_graphs(customer_ids)

    def _iter_flag_graphs(self, customer_ids: list[str] | None) -> Iterator[CustomerGraph]:
        from ..compact import PersonIn, ProjectIn, assemble, flag_graph

        ids = customer_ids if customer_ids is not None else [c.id for c in self.customers()]
        employees = {e.id: e for e in self.employees()}
        staff = {x.id: x for x in self.competitor_staff()}
        competitors = {k.id: k for k in self.competitors()}
        query = load_cypher(Q_FLAG_GRAPHS)

        def fetch(chunk: list[str]) -> list[Any]:
            return self._run_read(lambda tx: [r.values() for r in tx.run(query, ids=chunk)])  # type: ignore[no-any-return]

        chunks = [ids[i : i + FLAG_BATCH] for i in range(0, len(ids), FLAG_BATCH)]
        for chunk, rows in _read_ahead(chunks, fetch):
            got = {}
            for cust, prows, jrows in rows:
                # read/flag_graphs.cypher's lists, by name (store/compact.py's assemble
                # builds the flag row of both stores)
                persons = []
                edges: list[tuple[str, str, str]] = []
                for p in sorted(prows, key=lambda p: p[0]):  # by id, as the data-set path
                    person = dict(zip(R.KEY_PERSON_COLUMNS, p))
                    edges.extend((src, p[0], k) for src, k in p[-1])  # the influences into p
                    persons.append(PersonIn(**{f: person[f] for f in PersonIn._fields}))
                projects = []
                for j in jrows:
                    project = dict(zip(R.PROJECT_COLUMNS, j))
                    projects.append(ProjectIn(
                        project["id"], project["name"], project["status"], project["stage"], project["amount"],
                        [m[0] for m in project["decision_chain"]], list(project["competitors"]),
                    ))
                with self._guard():  # a stored value outside its enumeration: a damaged store
                    row = assemble((cust[0], cust[1]), persons, projects, edges, employees, staff)
                got[cust[0]] = flag_graph(cust[0], row, employees, staff, competitors)
            for cid in chunk:
                if cid not in got:
                    raise NotFound(f"unknown customer {cid!r}")
                yield got[cid]

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

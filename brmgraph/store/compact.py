"""The flag rows: what the nightly ``flags`` reads of one customer, derived from the
stored records by one function (:func:`assemble`) and kept by the embedded store, one
row per customer (:mod:`brmgraph.store.sqlite.compact`); the Neo4j store assembles them
as it reads.

A flag row is derived data: it holds nothing the tables do not, and a row that is
missing or unreadable is built again from the tables (never "store damaged"). It holds
only what ``flags`` needs, by name, never a model record's fields by position:

Encoded (:func:`encode`) a row is UTF-8 bytes: ``brm-flags/2:<crc32 of the JSON, 8 hex>:<JSON>``,
the JSON (written and read by orjson) an object with these keys (:data:`VERSION` 2):

``name``
    the customer's name (for the flag records);
``succ``
    the arcs: ``{u: {v: cost}}`` over every node (key persons, and the employees and
    competitor staff with an influence edge into the customer), as
    :class:`~brmgraph.graph.CustomerGraph` holds them, computed by
    :func:`brmgraph.graph.arc_tables` (the one owner of the arc rules and costs);
``employees``, ``staff``
    the sources of those edges that are our employees / competitor staff;
``opposing``
    the key persons whose closeness opposes us (relay rule, reason ``OPPOSED``);
``vetoes``
    the key persons whose veto is ``yes``;
``open``
    every open project: ``{id: {"name", "stage", "amount", "chain", "competitors"}}``,
    ``chain`` the persons of its decision chain in chain order;
``persons``
    the flag inputs of the persons that can be flagged (veto holders in an open
    project's chain): ``{id: {"name", "title", "closeness"}}``.

The CRC catches a damaged row (another tool, a torn copy); the version prefix lets an
import find rows of an older layout with one ``substr`` and build them again.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, NamedTuple

import orjson

from ..graph import KIND_COMPETITOR_STAFF, KIND_EMPLOYEE, KIND_KEY_PERSON, CustomerGraph, Perspective, arc_tables
from ..model import Competitor, CompetitorStaff, Employee, KeyPerson, Project
from . import records as R

#: layout version of an encoded row
VERSION = 2
#: what every encoded row of this layout starts with
PREFIX = f"brm-flags/{VERSION}:".encode()
#: the keys of a row (a row with other keys is of another layout: built again)
KEYS = frozenset(("name", "succ", "employees", "staff", "opposing", "vetoes", "open", "persons"))


class PersonIn(NamedTuple):
    """The stored fields of a key person a row is assembled from, in this order (a
    plain tuple in this order will do)."""

    id: str
    name: str | None
    title: str | None
    closeness: str | None
    veto: str | None
    reports_to: str | None


class ProjectIn(NamedTuple):
    """The stored fields of a project a row is assembled from; ``chain``: the persons of
    its decision chain in order."""

    id: str
    name: str | None
    status: str | None
    stage: str | None
    amount: float | None
    chain: list[str]
    competitors: list[str]


#: (source, target, stored strength) of an influence into the customer
EdgeIn = tuple[str, str, str | None]


def assemble(
    customer: tuple[str, str | None],
    persons: Iterable[tuple[str, str | None, str | None, str | None, str | None, str | None]],
    projects: Iterable[ProjectIn],
    edges: Iterable[EdgeIn],
    employees: Mapping[str, Any] | set[str],
    staff: Mapping[str, Any] | set[str],
) -> dict[str, Any]:
    """The row of one customer: ``customer`` (id, name), its key persons and projects,
    the influences into its key persons; ``employees``, ``staff``: our employees /
    the competitor staff (ids; others among the sources are ignored). A stored value
    outside its enumeration raises :class:`~brmgraph.store.records.BadValue` (a damaged
    table), as the record decoders do."""
    sget: Callable[[Any], Any] = R.STANCE.get
    tget: Callable[[Any], Any] = R.TRI.get
    reports: dict[str, str | None] = {}
    cards: dict[str, tuple[str, str, Any]] = {}
    vetoes: list[str] = []
    opposing: list[str] = []
    # (unpacked by name: a PersonIn, or a plain tuple in PersonIn's order)
    for pid, name, title, closeness, veto, reports_to in persons:
        reports[pid] = reports_to
        stance = sget(closeness) or _enum(R.STANCE, closeness, "unknown", "key person", pid, "closeness")
        if stance.opposing:
            opposing.append(pid)
        if (tget(veto) or _enum(R.TRI, veto, "unknown", "key person", pid, "veto")).value == "yes":
            vetoes.append(pid)
            cards[pid] = (name or "", title or "", stance.value)
    es = [e for e in edges if e[1] in reports]
    srcs = sorted({e[0] for e in es})
    emp = [s for s in srcs if s in employees and s not in reports]
    stf = [s for s in srcs if s in staff and s not in reports and s not in employees]
    kinds = dict.fromkeys(reports, KIND_KEY_PERSON)
    kinds.update(dict.fromkeys(emp, KIND_EMPLOYEE))
    kinds.update(dict.fromkeys(stf, KIND_COMPETITOR_STAFF))
    kget: Callable[[Any], Any] = R.STRENGTH.get
    strengths = [(s, t, kget(k) or _enum(R.STRENGTH, k, "medium", "influence", f"{s}->{t}", "strength")) for s, t, k in es]
    succ, _arc_kinds = arc_tables(kinds, reports, set(emp) | set(stf), strengths)
    open_: dict[str, Any] = {}
    for j in sorted(projects, key=lambda j: j.id):
        if _enum(R.STATUS, j.status, "open", "project", j.id, "status").value == "open":
            open_[j.id] = {
                "name": j.name or "", "stage": j.stage or "",
                "amount": float(j.amount) if j.amount is not None else None,
                "chain": list(j.chain), "competitors": list(j.competitors),
            }
    wanted = sorted({m for j in open_.values() for m in j["chain"] if m in cards})
    return {
        "name": customer[1] or "",
        "succ": succ,
        "employees": emp,
        "staff": stf,
        "opposing": opposing,
        "vetoes": vetoes,
        "open": open_,
        "persons": {pid: dict(zip(("name", "title", "closeness"), cards[pid])) for pid in wanted},
    }


def _enum(table: dict[str, Any], value: Any, default: str, kind: str, rid: str, field: str) -> Any:
    got = table.get(value)
    return got if got is not None else R.enum_member(table, value, default, kind, rid, field)


def encode(row: dict[str, Any]) -> bytes:
    """A row as the bytes the embedded store keeps (see the module's docstring)."""
    body = orjson.dumps(row)
    return b"%s%08x:%s" % (PREFIX, zlib.crc32(body), body)


def intact(data: Any) -> memoryview | None:
    """The JSON of an encoded row whose layout and CRC are right, else ``None``."""
    if type(data) is not bytes or not data.startswith(PREFIX) or data[_N + 8 : _N + 9] != b":":
        return None
    body = memoryview(data)[_N + 9 :]
    try:
        ok = int(data[_N : _N + 8], 16) == zlib.crc32(body)
    except ValueError:
        return None
    return body if ok else None


_N = len(PREFIX)


def decode(data: Any) -> dict[str, Any] | None:
    """A row back from :func:`encode`'s text; ``None`` when ``data`` is not such a row
    (missing, damaged, another layout): the caller builds it again from the tables."""
    body = intact(data)
    if body is None:
        return None
    try:
        row = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if type(row) is not dict or row.keys() != KEYS:
        return None
    return row


class _Records(Mapping[str, Any]):
    """id -> record, each made from its fields in the row on first access (``flags``
    reads the records of the persons and projects it flags only). A plain
    :class:`~collections.abc.Mapping`: every read goes through :meth:`__getitem__`."""

    def __init__(self, fields: dict[str, Any], make: Callable[[str, Any], Any]) -> None:
        self._fields, self._make = fields, make
        self._made: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        got = self._made.get(key)
        if got is None:
            got = self._made[key] = self._make(key, self._fields[key])
        return got

    def __contains__(self, key: object) -> bool:
        return key in self._fields

    def __iter__(self) -> Iterator[str]:
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)


class FlagGraph(CustomerGraph):
    """A :class:`~brmgraph.graph.CustomerGraph` made from a flag row, for
    :func:`brmgraph.analysis.exposure.flags` (and only for it): the arcs, node kinds,
    relay rule and the open projects come from the row; ``persons`` holds records for
    the key persons that can be flagged only (veto holders in an open project's chain,
    with the fields a flag reads), ``projects`` the open projects. For any other
    analysis read :meth:`~brmgraph.store.base.Store.iter_customer_graphs`."""

    _ids: frozenset[str]
    _opposing: frozenset[str]
    _vetoes: frozenset[str]
    _chains: dict[str, list[str]]

    def open_projects(self) -> list[Project]:
        return [self.projects[j] for j in self.open_project_ids()]

    def open_project_ids(self) -> list[str]:
        return sorted(self._chains)

    def project_decision_makers(self, project_id: str) -> list[str]:
        ids = self._ids
        return sorted({p for p in self._chains[project_id] if p in ids})

    def holds_veto(self, person: str) -> bool:
        return person in self._vetoes

    def blocked_relays(self, perspective: Perspective) -> set[str]:
        return set(self._opposing) if perspective.ours else set()


def flag_graph(
    customer: str,
    row: dict[str, Any],
    employees: Mapping[str, Employee],
    staff: Mapping[str, CompetitorStaff],
    competitors: Mapping[str, Competitor],
) -> FlagGraph:
    """The graph of one decoded row; ``employees``, ``staff``, ``competitors``: all of
    them, by id."""
    succ: dict[str, dict[str, int]] = row["succ"]
    emp = {e: employees[e] for e in row["employees"] if e in employees}
    stf = {s: staff[s] for s in row["staff"] if s in staff}
    kinds = dict.fromkeys(succ, KIND_KEY_PERSON)
    kinds.update(dict.fromkeys(row["employees"], KIND_EMPLOYEE))
    kinds.update(dict.fromkeys(row["staff"], KIND_COMPETITOR_STAFF))
    ids = frozenset(succ).difference(row["employees"], row["staff"])

    def person(pid: str, p: dict[str, Any]) -> KeyPerson:
        return R.key_person(id=pid, customer=customer, name=p["name"], title=p["title"], closeness=p["closeness"], veto="yes")

    def project(jid: str, j: dict[str, Any]) -> Project:
        return R.project(
            id=jid, customer=customer, name=j["name"], status="open", stage=j["stage"], amount=j["amount"],
            decision_chain=[[m, ""] for m in j["chain"]], competitors=j["competitors"],
        )

    wanted = {x.competitor for x in stf.values()} | {k for j in row["open"].values() for k in j["competitors"]}
    g = FlagGraph(
        customer=R.customer(id=customer, name=row["name"]),
        persons=_Records(row["persons"], person),  # type: ignore[arg-type]  # (a Mapping, read only)
        employees=emp,
        staff=stf,
        competitors={k: competitors[k] for k in sorted(wanted) if k in competitors},
        projects=_Records(row["open"], project),  # type: ignore[arg-type]
        influences=[],
        interactions=[],
        succ=succ,
        kinds=kinds,
        arc_kinds={},
    )
    g._ids = ids
    g._opposing = frozenset(row["opposing"])
    g._vetoes = frozenset(row["vetoes"])
    g._chains = {jid: j["chain"] for jid, j in row["open"].items()}
    return g

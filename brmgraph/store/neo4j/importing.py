"""Importing into Neo4j: ONE managed transaction per import (``session.execute_write``:
the driver retries it on transient errors), in which the store's lock node is taken,
the stored ids the file needs are looked up, the history rows are planned, and every
record kind is written with its one ``UNWIND $rows`` upsert statement, in batches.

The statements are made from :data:`PROPS` (the stored properties of each record
kind, from the declaration in :mod:`brmgraph.schema`) and the graph model's labels and
relationship types: only those trusted names go
into query text, every value travels in ``$rows``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from enum import Enum
from functools import cache
from typing import Any

from ...errors import NotFound
from ...model import Dataset
from ...schema import kind
from ..base import IdIndex, ImportCheck, ImportMerge, ImportSummary
from .decode import _customer, _employee, _id_index, _influence, _person, _project, _stored_count
from .queries import Q_LOOKUP_KEY_PERSONS, Q_LOOKUP_KINDS, Q_LOOKUP_RECORDS, load_cypher
from .reading import Neo4jReading

#: rows per ``UNWIND $rows`` statement
BATCH = 10_000
#: ids per look-up statement of the import's existing-id check
LOOKUP_BATCH = 10_000

#: the record kinds stored as nodes, in the order they are written
NODE_SECTIONS = ("customers", "employees", "competitors", "competitor_staff", "key_persons", "projects")
#: section -> node label (the declaration's, docs/spec.md §2)
LABELS = {section: kind(section).label for section in NODE_SECTIONS}
#: section -> the stored node properties besides ``id``, in row order: every declared
#: field that is not a reference to another record (references are relationships)
PROPS: dict[str, tuple[str, ...]] = {section: kind(section).properties()[1:] for section in NODE_SECTIONS}
#: section -> (field, relationship type, label) of the record that owns it: one edge, replaced
OWNER = {
    "competitor_staff": ("competitor", "WORKS_FOR", "Competitor"),
    "key_persons": ("customer", "WORKS_AT", "Customer"),
    "projects": ("customer", "FOR", "Customer"),
}
#: an influence's relationship type follows from its source's label
INFLUENCE_TYPE = {"KeyPerson": "INFLUENCES_INTERNAL", "Employee": "INFLUENCES_EXTERNAL", "CompetitorStaff": "INFLUENCES_EXTERNAL"}
#: IdIndex kind -> label of an influence source stored before
_SOURCE_LABEL = {"key person": "KeyPerson", "employee": "Employee", "competitor staff member": "CompetitorStaff"}

#: a project's decision chain ``r[-2]`` ([[person, role, pos]]) and bidders ``r[-1]`` ([[id, pos]]), replaced
_PROJECT_TAIL = """WITH n, r
CALL (n) { MATCH ()-[old:IN_CHAIN|BIDS_ON]->(n) DELETE old }
CALL (n, r) { UNWIND r[-2] AS m MATCH (p:KeyPerson {id: m[0]}) CREATE (p)-[:IN_CHAIN {role: m[1], pos: m[2]}]->(n) }
CALL (n, r) { UNWIND r[-1] AS x MATCH (k:Competitor {id: x[0]}) CREATE (k)-[:BIDS_ON {pos: x[1]}]->(n) }
"""


def _name(text: str) -> str:
    """``text`` when it is a plain identifier (a label, type or property name), else an error."""
    if not text.isidentifier():
        raise ValueError(f"not a Cypher name: {text!r}")
    return text


@cache
def upsert_statement(section: str) -> str:
    """The one upsert of a node kind: rows ``[id, *PROPS[section], owner id, ...]``.

    >>> print(upsert_statement("competitors"))
    UNWIND $rows AS r
    MERGE (n:Competitor {id: r[0]})
    SET n.name = r[1]
    <BLANKLINE>
    """
    props = PROPS[section]
    sets = ", ".join(f"n.{_name(p)} = r[{i}]" for i, p in enumerate(props, 1))
    label = _name(LABELS[section])
    if section not in OWNER:
        return f"UNWIND $rows AS r\nMERGE (n:{label} {{id: r[0]}})\nSET {sets}\n"
    _field, rel, owner = OWNER[section]
    text = (
        f"UNWIND $rows AS r\nMATCH (o:{_name(owner)} {{id: r[{len(props) + 1}]}})\n"
        f"MERGE (n:{label} {{id: r[0]}})\nSET {sets}\nWITH n, o, r\n"
        f"CALL (n) {{ MATCH (n)-[old:{_name(rel)}]->() DELETE old }}\n"
        f"CREATE (n)-[:{_name(rel)}]->(o)\n"
    )
    return text + _PROJECT_TAIL if section == "projects" else text


@cache
def edge_statement(kind: str, source: str = "") -> str:
    """The one upsert of an edge kind: ``reports_to`` rows ``[id, superior or null]``
    (replaced), ``influences`` rows ``[source, target, strength]`` whose source has label
    ``source``, ``interactions`` rows ``[employee, person, date, kind]``."""
    if kind == "reports_to":
        return (
            "UNWIND $rows AS r\nMATCH (n:KeyPerson {id: r[0]})\n"
            "CALL (n) { MATCH (n)-[old:REPORTS_TO]->() DELETE old }\n"
            "WITH n, r WHERE r[1] IS NOT NULL\nMATCH (b:KeyPerson {id: r[1]})\nCREATE (n)-[:REPORTS_TO]->(b)\n"
        )
    if kind == "influences":
        return (
            f"UNWIND $rows AS r\nMATCH (s:{_name(source)} {{id: r[0]}})\nMATCH (t:KeyPerson {{id: r[1]}})\n"
            f"MERGE (s)-[i:{_name(INFLUENCE_TYPE[source])}]->(t)\nSET i.strength = r[2]\n"
        )
    assert kind == "interactions", kind
    return (
        "UNWIND $rows AS r\nMATCH (e:Employee {id: r[0]})\nMATCH (p:KeyPerson {id: r[1]})\n"
        "MERGE (e)-[:INTERACTED {date: r[2], kind: r[3]}]->(p)\n"
    )


@cache
def delete_statement(section: str) -> str:
    """Every node of a kind, with its relationships (``import --replace``)."""
    return f"MATCH (n:{_name(LABELS[section])}) DETACH DELETE n"


def _value(v: Any) -> Any:
    if isinstance(v, Enum):
        return v.value
    if isinstance(v, dict):
        return json.dumps(v, ensure_ascii=False, sort_keys=True)
    return v


def _rows(section: str, records: list[Any]) -> list[list[Any]]:
    """The rows of :func:`upsert_statement` for ``records``."""
    props = PROPS[section]
    owner = OWNER[section][0] if section in OWNER else None
    out = []
    for r in records:
        row = [r.id, *(_value(getattr(r, p)) for p in props)]
        if owner is not None:
            row.append(getattr(r, owner))
        if section == "projects":
            row.append([[m.person, m.role, n] for n, m in enumerate(r.decision_chain)])
            row.append([[k, n] for n, k in enumerate(r.competitors)])
        out.append(row)
    return out


def plan(ds: Dataset, existing: IdIndex) -> Iterator[tuple[str, list[list[Any]]]]:
    """The statements that write ``ds``, in order (nodes before the edges that join them),
    each with its rows; ``existing`` tells the labels of influence sources stored before."""
    for section in NODE_SECTIONS[:-1]:
        yield upsert_statement(section), _rows(section, getattr(ds, section))
    # a person new here and without a superior has no REPORTS_TO to replace (unless the
    # data set repeats the person: then every row, in file order)
    everyone = len({r.id for r in ds.key_persons}) < len(ds.key_persons)
    yield edge_statement("reports_to"), [
        [r.id, r.reports_to] for r in ds.key_persons if everyone or r.reports_to is not None or r.id in existing.kind
    ]
    label = {r.id: "KeyPerson" for r in ds.key_persons}
    label.update({r.id: "Employee" for r in ds.employees})
    label.update({r.id: "CompetitorStaff" for r in ds.competitor_staff})
    by_source: dict[str, list[list[Any]]] = {k: [] for k in INFLUENCE_TYPE}
    for i in ds.influences:
        src = label.get(i.source) or _SOURCE_LABEL.get(existing.kind.get(i.source, ""))
        if src is None:
            raise NotFound(f"influence source {i.source!r} is neither a key person, an employee nor competitor staff")
        by_source[src].append([i.source, i.target, i.strength.value])
    for src, rows in by_source.items():
        yield edge_statement("influences", src), rows
    yield upsert_statement("projects"), _rows("projects", ds.projects)
    yield edge_statement("interactions"), [[x.employee, x.person, x.date, x.kind] for x in ds.interactions]


class Neo4jImport(Neo4jReading):
    """Imports: one managed transaction each, retried by the driver."""

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
        """One transaction: the lock node first (imports run one at a time, and wait for
        the snapshots that are reading), then validation against the stored ids, the
        history plan, the writes and the change set. A failure, a kill of this process or
        of the server before the commit leaves the previous content."""
        if self._depth:  # a programming error: the snapshot would hide (or, on Neo4j, block) the write
            raise RuntimeError("import_dataset inside a read snapshot of the same store")

        def work(tx: Any) -> ImportSummary:
            self._take_lock(tx)
            data = ds
            existing = IdIndex() if replace else _existing_index(tx, ds)
            if not replace:
                if check is not None:
                    check(existing)
                if merge is not None:
                    data = merge(existing, lambda section, ids: _lookup_records(tx, section, ids))
            history = self._history_begin(tx, data, replace=replace, effective=effective)
            if replace:
                for section in LABELS:
                    tx.run(delete_statement(section)).consume()
            for query, rows in plan(data, existing):
                for i in range(0, len(rows), BATCH):
                    tx.run(query, rows=rows[i : i + BATCH]).consume()
            return self._history_commit(tx, data, history, replace=replace, source=source)

        with self._guard(), self._session(write=True) as s:
            return s.execute_write(work)  # type: ignore[no-any-return]


def _mentioned_ids(ds: Dataset) -> list[str]:
    """Every id ``ds`` defines or refers to."""
    ids: set[str] = set()
    for section in ("customers", "employees", "competitors", "projects"):
        ids.update(r.id for r in getattr(ds, section))
    for p in ds.key_persons:
        ids.update((p.id, p.customer))
        if p.reports_to is not None:
            ids.add(p.reports_to)
    for s in ds.competitor_staff:
        ids.update((s.id, s.competitor))
    for i in ds.influences:
        ids.update((i.source, i.target))
    for j in ds.projects:
        ids.add(j.customer)
        ids.update(m.person for m in j.decision_chain)
        ids.update(j.competitors)
    for x in ds.interactions:
        ids.update((x.employee, x.person))
    return sorted(ids)


def _lookup_records(tx: Any, section: str, ids: list[str]) -> list[Any]:
    """Stored records by id (influences: by target), read in the import's transaction."""
    query = load_cypher(Q_LOOKUP_RECORDS[section])
    make = {"customers": _customer, "key_persons": _person, "employees": _employee, "projects": _project}.get(section)
    out: list[Any] = []
    for i in range(0, len(ids), LOOKUP_BATCH):
        for r in tx.run(query, ids=ids[i : i + LOOKUP_BATCH]):
            out.append(_influence(r) if make is None else make(r["n"]))
    return out


def _existing_index(tx: Any, ds: Dataset) -> IdIndex:
    """What the import needs to know of the stored content, read inside its transaction:
    an :class:`IdIndex` holding (at least) every id ``ds`` mentions that is stored, and
    every stored key person among them or up their reporting chains — all that
    validation (``check_references``) looks up. Reads the whole index when the store
    holds fewer nodes than the file mentions ids (an empty store: nothing), else looks
    the file's ids up by index."""
    stored = _stored_count(tx)
    if stored == 0:
        return IdIndex()
    ids = _mentioned_ids(ds)
    if stored <= len(ids):
        return _id_index(tx)
    idx = IdIndex()
    for i in range(0, len(ids), LOOKUP_BATCH):
        chunk = ids[i : i + LOOKUP_BATCH]
        for r in tx.run(load_cypher(Q_LOOKUP_KINDS), ids=chunk):
            idx.kind[r["id"]] = r["kind"]
        for r in tx.run(load_cypher(Q_LOOKUP_KEY_PERSONS), ids=chunk):
            idx.kind[r["id"]] = "key person"
            idx.person_customer[r["id"]] = r["customer"]
            idx.reports_to[r["id"]] = r["reports_to"]
    return idx

"""Decoding rows read from Neo4j into records, and the whole-state reads that run
inside a given transaction (an import's, or a snapshot's)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ...model import (
    Competitor,
    CompetitorStaff,
    Customer,
    Employee,
    Influence,
    Interaction,
    KeyPerson,
    Project,
)
from .. import history as H
from .. import records as R
from ..base import IdIndex
from .queries import (
    Q_CHANGESETS,
    Q_COMPETITORS,
    Q_CUSTOMERS,
    Q_EMPLOYEES,
    Q_ID_INDEX,
    Q_INFLUENCES,
    Q_INTERACTIONS,
    Q_KEY_PERSONS,
    Q_LABEL_COUNTS,
    Q_PROJECTS,
    Q_STAFF,
    load_cypher,
)


def _customer(n: dict[str, Any]) -> Customer:
    return R.customer(**n)


def _person(n: dict[str, Any]) -> KeyPerson:
    return R.key_person(**n)


def _employee(n: dict[str, Any]) -> Employee:
    return R.employee(**n)


def _competitor(n: dict[str, Any]) -> Competitor:
    return R.competitor(**n)


def _staff(n: dict[str, Any]) -> CompetitorStaff:
    return R.competitor_staff(**n)


def _project(n: dict[str, Any]) -> Project:
    return R.project(**n)


def _influence(r: Any) -> Influence:
    return R.influence(**dict(r))


def _interaction(r: Any) -> Interaction:
    return R.interaction(**dict(r))


def _by_id(items: Iterable[Any]) -> list[Any]:
    # sorted in Python (code-point order, as SQLite's ORDER BY), not by Cypher ORDER BY
    return sorted(items, key=lambda x: x.id)


def _sorted_influences(items: Iterable[Influence]) -> list[Influence]:
    return sorted(items, key=lambda i: (i.source, i.target))


def _sorted_interactions(items: Iterable[Interaction]) -> list[Interaction]:
    return sorted(items, key=lambda x: (x.employee, x.person, x.date.isoformat(), x.kind))


# ---------------------------------------------------------------------------- reads in a transaction


def _export_tx(tx: Any) -> dict[str, list[Any]]:
    """The whole latest state, read in transaction ``tx``, as Dataset fields."""

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


def _changesets(tx: Any) -> list[H.ChangeSet]:
    return [
        H.ChangeSet(r["id"], r["time"], r["source"], r["mode"], json.loads(r["counts"]))
        for r in tx.run(load_cypher(Q_CHANGESETS))
    ]


def _id_index(tx: Any) -> IdIndex:
    idx = IdIndex()
    for r in tx.run(load_cypher(Q_ID_INDEX)):
        idx.kind[r["id"]] = r["kind"]
        if r["kind"] == "key person":
            idx.person_customer[r["id"]] = r["customer"]
            idx.reports_to[r["id"]] = r["reports_to"]
    return idx


def _stored_count(tx: Any) -> int:
    """How many brmgraph nodes are stored (count store, no scan)."""
    return sum(r["n"] for r in tx.run(load_cypher(Q_LABEL_COUNTS)))

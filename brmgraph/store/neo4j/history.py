"""History on Neo4j: the change set and version rows an import writes, and their reads."""

from __future__ import annotations

import json
from typing import Any

from ...model import Dataset
from .. import history as H
from .. import stamps as S
from ..base import ImportSummary, change_time, plan_changes
from .cache import Neo4jFlagCache, write_stamps
from .decode import _changesets, _export_tx, _stored_count
from .queries import (
    Q_CHANGESETS,
    Q_CREATE_CHANGESET,
    Q_HISTORY_OLD,
    Q_HISTORY_OLD_VERSIONS,
    Q_HISTORY_UPGRADE,
    Q_VERSIONS_ALL,
    load_cypher,
)


class Neo4jHistory(Neo4jFlagCache):
    """Change sets: written inside an import's transaction, read back for history."""

    def _history_begin(self, tx: Any, ds: Dataset, *, replace: bool, effective: str | None) -> tuple[Any, ...]:
        """Inside the import transaction, before writing: the change set's id and time,
        and which versions the import ends (compared with the stored state)."""
        sets = _changesets(tx)
        at = change_time(sets, effective)
        current = None if _stored_count(tx) == 0 else Dataset.model_construct(None, **_export_tx(tx))
        ended, changes = plan_changes(current, ds, replace=replace, first=not sets)
        cs = (sets[-1].id + 1) if sets else 1
        return cs, at, ended, changes, S.touched(ended, current, ds, first=not sets)

    def _history_commit(self, tx: Any, ds: Dataset, history: tuple[Any, ...], *, replace: bool, source: str) -> ImportSummary:
        """Inside the import transaction, after writing: the change set and version rows."""
        cs, at, ended, changes, touched = history
        counts = {"records": ds.counts(), **changes}
        tx.run(
            load_cypher(Q_CREATE_CHANGESET), id=cs, time=at, source=source,
            mode="replace" if replace else "upsert", counts=json.dumps(counts, separators=(",", ":")),
            versions=H.pack(ended) if ended else None,
        ).consume()
        write_stamps(tx, cs, touched, replace=replace)  # same transaction: a stamp is never missing
        return ImportSummary(counts=ds.counts(), replaced=replace, changeset=cs, time=at, changes=changes)

    def changesets(self) -> list[H.ChangeSet]:
        return self._run_read(_changesets)  # type: ignore[no-any-return]

    def history_rows(self) -> tuple[list[tuple[int, str, bytes | None]], list[H.Version]]:
        packed = [(r["id"], r["time"], r["versions"]) for r in self._read(Q_CHANGESETS)]
        legacy = [
            H.Version(r["section"], r["key"], r["data"], r["valid_from"], r["valid_to"], r["changeset"])
            for r in self._read(Q_VERSIONS_ALL)
        ]
        return packed, legacy

    def _upgrade_history(self) -> None:
        """On opening: history written before it was keyed by field name, upgraded once
        (:func:`history.upgrade_packed`, :func:`history.upgrade_data`) in one write
        transaction. Until then (a read-only user cannot upgrade) the old rows are read
        as they are, with the same meaning."""

        def old(tx: Any) -> tuple[list[Any], list[Any]]:
            return list(tx.run(load_cypher(Q_HISTORY_OLD))), list(tx.run(load_cypher(Q_HISTORY_OLD_VERSIONS)))

        sets, rows = self._run_read(old)
        if not sets and not rows:
            return
        new_sets = [{"id": r["id"], "versions": H.upgrade_packed(r["versions"])} for r in sets]
        new_rows = [{"node": r["node"], "data": H.upgrade_data(r["section"], r["data"])} for r in rows]
        from neo4j import exceptions as nx

        with self._guard(), self._session(write=True) as s:
            try:
                s.execute_write(lambda tx: tx.run(load_cypher(Q_HISTORY_UPGRADE), sets=new_sets, rows=new_rows).consume())
            except nx.Forbidden:
                return  # a read-only user: the old rows stay, read with the same meaning

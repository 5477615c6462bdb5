"""Importing into Neo4j: the plan of statements that write a data set, the
one-transaction import (retried on transient errors) and the staged bulk import."""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from ...errors import NotFound, StoreUnavailable
from ...model import Dataset
from ..base import IdIndex, ImportCheck, ImportMerge, ImportSummary
from .decode import _customer, _employee, _id_index, _influence, _person, _project, _stored_count
from .queries import (
    Q_CREATE_COMPETITORS,
    Q_CREATE_CUSTOMERS,
    Q_CREATE_EMPLOYEES,
    Q_CREATE_INFLUENCES,
    Q_CREATE_INTERACTIONS,
    Q_CREATE_KEY_PERSONS,
    Q_CREATE_PROJECTS,
    Q_CREATE_REPORTS_TO,
    Q_CREATE_STAFF,
    Q_DELETE_ALL,
    Q_FLIP,
    Q_LOAD,
    Q_LOAD_CLEAR,
    Q_LOAD_MARK,
    Q_LOAD_MARKER,
    Q_LOAD_UNMARK,
    Q_LOOKUP_KEY_PERSONS,
    Q_LOOKUP_KINDS,
    Q_LOOKUP_RECORDS,
    Q_RETIRE,
    Q_STAGE,
    Q_STAGE_CLEAR,
    Q_UPSERT_COMPETITORS,
    Q_UPSERT_CUSTOMERS,
    Q_UPSERT_EMPLOYEES,
    Q_UPSERT_INFLUENCES,
    Q_UPSERT_INTERACTIONS,
    Q_UPSERT_KEY_PERSONS,
    Q_UPSERT_PROJECTS,
    Q_UPSERT_REPORTS_TO,
    Q_UPSERT_STAFF,
    load_cypher,
)
from .reading import Neo4jReading

#: rows per ``UNWIND $rows`` statement
BATCH = 10_000
#: ids per look-up statement of the import's existing-id check
LOOKUP_BATCH = 10_000
#: imports of at least this many records into an empty store (or replacing) are staged
#: (:meth:`Neo4jStore._import_staged`); smaller ones are one transaction
STAGE_MIN_RECORDS = 100_000
#: attempts of an import that meets a transient error (a deadlock, a lock timeout)
IMPORT_ATTEMPTS = 4
#: staged batches of one statement written at once, each its own transaction on its own
#: session (the server works on several cores; :meth:`Neo4jImport._stage_batches`)
STAGE_THREADS = 2
#: attempts of one staged batch that meets a transient error (two concurrent batches
#: locking the same nodes: a deadlock one of them is rolled back for)
STAGE_ATTEMPTS = 8

#: the load of an empty store (:meth:`Neo4jImport._load_empty`): the positions in each
#: statement's rows of ids of this load's nodes, sent as the nodes' internal ids (returned
#: by the statements that create them); projects (nested lists) are :func:`_load_rows`'s own
_LOAD_REFS: dict[str, tuple[int, ...]] = {
    Q_CREATE_STAFF: (2,),
    Q_CREATE_KEY_PERSONS: (1,),
    Q_CREATE_REPORTS_TO: (0, 1),
    **{name: (0, 1) for name in Q_CREATE_INFLUENCES.values()},
    Q_CREATE_INTERACTIONS: (0, 1),
}

#: the statements of a plan (:meth:`Neo4jImport._plan_steps`) that write the nodes the
#: others join, and come first: a load hands them to its writer before making the rest
_NODE_STEPS = frozenset({
    Q_CREATE_CUSTOMERS, Q_UPSERT_CUSTOMERS, Q_CREATE_EMPLOYEES, Q_UPSERT_EMPLOYEES, Q_CREATE_COMPETITORS,
    Q_UPSERT_COMPETITORS, Q_CREATE_STAFF, Q_UPSERT_STAFF, Q_CREATE_KEY_PERSONS, Q_UPSERT_KEY_PERSONS,
})

#: IdIndex kind -> influence source kind (the relationship type of its influences)
_SOURCE_KIND = {"key person": "key_person", "employee": "employee", "competitor staff member": "competitor_staff"}


class Neo4jImport(Neo4jReading):
    """Imports: one transaction with retries, or staged for large ones."""

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
        # a merge only changes stored records: with nothing stored (the only staged case
        # without replace) it has nothing to keep, so the staged path ignores it
        from neo4j import exceptions as nx

        if self._depth:  # a programming error: the snapshot would hide (or, on Neo4j, block) the write
            raise RuntimeError("import_dataset inside a read snapshot of the same store")
        meta = {"source": source, "effective": effective}
        self._clear_interrupted_load()
        staged = self._import_staged(ds, replace=replace, check=check, meta=meta)
        if staged is not None:
            return staged
        for attempt in range(1, IMPORT_ATTEMPTS + 1):
            try:
                with self._guard():
                    try:
                        return self._import_once(ds, replace=replace, check=check, merge=merge, source=source,
                                                 effective=effective)
                    except nx.TransientError as exc:
                        if attempt == IMPORT_ATTEMPTS:
                            raise StoreUnavailable(
                                f"Neo4j at {self.shown_url} rolled the import back {attempt} times because of "
                                f"{exc.code or type(exc).__name__} (a concurrent transaction); nothing was "
                                "imported, run it again"
                            ) from None
                        raise _Retry() from None
            except _Retry:
                time.sleep(0.05 * 2**attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def _import_once(
        self,
        ds: Dataset,
        *,
        replace: bool,
        check: ImportCheck | None,
        merge: ImportMerge | None,
        source: str,
        effective: str | None,
    ) -> ImportSummary:
        """One attempt of :meth:`import_dataset` (the small path): one transaction that
        first takes the store's lock node, so imports run one at a time."""
        with self._session(write=True) as s:
            tx = s.begin_transaction()
            try:
                self._take_lock(tx)
                if replace:
                    history = self._history_begin(tx, ds, replace=True, effective=effective)
                    tx.run(load_cypher(Q_DELETE_ALL)).consume()
                    existing = IdIndex()
                else:
                    # what validation needs to know of the store, and which ids are new
                    existing = _existing_index(tx, ds)
                    if check is not None:
                        check(existing)
                    if merge is not None:
                        ds = merge(existing, lambda section, ids: _lookup_records(tx, section, ids))
                    history = self._history_begin(tx, ds, replace=False, effective=effective)
                for name, rows in self._plan(ds, existing):
                    query = load_cypher(name)
                    for i in range(0, len(rows), BATCH):
                        tx.run(query, rows=rows[i : i + BATCH]).consume()
                summary = self._history_commit(tx, ds, history, replace=replace, source=source)
                tx.commit()
            finally:
                if tx.closed() is False:
                    tx.rollback()
        return summary

    def _import_staged(
        self, ds: Dataset, *, replace: bool, check: ImportCheck | None, meta: dict[str, Any]
    ) -> ImportSummary | None:
        """A large import into an empty store (:meth:`_load_empty`), or a replace of a large stored
        data set, in many small transactions and still all or nothing (one huge transaction
        needs gigabytes of heap and a commit that takes minutes). A replace:

        1. every node is created as an invisible ``:BrmStaged`` node (no label of the graph model, so no
           read and no analyst query sees it; edges only join staged nodes), in batches
           of :data:`BATCH` rows, each its own transaction;
        2. ONE transaction makes them visible: (with ``replace``) swaps the old nodes'
           graph-model labels for ``:BrmRetired`` (invisible, deleted in batches after the
           commit), swaps each staged node's label for its graph-model label, and checks that
           every staged node was still there.

        A failure or a kill before 2 commits leaves the old content (staged nodes are
        removed now, or by the next staged import; so are retired ones left by a kill
        after 2). The change set and version rows are written by transaction 2.
        None (nothing done) when the store
        is not empty and not replacing, or ``ds`` repeats an id (the upsert path then)."""
        if ds.record_count() < STAGE_MIN_RECORDS and not replace:
            return None  # small: one transaction (no need to ask the store)
        with self._guard(), self._session(write=True) as s:
            stored = s.execute_read(_stored_count)
            large = ds.record_count() >= STAGE_MIN_RECORDS or (replace and stored >= STAGE_MIN_RECORDS)
            if not large or (stored and not replace):
                return None  # one transaction
            if not stored:
                s.run(load_cypher(Q_STAGE_CLEAR)).consume()  # leftovers of a killed staged import
                steps = self._plan_steps(ds, IdIndex())
                return self._load_empty(ds, steps, replace=replace, check=None if replace else check, meta=meta)
            plan = self._plan(ds, IdIndex())
            if any(name not in Q_STAGE for name, _rows in plan):  # something to merge: not a plain bulk load
                return None
            s.run(load_cypher(Q_STAGE_CLEAR)).consume()  # leftovers of a killed staged import
            if not replace and check is not None:
                check(IdIndex())
            try:
                self._stage_batches(plan, Q_STAGE)
                tx = s.begin_transaction()
                try:
                    self._take_lock(tx)
                    history = self._history_begin(tx, ds, replace=replace, effective=meta["effective"])
                    if replace:  # the old data set becomes invisible; deleted after the commit
                        for name in Q_RETIRE.values():
                            tx.run(load_cypher(name)).consume()
                    elif _stored_count(tx):
                        raise StoreUnavailable(f"Neo4j at {self.shown_url}: another import wrote to the store meanwhile; import again")
                    for section, name in Q_FLIP.items():
                        ids = [r.id for r in getattr(ds, section)]
                        for i in range(0, len(ids), LOOKUP_BATCH):
                            chunk = ids[i : i + LOOKUP_BATCH]
                            if tx.run(load_cypher(name), ids=chunk).single()["n"] != len(chunk):
                                raise StoreUnavailable(
                                    f"Neo4j at {self.shown_url}: staged records vanished (a concurrent import?); import again"
                                )
                    summary = self._history_commit(tx, ds, history, replace=replace, source=meta["source"])
                    tx.commit()
                finally:
                    if tx.closed() is False:
                        tx.rollback()
            except BaseException:
                try:
                    s.run(load_cypher(Q_STAGE_CLEAR)).consume()
                except Exception:  # pragma: no cover - the next staged import clears them
                    pass
                raise
            if replace:
                try:
                    s.run(load_cypher(Q_STAGE_CLEAR)).consume()  # the retired data set
                except Exception:  # pragma: no cover - invisible; the next staged import clears it
                    pass
        return summary

    def _load_empty(
        self,
        ds: Dataset,
        plan: Iterator[tuple[str, list[list[Any]]]],
        *,
        replace: bool,
        check: ImportCheck | None,
        meta: dict[str, Any],
    ) -> ImportSummary:
        """A large import into an empty store: the graph's own nodes and edges written
        straight away (``create/*.cypher``) in batches of :data:`BATCH` rows, each its own
        transaction, with no label to switch at the end. Still all or nothing for brmgraph:

        - one transaction takes the store's lock node and every reader slot first and holds
          them until the load ends, so other imports and every snapshot (each read-only
          command, each served page) wait for it, then see all of it; it writes the change
          set, the stamps and removes the marker (below) when the batches are done;
        - a ``:BrmLoading`` marker is committed before the first batch. A failure clears
          what was written and the marker (the store held nothing); a kill leaves the
          marker: snapshots then refuse the partial load with a one-line error, and the next
          import clears it first (:meth:`_clear_interrupted_load`). Killing the process
          ends its transaction, so the lock goes with it.

        ``check`` (the references of ``ds`` against the empty store) and the change set's
        planning run while the first batches are written, and so is the rest of ``plan``
        once its node statements are handed to the writer; when ``check`` refuses the
        file, the batches stop and what they wrote is cleared. A statement that is not a plain create (``ds``
        repeats an id: the later record updates the earlier) runs as it would on a stored
        store, one batch at a time. Raw Cypher outside brmgraph sees the nodes arrive while
        the load runs."""
        with self._session(write=True) as hold:
            tx = hold.begin_transaction()
            try:
                self._take_lock(tx)  # waits for snapshots that are reading, then keeps them out
                if tx.run(load_cypher(Q_LOAD_MARKER)).single()["started"] is not None:
                    self._clear_load()  # an interrupted load (a live one would hold the lock)
                if _stored_count(tx):
                    raise StoreUnavailable(f"Neo4j at {self.shown_url}: another import wrote to the store meanwhile; import again")
                stop = threading.Event()
                handed: queue.Queue[Any] = queue.Queue()  # the plan's statements, in order, then None
                for step in plan:  # the nodes' statements (they come first) go to the writer at once
                    handed.put(step)
                    if step[0] not in _NODE_STEPS:
                        break
                with self._session(write=True) as s:  # right before the first batch: cleared on any failure
                    started = datetime.now(UTC).isoformat(timespec="seconds")
                    s.run(load_cypher(Q_LOAD_MARK), started=started, records=ds.record_count()).consume()
                writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="brm-neo4j-load")
                try:
                    written = writer.submit(self._stage_batches, iter(handed.get, None), Q_LOAD, node_ids={}, stop=stop)
                    try:
                        if check is not None:
                            check(IdIndex())
                        history = self._history_begin(tx, ds, replace=replace, effective=meta["effective"])
                        for step in plan:  # the edges' statements, made while the nodes are written
                            handed.put(step)
                    except BaseException:
                        stop.set()  # no batch starts any more; the running ones end
                        raise
                    finally:
                        handed.put(None)
                        writer.shutdown(wait=True)
                    written.result()  # a batch's failure
                    tx.run(load_cypher(Q_LOAD_UNMARK)).consume()
                    summary = self._history_commit(tx, ds, history, replace=replace, source=meta["source"])
                    tx.commit()
                except BaseException:
                    try:
                        self._clear_load()  # the lock still held: nobody sees the half-written load
                    except Exception:  # pragma: no cover - the marker stays; the next import clears it
                        pass
                    raise
            finally:
                if tx.closed() is False:
                    tx.rollback()
        return summary

    def _clear_load(self) -> None:
        """Delete an interrupted (or failed) load into an empty store: its nodes, then its
        marker (``load/clear.cypher``); the caller holds the store's lock."""
        with self._session(write=True) as s:
            s.run(load_cypher(Q_LOAD_CLEAR)).consume()
            s.run(load_cypher(Q_LOAD_UNMARK)).consume()

    def _clear_interrupted_load(self) -> None:
        """Before any import: when a load into an empty store was interrupted (its marker
        outlived it), delete what it wrote, under the store's lock (a load that is still
        running holds the lock: this waits for it, and then finds no marker)."""
        with self._guard(), self._session(write=True) as s:
            if s.run(load_cypher(Q_LOAD_MARKER)).single()["started"] is None:
                return
            tx = s.begin_transaction()
            try:
                self._take_lock(tx)
                if tx.run(load_cypher(Q_LOAD_MARKER)).single()["started"] is not None:
                    self._clear_load()
            finally:
                tx.rollback()  # nothing of its own to keep: it only held the lock

    def _stage_batches(
        self,
        plan: Iterable[tuple[str, list[list[Any]]]],
        queries: dict[str, str],
        node_ids: dict[str, int] | None = None,
        stop: Any = None,
    ) -> None:
        """Step 1 of :meth:`_import_staged` (``queries`` :data:`Q_STAGE`: on ``:BrmStaged``
        nodes) and the writing of :meth:`_load_empty` (``queries`` :data:`Q_LOAD`, with
        ``node_ids`` collecting the internal ids of the nodes written, which the rows of
        later statements carry instead of record ids: :func:`_load_rows`): every
        statement of ``plan``, in plan order (nodes before the edges that join them), each in batches of
        :data:`BATCH` rows that are their own transactions, up to :data:`STAGE_THREADS` of
        one statement at once (no batch of a statement needs another's nodes). A batch
        rolled back by a transient error (a deadlock between two batches) is written again;
        any other failure stops the import (the caller clears what was staged). ``stop``
        (a :class:`threading.Event`), once set, lets no further batch start."""
        from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait

        from neo4j import exceptions as nx

        def write(query: str, rows: list[list[Any]]) -> list[Any]:
            if stop is not None and stop.is_set():
                return []
            with self._session(write=True) as s:
                for attempt in range(1, STAGE_ATTEMPTS + 1):
                    try:
                        with s.begin_transaction() as tx:
                            out = [r[0] for r in tx.run(query, rows=rows)]  # load/*: [[record id, internal id]]
                            tx.commit()
                        return out[0] if out else []
                    except nx.TransientError:
                        if attempt == STAGE_ATTEMPTS:
                            raise
                        time.sleep(0.02 * attempt)
            raise AssertionError("unreachable")  # pragma: no cover

        pool = ThreadPoolExecutor(max_workers=STAGE_THREADS, thread_name_prefix="brm-neo4j-stage")
        serial = ThreadPoolExecutor(max_workers=1, thread_name_prefix="brm-neo4j-merge")
        try:
            for name, rows in plan:
                if stop is not None and stop.is_set():
                    return
                if node_ids is not None:
                    _load_rows(name, rows, node_ids)
                # a merge (not in queries: a load's repeated id) runs one batch at a time
                query, runner = (load_cypher(queries[name]), pool) if name in queries else (load_cypher(name), serial)
                futures = [runner.submit(write, query, rows[i : i + BATCH]) for i in range(0, len(rows), BATCH)]
                wait(futures, return_when=FIRST_EXCEPTION)  # all of them, unless one fails
                failed = [f for f in futures if f.done() and not f.cancelled() and f.exception() is not None]
                if failed:
                    for f in futures:
                        f.cancel()
                    wait(futures)  # the running ones end before the caller clears the staged nodes
                    raise failed[0].exception()  # type: ignore[misc]
                if node_ids is not None:
                    for f in futures:
                        node_ids.update(f.result())
        finally:  # an interrupt: no queued batch starts, the running ones end first
            pool.shutdown(wait=True, cancel_futures=True)
            serial.shutdown(wait=True, cancel_futures=True)

    def _plan(self, ds: Dataset, existing: IdIndex) -> list[tuple[str, list[list[Any]]]]:
        """The statements that write ``ds``: :meth:`_plan_steps`, all of them."""
        return list(self._plan_steps(ds, existing))

    def _plan_steps(self, ds: Dataset, existing: IdIndex) -> Iterator[tuple[str, list[list[Any]]]]:
        """The statements that write ``ds`` (in order, each with its rows). Records whose
        id is not stored yet (``existing``) are CREATEd, and so are edges with an end
        created here (they cannot exist yet); everything else is MERGEd / replaced.
        Rows are lists (cheaper to encode than maps)."""
        stored = existing.kind
        created: set[str] = set()

        def run(*steps: tuple[str, list[list[Any]]]) -> list[tuple[str, list[list[Any]]]]:
            return [(name, rows) for name, rows in steps if rows]

        def nodes(create: str, upsert: str, records: Iterable[Any], row: Any) -> list[tuple[str, list[list[Any]]]]:
            new: list[list[Any]] = []
            old: list[list[Any]] = []
            for r in records:
                if r.id in stored or r.id in created:  # stored, or twice in ds: MERGE
                    old.append(row(r))
                else:
                    created.add(r.id)
                    new.append(row(r))
            return run((create, new), (upsert, old))

        def edges(create: str, upsert: str, rows: Iterable[list[Any]], ends: Any) -> list[tuple[str, list[list[Any]]]]:
            new: list[list[Any]] = []
            old: list[list[Any]] = []
            seen: set[tuple[Any, ...]] = set()
            for row in rows:
                key = ends(row)
                if key in seen or not (key[0] in created or key[1] in created):
                    old.append(row)
                else:
                    new.append(row)
                seen.add(key)
            return run((create, new), (upsert, old))

        def two(row: list[Any]) -> tuple[Any, ...]:
            return (row[0], row[1])

        def four(row: list[Any]) -> tuple[Any, ...]:
            return (row[0], row[1], row[2], row[3])

        yield from nodes(
            Q_CREATE_CUSTOMERS,
            Q_UPSERT_CUSTOMERS,
            ds.customers,
            lambda r: [r.id, r.name, r.industry, r.tier, json.dumps(r.attrs, ensure_ascii=False, sort_keys=True)],
        )
        yield from nodes(Q_CREATE_EMPLOYEES, Q_UPSERT_EMPLOYEES, ds.employees, lambda r: [r.id, r.name, r.team, r.title])
        yield from nodes(Q_CREATE_COMPETITORS, Q_UPSERT_COMPETITORS, ds.competitors, lambda r: [r.id, r.name])
        yield from nodes(Q_CREATE_STAFF, Q_UPSERT_STAFF, ds.competitor_staff, lambda r: [r.id, r.name, r.competitor])
        yield from nodes(
            Q_CREATE_KEY_PERSONS,
            Q_UPSERT_KEY_PERSONS,
            ds.key_persons,
            lambda r: [
                # _value_: the member's value without Enum's descriptor (a quarter of the plan's time at L)
                r.id, r.customer, r.name, r.title, r.department, r.closeness._value_, r.solution_acceptance._value_,
                r.price_acceptance._value_, r.veto._value_, r.approver._value_,
            ],
        )
        # a person created here has no superior yet; a stored one's is replaced
        if len({r.id for r in ds.key_persons}) < len(ds.key_persons):  # an id twice in ds: file order decides
            fresh, stale = [], [[r.id, r.reports_to] for r in ds.key_persons]
        else:
            fresh = [[r.id, r.reports_to] for r in ds.key_persons if r.reports_to is not None and r.id not in stored]
            stale = [[r.id, r.reports_to] for r in ds.key_persons if r.id in stored]
        yield from run((Q_CREATE_REPORTS_TO, fresh), (Q_UPSERT_REPORTS_TO, stale))

        # the relationship type of an influence follows from the kind of its source
        kind = {r.id: "key_person" for r in ds.key_persons}
        kind.update({r.id: "employee" for r in ds.employees})
        kind.update({r.id: "competitor_staff" for r in ds.competitor_staff})
        by_kind: dict[str, list[list[Any]]] = {k: [] for k in Q_UPSERT_INFLUENCES}
        for r in ds.influences:
            k = kind.get(r.source) or _SOURCE_KIND.get(stored.get(r.source, ""))
            if k is None:
                raise NotFound(f"influence source {r.source!r} is neither a key person, an employee nor competitor staff")
            by_kind[k].append([r.source, r.target, r.strength._value_])
        for k, rows in by_kind.items():
            yield from edges(Q_CREATE_INFLUENCES[k], Q_UPSERT_INFLUENCES[k], rows, two)

        yield from nodes(
            Q_CREATE_PROJECTS,
            Q_UPSERT_PROJECTS,
            ds.projects,
            lambda r: [
                r.id, r.customer, r.name, r.status._value_, r.stage, r.amount, r.close_date,
                [[m.person, m.role, n] for n, m in enumerate(r.decision_chain)],
                [[k, n] for n, k in enumerate(r.competitors)],
            ],
        )
        yield from edges(
            Q_CREATE_INTERACTIONS,
            Q_UPSERT_INTERACTIONS,
            ([r.employee, r.person, r.date, r.kind] for r in ds.interactions),
            four,
        )


class _Retry(Exception):
    """An import attempt met a transient error: try again."""


def _load_rows(name: str, rows: list[list[Any]], node_ids: dict[str, int]) -> None:
    """The rows of statement ``name`` (create/*) as its load/* twin takes them: the ids of
    this load's nodes replaced by their internal ids, in place (see :data:`_LOAD_REFS`)."""
    if name == Q_CREATE_PROJECTS:
        for r in rows:
            r[1] = node_ids[r[1]]
            for m in r[7]:
                m[0] = node_ids[m[0]]
            for x in r[8]:
                x[0] = node_ids[x[0]]
        return
    refs = _LOAD_REFS.get(name, ())
    if refs == (0, 1):
        for r in rows:
            r[0], r[1] = node_ids[r[0]], node_ids[r[1]]
    else:
        for i in refs:
            for r in rows:
                r[i] = node_ids[r[i]]


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
    validation (``check_references``) looks up, and which records are new. Reads the
    whole index when the store holds fewer nodes than the file mentions ids (an empty
    store: nothing), else looks the file's ids up by index."""
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

"""The store interface. ``SqliteStore`` (embedded default) and ``Neo4jStore`` implement it.

Every analysis needs one customer's sub-graph only (docs/spec.md §4), so the central read is
:meth:`Store.customer_graph`, which returns a :class:`~brmgraph.model.Dataset` holding
exactly that sub-graph; :class:`~brmgraph.graph.CustomerGraph` is built from it.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from ..errors import BadArgument, StoreUnavailable
from ..model import (
    Competitor,
    CompetitorStaff,
    Customer,
    Dataset,
    Employee,
    KeyPerson,
    Project,
)
from . import history as H
from . import stamps as S

if TYPE_CHECKING:
    from ..graph import CustomerGraph


class StoreDamaged(StoreUnavailable):
    """The store is a brmgraph store, but its content is not what brmgraph wrote: a table
    or column is missing, or a stored value is outside its enumeration (exit 5)."""


class NotAStore(StoreUnavailable):
    """The database is not a brmgraph store (another application's data), or it was
    made by a newer brmgraph: it is never written to (exit 5)."""


def redact_url(url: str) -> str:
    """``url`` with the password of its userinfo replaced by ``***``
    (``bolt://alice:S3cr3t@host:7687`` → ``bolt://alice:***@host:7687``): store URLs are
    printed in messages and logs, passwords never are."""
    return re.sub(r"^([A-Za-z][A-Za-z0-9+.-]*://)([^/?#]*)@", _redact_userinfo, url)


def _redact_userinfo(m: re.Match[str]) -> str:
    user = m.group(2).split(":", 1)[0]
    return f"{m.group(1)}{user}:***@" if ":" in m.group(2) else f"{m.group(1)}{user}@"


def damaged(url: str, what: str) -> StoreDamaged:
    """The one wording of a damaged store (what is wrong, and what to do)."""
    return StoreDamaged(
        f"store {redact_url(url)} is damaged: {what}; restore it from a backup, or import the data "
        "again into a new store"
    )


class ImportSummary(BaseModel):
    """What an import did: records per section in the file, and whether it replaced;
    its change set (id, time) and how many records it created, changed, deleted."""

    counts: dict[str, int]
    replaced: bool = False
    changeset: int | None = None
    time: str | None = None
    changes: dict[str, int] = {}

    @property
    def records(self) -> int:
        return sum(self.counts.values())


@dataclass
class IdIndex:
    """What import validation needs to know of the store's content: the kind of every
    id ("customer", "key person", "employee", "competitor", "competitor staff member",
    "project"), each key person's customer and superior."""

    kind: dict[str, str] = field(default_factory=dict)
    person_customer: dict[str, str] = field(default_factory=dict)
    reports_to: dict[str, str | None] = field(default_factory=dict)

    @classmethod
    def of(cls, ds: Dataset) -> IdIndex:
        idx = cls()
        for section, kind in (
            ("customers", "customer"),
            ("key_persons", "key person"),
            ("employees", "employee"),
            ("competitors", "competitor"),
            ("competitor_staff", "competitor staff member"),
            ("projects", "project"),
        ):
            for rec in getattr(ds, section):
                idx.kind[rec.id] = kind
        for p in ds.key_persons:
            idx.person_customer[p.id] = p.customer
            idx.reports_to[p.id] = p.reports_to
        return idx


#: called by import_dataset with the store's IdIndex; raises InvalidData to reject
ImportCheck = Callable[[IdIndex], None]

#: reads stored records inside an import's write transaction: ``lookup(section, ids)`` gives
#: the stored records of ``section`` ("customers", "key_persons", "employees", "projects")
#: with those ids, or for "influences" the stored influences whose target is one of the ids
StoredLookup = Callable[[str, list[str]], list[Any]]
#: called by import_dataset (not replacing), after ``check``, with the IdIndex and a
#: StoredLookup, inside the write transaction; returns the Dataset to write instead of the
#: one given (a merge that keeps stored fields); raises InvalidData to reject
ImportMerge = Callable[[IdIndex, StoredLookup], Dataset]


class Store(ABC):
    """A place data sets are stored in. Implementations must be safe to use from
    several processes at once (each opens its own ``Store``)."""

    url: str

    # ----------------------------------------------------------------- writing
    @abstractmethod
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
        """Upsert ``ds`` atomically (all or nothing), as one change set (see
        :mod:`brmgraph.store.history`) stamped ``effective`` (canonical time text) or now;
        ``effective`` earlier than the latest change set raises BadArgument.

        ``merge`` (when given, and not replacing) is called after ``check`` in the same
        write transaction and its Dataset is written instead of ``ds``; it must only change
        fields of records ``ds`` holds (no new ids), e.g. keep stored fields a CRM import
        does not own (:func:`brmgraph.dataset.import_mapped`).

        ``check`` (when given, and not replacing) is called with an :class:`IdIndex` of the
        current content — at least every stored id the file mentions, with the stored key
        persons up their reporting chains (the SQLite store passes the full
        :meth:`id_index`) — inside the write transaction where the store can hold one
        (so two concurrent imports cannot each validate against a state the other then
        changes); if it raises, nothing is written and the error propagates.

        Upsert by id; an influence is identified by (source, target) and a later import
        updates its strength; a project's decision chain and competitors are replaced by
        the file's; interactions are identified by (employee, person, date, kind).
        With ``replace`` the store afterwards holds exactly ``ds``.

        ``ds`` must already be valid on its own (:func:`brmgraph.dataset.import_path`).
        """

    # ----------------------------------------------------------------- reading
    @abstractmethod
    def customers(self) -> list[Customer]:
        """All customers, sorted by id."""

    def customer_ids(self) -> list[str]:
        """The ids of all customers, sorted (override for speed: batch runs need no more)."""
        return [c.id for c in self.customers()]

    @abstractmethod
    def projects(self, customer: str | None = None) -> list[Project]:
        """All projects (of one customer), sorted by id, with chains and competitors."""

    @abstractmethod
    def project(self, project_id: str) -> Project:
        """One project; raises :class:`~brmgraph.errors.NotFound`."""

    @abstractmethod
    def key_person(self, person_id: str) -> KeyPerson:
        """One key person; raises :class:`~brmgraph.errors.NotFound`."""

    @abstractmethod
    def employees(self) -> list[Employee]:
        """All our employees, sorted by id."""

    @abstractmethod
    def competitors(self) -> list[Competitor]:
        """All competitors, sorted by id."""

    @abstractmethod
    def competitor_staff(self) -> list[CompetitorStaff]:
        """All competitor staff, sorted by id."""

    @abstractmethod
    def customer_graph(self, customer_id: str) -> Dataset:
        """Everything docs/spec.md §4 needs for one customer, as a Dataset: the customer; its key
        persons and projects; the employees and competitor staff with an influence edge
        into one of its key persons, and the competitors of those staff or bidding on its
        projects; all influences whose target is one of its key persons; the interactions
        with its key persons. Lists sorted by id (influences by (source, target),
        interactions by (employee, person, date, kind)). Raises NotFound."""

    @abstractmethod
    def export(self) -> Dataset:
        """The whole stored data set, sorted as in :meth:`customer_graph`."""

    # ----------------------------------------------------------------- history
    @abstractmethod
    def changesets(self) -> list[H.ChangeSet]:
        """Every change set, by id."""

    @abstractmethod
    def history_rows(self) -> tuple[list[tuple[int, str, bytes | None]], list[H.Version]]:
        """The stored history as it is on disk: per change set ``(id, time, packed version
        rows)`` (:func:`history.pack`), and the whole version rows of schema-2 stores."""

    def history_blobs(self, customer: str | None, after: str) -> list[tuple[int, str, bytes | None]]:
        """``(id, time, packed version rows)`` of the change sets later than ``after``,
        by id; with ``customer``, at least those holding version rows of the customer's
        records, of the records aimed at its key persons, or of employees, competitors
        and staff (:func:`history.customer_state_at`). The default gives them all."""
        return [(i, t, b) for i, t, b in self.history_rows()[0] if t > after]

    def has_legacy_history(self) -> bool:
        """Whether the store holds version rows stored whole by a schema-2 store."""
        return bool(self.history_rows()[1])

    def records_by(self, section: str, ids: list[str]) -> list[Any]:
        """The current records of ``section`` with these ids (influences and
        interactions: aimed at these key persons), in no particular order. The default
        reads the whole store (override for speed)."""
        wanted = set(ids)
        field = {"influences": "target", "interactions": "person"}.get(section, "id")
        return [r for r in getattr(self.export(), section) if getattr(r, field) in wanted]

    def customer_graph_at(self, customer_id: str, at: str) -> Dataset:
        """:meth:`customer_graph` as the store stood at ``at`` (canonical time text),
        reading only what that customer needs (:func:`history.customer_state_at`);
        raises NotFound when the customer did not exist then."""
        from ..errors import NotFound

        ds = H.customer_state_at(self, customer_id, at)
        if not ds.customers:
            raise NotFound(f"unknown customer {customer_id!r}")
        return ds

    def versions(
        self, *, after: str | None = None, keys: list[tuple[str, str]] | None = None, current: Dataset | None = None
    ) -> list[H.Version]:
        """Version rows (earlier versions of records): those with ``valid_to > after``,
        or those of the given (section, key) pairs; all without either. ``current``: the
        stored data set when the caller has it already (saves an export)."""
        packed, legacy = self.history_rows()
        now = H.by_key(self.export() if current is None else current)
        return H.expand(now, packed, legacy, after=after, keys=keys)

    def state_at(self, at: str) -> Dataset:
        """The stored data set as it stood at ``at`` (canonical time text)."""
        sets = self.changesets()
        first = sets[0].time if sets else None
        if first is None or at < first:
            return Dataset()
        if at >= sets[-1].time:
            return self.export()
        current = self.export()
        return H.state_at(current, self.versions(after=at, current=current), at, first)

    def id_index(self) -> IdIndex:
        """Ids and key-person links of the stored content (override for speed)."""
        return IdIndex.of(self.export())

    def counts(self) -> dict[str, int]:
        """Records per section."""
        return self.export().counts()

    def iter_customer_graphs(
        self, customer_ids: list[str] | None = None, *, interactions: bool = True
    ) -> Iterator[Dataset]:
        """Stream customer sub-graphs (default: all customers in id order). With
        ``interactions=False`` a store may leave interactions out (batch analyses that do
        not use them, such as flags, read a third fewer rows)."""
        ids = customer_ids if customer_ids is not None else [c.id for c in self.customers()]
        for cid in ids:
            yield self.customer_graph(cid)

    def iter_flag_graphs(self, customer_ids: list[str] | None = None) -> Iterator[CustomerGraph]:
        """Stream customer graphs without interactions for batch analyses (flags),
        default all customers in id order, in one snapshot like
        :meth:`iter_customer_graphs`. A store may build them straight from its rows
        (the embedded store reads its compact per-customer rows); the default builds
        them from the data sets."""
        from ..graph import CustomerGraph

        for ds in self.iter_customer_graphs(customer_ids, interactions=False):
            yield CustomerGraph.from_dataset(ds, ds.customers[0].id)

    # ----------------------------------------------------------------- flag cache
    def flag_cache_read(self, max_cost: int) -> S.CacheState | None:
        """The customer stamps and the cached flag results for ``max_cost``
        (:mod:`brmgraph.store.stamps`), read in the caller's snapshot; ``None`` for a
        store without a cache (a past state), whose flags are always computed."""
        return None

    def flag_cache_write(self, max_cost: int, entries: list[S.Entry]) -> bool:
        """Store computed flag results, best effort: never waits for a busy store (an
        import holding it), never fails the run; False when nothing was written (a
        read-only or busy store, or none to write). Called outside any snapshot."""
        return False

    # ----------------------------------------------------------------- notify sends
    def notify_sends(self, run_id: str) -> set[tuple[str, int]]:
        """The (channel, message number) pairs ``brmgraph notify`` recorded as sent for
        ``run_id`` (docs/spec.md §5.5); empty for a store that records none."""
        return set()

    def notify_record(self, run_id: str, channel: str, part: int, detail: str = "") -> None:
        """Record that message ``part`` of ``channel`` was sent for ``run_id`` (now, with a
        short ``detail`` text); recording it again changes nothing. Raises
        :class:`~brmgraph.errors.StoreUnavailable` when the store cannot record it."""
        raise StoreUnavailable(f"store {redact_url(self.url)} cannot record notifications")

    @contextmanager
    def snapshot(self) -> Iterator[Store]:
        """Within this block every read answers from one consistent state of the store
        (an import that commits meanwhile is either wholly seen or not at all). Blocks
        nest. The default does nothing (a store whose reads are already consistent)."""
        yield self

    @contextmanager
    def optimistic_snapshot(self) -> Iterator[Store]:
        """Like :meth:`snapshot`, for the few reads of one customer's question (``path``,
        ``report``): a store may take no lock for it (Neo4j checks its generation instead,
        so read-only credentials serve) and raise :class:`StoreUnavailable` when an import
        committed in the middle. The default is :meth:`snapshot`."""
        with self.snapshot():
            yield self

    def close(self) -> None:  # pragma: no cover - trivial
        """Release connections."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def change_time(sets: list[H.ChangeSet], effective: str | None) -> str:
    """The time of a new change set: ``effective``, else now (never before the latest)."""
    latest = sets[-1].time if sets else None
    if effective is not None:
        if latest is not None and effective < latest:
            raise BadArgument(
                f"the effective time {effective} is earlier than the store's latest change set "
                f"(#{sets[-1].id} at {latest}); history can only grow forward"
            )
        return effective
    at = H.now()
    return max(at, latest) if latest else at


def plan_changes(
    current: Dataset | None, ds: Dataset, *, replace: bool, first: bool, write: dict[str, list[Any]] | None = None
) -> tuple[list[H.Ended], dict[str, int]]:
    """:func:`history.plan`, quick when the store is empty (``current`` None; ``write``
    is then left as it is: every record is to be written)."""
    if current is None:
        if first:
            # the first change set ends no versions: only count the distinct records
            # (cheap tuple keys, not the JSON text of record_key)
            created = sum(_distinct(s, getattr(ds, s)) for s in H.SECTIONS)
            return [], {"created": created, "changed": 0, "deleted": 0, "unchanged": 0}
        keys = sorted({(s, H.record_key(r)) for s in H.SECTIONS for r in getattr(ds, s)})
        ended: list[H.Ended] = [(s, k, None, None) for s, k in keys]
        return ended, {"created": len(keys), "changed": 0, "deleted": 0, "unchanged": 0}
    return H.plan(current, ds, replace=replace, first=first, write=write)


def _distinct(section: str, records: list[Any]) -> int:
    """How many distinct :func:`history.record_key` values ``records`` have, counted on
    plain values (equal exactly when the keys are equal) instead of JSON text."""
    fields = {"influences": ("source", "target"), "interactions": ("employee", "person", "date", "kind")}.get(section, ("id",))
    # (one C-level getter per record: a plain id, or the key's tuple)
    return len(set(map(attrgetter(*fields), records)))

"""The store interface. ``SqliteStore`` (embedded default) and ``Neo4jStore`` implement it.

Every analysis needs one customer's sub-graph only (SPEC §4), so the central read is
:meth:`Store.customer_graph`, which returns a :class:`~brmgraph.model.Dataset` holding
exactly that sub-graph; :class:`~brmgraph.graph.CustomerGraph` is built from it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from pydantic import BaseModel

from ..model import Competitor, CompetitorStaff, Customer, Dataset, Employee, KeyPerson, Project


class ImportSummary(BaseModel):
    """What an import did: records per section in the file, and whether it replaced."""

    counts: dict[str, int]
    replaced: bool = False

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
    def of(cls, ds: Dataset) -> "IdIndex":
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
        self, ds: Dataset, *, replace: bool = False, check: ImportCheck | None = None, merge: ImportMerge | None = None
    ) -> ImportSummary:
        """Upsert ``ds`` atomically (all or nothing).

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
        """Everything SPEC §4 needs for one customer, as a Dataset: the customer; its key
        persons and projects; the employees and competitor staff with an influence edge
        into one of its key persons, and the competitors of those staff or bidding on its
        projects; all influences whose target is one of its key persons; the interactions
        with its key persons. Lists sorted by id (influences by (source, target),
        interactions by (employee, person, date, kind)). Raises NotFound."""

    @abstractmethod
    def export(self) -> Dataset:
        """The whole stored data set, sorted as in :meth:`customer_graph`."""

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

    def close(self) -> None:  # pragma: no cover - trivial
        """Release connections."""

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

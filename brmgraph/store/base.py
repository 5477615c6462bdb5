"""The store interface. ``SqliteStore`` (embedded default) and ``Neo4jStore`` implement it.

Every analysis needs one customer's sub-graph only (SPEC §4), so the central read is
:meth:`Store.customer_graph`, which returns a :class:`~brmgraph.model.Dataset` holding
exactly that sub-graph; :class:`~brmgraph.graph.CustomerGraph` is built from it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Iterator

from pydantic import BaseModel

from ..model import Competitor, CompetitorStaff, Customer, Dataset, Employee, KeyPerson, Project


class ImportSummary(BaseModel):
    """What an import did: records per section in the file, and whether it replaced."""

    counts: dict[str, int]
    replaced: bool = False

    @property
    def records(self) -> int:
        return sum(self.counts.values())


class Store(ABC):
    """A place data sets are stored in. Implementations must be safe to use from
    several processes at once (each opens its own ``Store``)."""

    url: str

    # ----------------------------------------------------------------- writing
    @abstractmethod
    def import_dataset(self, ds: Dataset, *, replace: bool = False) -> ImportSummary:
        """Upsert ``ds`` atomically (all or nothing).

        Upsert by id; an influence is identified by (source, target) and a later import
        updates its strength; a project's decision chain and competitors are replaced by
        the file's; interactions are identified by (employee, person, date, kind).
        With ``replace`` the store afterwards holds exactly ``ds``.

        ``ds`` must already be valid *together with what the store holds*; callers use
        :func:`brmgraph.dataset.validate_against_store`.
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

    def counts(self) -> dict[str, int]:
        """Records per section."""
        return self.export().counts()

    def iter_customer_graphs(self, customer_ids: list[str] | None = None) -> Iterator[Dataset]:
        """Stream customer sub-graphs (default: all customers in id order)."""
        ids = customer_ids if customer_ids is not None else [c.id for c in self.customers()]
        for cid in ids:
            yield self.customer_graph(cid)

    def close(self) -> None:  # pragma: no cover - trivial
        """Release connections."""

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

"""``CustomerGraph``: one customer's sub-graph as a networkx ``DiGraph``.

This module is the only place where arcs and their costs are decided (docs/spec.md §4.2):

* an influence edge u → v (internal or external) is an arc u → v costing
  1 (strong), 2 (medium) or 3 (weak);
* ``a REPORTS_TO b`` gives the arc b → a costing 1 (superior to subordinate) and the
  arc a → b costing 2 (a referral upward).

When several edges join the same ordered pair, the arc keeps the cheapest cost (a path
can only ever use the cheapest) and records the kind of the edge that sets it
(:meth:`CustomerGraph.arc_kind`): ``reports_down``, ``reports_up``,
``influences_internal`` or ``influences_external``; on equal cost the first in that
order wins (:data:`ARC_KINDS`). Everything that explains a path (the CLI table, the maps)
asks for that kind here and nowhere else.

>>> from brmgraph.model import Dataset
>>> ds = Dataset.model_validate({
...     "customers": [{"id": "C1"}],
...     "key_persons": [{"id": "P1", "customer": "C1", "reports_to": "P2"},
...                     {"id": "P2", "customer": "C1"}],
...     "employees": [{"id": "E1", "team": "East"}],
...     "influences": [{"source": "E1", "target": "P2", "strength": "weak"}]})
>>> cg = CustomerGraph.from_dataset(ds, "C1")
>>> sorted((u, v, d["cost"]) for u, v, d in cg.g.edges(data=True))
[('E1', 'P2', 3), ('P1', 'P2', 2), ('P2', 'P1', 1)]
>>> sorted(cg.sources(Perspective("team", "East")))
['E1']
>>> cg.arc_kind("P2", "P1"), cg.arc_kind("E1", "P2")
('reports_down', 'influences_external')
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from dataclasses import dataclass
from enum import Enum
from functools import cached_property
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from .errors import BadArgument, NotFound
from .labels import ArcKind
from .model import (
    Competitor,
    CompetitorStaff,
    Customer,
    Dataset,
    Employee,
    Influence,
    Interaction,
    KeyPerson,
    Project,
    Strength,
)

if TYPE_CHECKING:  # networkx is imported on first use of ``g``: most commands never need it
    import networkx as nx

#: cost of an influence arc by strength (docs/spec.md §4.2)
STRENGTH_COST: dict[Strength, int] = {Strength.strong: 1, Strength.medium: 2, Strength.weak: 3}
#: cost of the arc superior → subordinate
REPORTS_DOWN_COST = 1
#: cost of the arc subordinate → superior (a referral upward)
REPORTS_UP_COST = 2

KIND_KEY_PERSON = "key_person"
KIND_EMPLOYEE = "employee"
KIND_COMPETITOR_STAFF = "competitor_staff"

ARC_REPORTS_DOWN = ArcKind.reports_down.value
ARC_REPORTS_UP = ArcKind.reports_up.value
ARC_INTERNAL = ArcKind.influences_internal.value
ARC_EXTERNAL = ArcKind.influences_external.value
#: the four arc kinds, in precedence order: on equal cost the first one names the arc
ARC_KINDS: tuple[str, ...] = tuple(k.value for k in ArcKind)
_ARC_RANK = {k: i for i, k in enumerate(ARC_KINDS)}


class Step(BaseModel):
    """One arc of a best path: ``{"from", "to", "kind", "cost"}`` in JSON."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True, frozen=True)

    from_: str = Field(alias="from")
    to: str
    kind: str
    cost: int


class PerspectiveKind(str, Enum):
    """Whose staff paths start from."""

    individual = "individual"
    team = "team"
    company = "company"
    competitor = "competitor"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, init=False)
class Perspective:
    """Who paths start from (docs/spec.md §4.1).

    ``kind`` is one of ``individual``, ``team``, ``company``, ``competitor``;
    ``value`` is the employee id, team name, competitor id or ``*``. Its spellings are
    read by :func:`brmgraph.service.scope.parse_perspective`.

    >>> Perspective("company")
    Perspective(kind=<PerspectiveKind.company: 'company'>, value=None)
    >>> str(Perspective("competitor", "*"))
    'competitor:*'
    """

    kind: PerspectiveKind
    value: str | None = None

    KINDS = tuple(k.value for k in PerspectiveKind)

    def __init__(self, kind: PerspectiveKind | str, value: str | None = None) -> None:
        object.__setattr__(self, "kind", PerspectiveKind(kind))
        object.__setattr__(self, "value", value)

    @property
    def ours(self) -> bool:
        """True for the individual, team and company perspectives (the relay rule applies)."""
        return self.kind is not PerspectiveKind.competitor

    def __str__(self) -> str:
        return self.kind.value if self.value is None else f"{self.kind.value}:{self.value}"


def is_veto_or_approver(person: KeyPerson) -> bool:
    """True when ``person`` holds a veto or is a sole approver (``yes``, not ``unknown``);
    :mod:`brmgraph.analysis.rules` names it among the rules."""
    return person.veto.value == "yes" or person.approver.value == "yes"


def _edges(
    persons: dict[str, KeyPerson],
    employees: dict[str, Employee],
    staff: dict[str, CompetitorStaff],
    influences: list[Influence],
) -> Iterable[tuple[str, str, int, str]]:
    """Every arc of docs/spec.md §4.2 as (u, v, cost, kind), from model records."""
    return _arcs(
        {p.id: p.reports_to for p in persons.values()},
        _Either(employees, staff),
        ((i.source, i.target, i.strength) for i in influences),
    )


class _Either:
    """Membership in either of two containers (employees or competitor staff)."""

    __slots__ = ("a", "b")

    def __init__(self, a: Container[str], b: Container[str]) -> None:
        self.a, self.b = a, b

    def __contains__(self, x: object) -> bool:
        return x in self.a or x in self.b


def _arcs(
    reports_to: dict[str, str | None],
    staff: Container[str],
    influences: Iterable[tuple[str, str, Strength]],
) -> Iterable[tuple[str, str, int, str]]:
    """Every arc of docs/spec.md §4.2 as (u, v, cost, kind) — the one place costs are
    decided. ``reports_to``: each key person's superior (its keys are the key persons);
    ``staff``: the employees and competitor staff; ``influences``: (source, target, strength)."""
    for pid, b in reports_to.items():
        if b and b in reports_to:
            yield b, pid, REPORTS_DOWN_COST, ARC_REPORTS_DOWN
            yield pid, b, REPORTS_UP_COST, ARC_REPORTS_UP
    for source, target, strength in influences:
        if source in reports_to:
            yield source, target, STRENGTH_COST[strength], ARC_INTERNAL
        elif source in staff:
            yield source, target, STRENGTH_COST[strength], ARC_EXTERNAL


def _succ(
    kinds: dict[str, str], arcs: Iterable[tuple[str, str, int, str]]
) -> tuple[dict[str, dict[str, int]], dict[tuple[str, str], str]]:
    """``succ`` and ``arc_kinds`` of a graph: several edges on one pair keep the cheapest,
    on equal cost the first in :data:`ARC_KINDS` order."""
    succ: dict[str, dict[str, int]] = {n: {} for n in kinds}
    arc_kinds: dict[tuple[str, str], str] = {}
    for u, v, cost, kind in arcs:
        nbrs = succ[u]
        old = nbrs.get(v)
        if old is None or cost < old or (cost == old and _ARC_RANK[kind] < _ARC_RANK[arc_kinds[(u, v)]]):
            nbrs[v] = cost
            arc_kinds[(u, v)] = kind
    return succ, arc_kinds


def arc_tables(
    kinds: dict[str, str], reports_to: dict[str, str | None], staff: Container[str], influences: Iterable[tuple[str, str, Strength]]
) -> tuple[dict[str, dict[str, int]], dict[tuple[str, str], str]]:
    """``succ`` and ``arc_kinds`` of a customer (as :class:`CustomerGraph` holds them),
    from :func:`_arcs`: what the embedded store keeps in its compact per-customer rows
    (:mod:`brmgraph.store.sqlite.compact`), so those rows follow the same arc rules."""
    return _succ(kinds, _arcs(reports_to, staff, influences))


COMPANY = Perspective("company")
ALL_COMPETITORS = Perspective("competitor", "*")


@dataclass
class CustomerGraph:
    """A customer's key persons, projects and the staff with edges into them."""

    customer: Customer
    persons: dict[str, KeyPerson]
    employees: dict[str, Employee]
    staff: dict[str, CompetitorStaff]
    competitors: dict[str, Competitor]
    projects: dict[str, Project]
    influences: list[Influence]
    interactions: list[Interaction]
    #: ``succ[u][v]`` = cost of the arc u → v (the cheapest edge on that ordered pair).
    #: Plain dicts, so the batch analyses (paths, coverage, flags) never pay for networkx.
    succ: dict[str, dict[str, int]]
    #: kind of every node (key person, employee, competitor staff)
    kinds: dict[str, str]
    #: ``arc_kinds[(u, v)]`` = kind of the edge that sets the cost of arc u → v
    arc_kinds: dict[tuple[str, str], str]

    @cached_property
    def g(self) -> nx.DiGraph:
        """The same arcs as a networkx ``DiGraph`` (built on first use), with node
        attribute ``kind`` and arc attributes ``cost``, ``kind`` (the edge that sets the
        cost) and ``kinds`` (every edge on that ordered pair)."""
        import networkx as nx

        g = nx.DiGraph()
        for node, kind in self.kinds.items():
            g.add_node(node, kind=kind)
        kinds: dict[tuple[str, str], list[str]] = {}
        for u, v, _cost, kind in _edges(self.persons, self.employees, self.staff, self.influences):
            kinds.setdefault((u, v), []).append(kind)
        g.add_edges_from(
            (u, v, {"cost": c, "kind": self.arc_kinds[(u, v)], "kinds": kinds[(u, v)]})
            for u, nbrs in self.succ.items()
            for v, c in nbrs.items()
        )
        return g

    # ------------------------------------------------------------------ building
    @classmethod
    def from_dataset(cls, ds: Dataset, customer_id: str) -> CustomerGraph:
        """Build from a data set (the whole one, or a store's ``customer_graph``)."""
        customer = next((c for c in ds.customers if c.id == customer_id), None)
        if customer is None:
            raise NotFound(f"unknown customer {customer_id!r}")
        persons = {p.id: p for p in ds.key_persons if p.customer == customer_id}
        influences = [i for i in ds.influences if i.target in persons]
        sources = {i.source for i in influences}
        employees = {e.id: e for e in ds.employees if e.id in sources}
        staff = {s.id: s for s in ds.competitor_staff if s.id in sources}
        projects = {j.id: j for j in ds.projects if j.customer == customer_id}
        bidding = {k for j in projects.values() for k in j.competitors}
        competitors = {
            k.id: k for k in ds.competitors if k.id in bidding or any(s.competitor == k.id for s in staff.values())
        }
        interactions = [x for x in ds.interactions if x.person in persons]
        kinds = dict.fromkeys(persons, KIND_KEY_PERSON)
        kinds.update(dict.fromkeys(employees, KIND_EMPLOYEE))
        kinds.update(dict.fromkeys(staff, KIND_COMPETITOR_STAFF))
        succ, arc_kinds = _succ(kinds, _edges(persons, employees, staff, influences))
        return cls(
            customer=customer,
            persons=persons,
            employees=employees,
            staff=staff,
            competitors=competitors,
            projects=projects,
            influences=influences,
            interactions=interactions,
            succ=succ,
            kinds=kinds,
            arc_kinds=arc_kinds,
        )

    # ------------------------------------------------------------------ queries
    @property
    def id(self) -> str:
        return self.customer.id

    def kind(self, node: str) -> str:
        return self.kinds[node]

    def cost(self, u: str, v: str) -> int:
        return self.succ[u][v]

    def arc_kind(self, u: str, v: str) -> str:
        """Kind of the edge that sets the cost of arc u → v (see :data:`ARC_KINDS`)."""
        return self.arc_kinds[(u, v)]

    def steps(self, path: list[str] | tuple[str, ...]) -> list[Step]:
        """One :class:`Step` per arc of ``path`` (``[]`` for an empty or one-node path)."""
        return [
            Step(from_=u, to=v, kind=self.arc_kinds[(u, v)], cost=self.succ[u][v]) for u, v in zip(path, path[1:])
        ]

    def has_arc(self, u: str, v: str) -> bool:
        return v in self.succ.get(u, ())

    def sources(self, perspective: Perspective) -> set[str]:
        """Staff ids of ``perspective`` that have at least one edge into this customer."""
        kind = perspective.kind
        if kind is PerspectiveKind.company:
            return set(self.employees)
        if kind is PerspectiveKind.individual:
            return {perspective.value} & set(self.employees) if perspective.value else set()
        if kind is PerspectiveKind.team:
            return {e.id for e in self.employees.values() if e.team == perspective.value}
        if kind is PerspectiveKind.competitor:
            if perspective.value == "*":
                return set(self.staff)
            return {s.id for s in self.staff.values() if s.competitor == perspective.value}
        raise BadArgument(f"unknown perspective kind {perspective.kind!r}")

    def competitor_sources(self, competitor_ids: Iterable[str] | None) -> set[str]:
        """Staff of the given competitors (all competitors when ``None`` or empty)."""
        ids = set(competitor_ids or ())
        if not ids:
            return set(self.staff)
        return {s.id for s in self.staff.values() if s.competitor in ids}

    def blocked_relays(self, perspective: Perspective) -> set[str]:
        """Key persons that may end a path but not relay one (docs/spec.md §4.2 relay rule)."""
        if not perspective.ours:
            return set()
        return {pid for pid, p in self.persons.items() if p.closeness.opposing}

    def direct_sources(self, person: str) -> set[str]:
        """Staff (employees or competitor staff) with an influence edge straight to ``person``."""
        return {i.source for i in self.influences if i.target == person and i.source not in self.persons}

    def open_projects(self) -> list[Project]:
        return [j for j in sorted(self.projects.values(), key=lambda j: j.id) if j.status.value == "open"]

    def open_project_ids(self) -> list[str]:
        """Ids of :meth:`open_projects` (a graph read from compact rows answers without
        decoding the projects)."""
        return [j.id for j in self.open_projects()]

    def holds_veto(self, person: str) -> bool:
        """``veto`` = ``yes`` (a graph read from compact rows answers without decoding
        the key person)."""
        return self.persons[person].veto.value == "yes"

    def decision_makers(self) -> list[str]:
        """docs/spec.md §4.3: members of open projects' chains, plus veto or approver = yes; sorted."""
        out = {m.person for j in self.open_projects() for m in j.decision_chain if m.person in self.persons}
        out |= {pid for pid, p in self.persons.items() if is_veto_or_approver(p)}
        return sorted(out)

    def project_decision_makers(self, project_id: str) -> list[str]:
        if project_id not in self.projects:
            raise NotFound(f"unknown project {project_id!r}")
        return sorted({m.person for m in self.projects[project_id].decision_chain if m.person in self.persons})

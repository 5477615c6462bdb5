"""One function per user question, for every front-end (CLI, web, maps, notebooks).

Each function takes plain arguments — the store (a URL or an open
:class:`~brmgraph.store.Store`), scope ids, the perspective as text, the maximum cost,
where tie strengths come from, a past time to answer at (``as_of``) and the reference
day (``today``) — opens the store if it was given a URL, reads one consistent snapshot,
calls :mod:`brmgraph.analysis` and returns its result model. Front-ends print or render
what comes back; none of them loads a graph or parses a perspective itself.

Every example below runs on the demo data set (``brmgraph demo``):

>>> from brmgraph.service.questions import demo_store
>>> st = demo_store()
>>> path(st, "P103").result.cost is None  # nobody of ours reaches P103
True
>>> round(coverage(st, customer="C1").result.coverage, 3)
0.857
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ..errors import BadArgument, NotFound
from ..graph import CustomerGraph, Perspective
from ..labels import StrengthFrom
from .scope import DEFAULT_MAX_COST, parse_day, parse_max_cost, parse_perspective, perspective_in, scope_in
from .stores import StoreLike, generation, observed_day, opened, parse_time, reading

if TYPE_CHECKING:
    from ..analysis.alerts import Alert
    from ..analysis.coverage import CoverageResult
    from ..analysis.exposure import ExposureResult, Flag, FlagChange
    from ..analysis.lines import Report
    from ..analysis.paths import PathResult
    from ..analysis.plan import PlanResult
    from ..analysis.risk import RiskResult
    from ..analysis.strategy import StrategyAdvice
    from ..analysis.whatif import Change, WhatIfResult
    from ..batch import FlagStats, Progress
    from ..model import Competitor, CompetitorStaff, Customer, Dataset, Employee, KeyPerson, Project
    from ..store import Store

R = TypeVar("R")


@dataclass(frozen=True)
class Answer(Generic[R]):
    """A result model and the customer graph it was computed on (front-ends name the
    people of a table from it)."""

    result: R
    graph: CustomerGraph | None = None


# ------------------------------------------------------------------ graphs
def graph_of(
    st: Store, customer_id: str, strength: StrengthFrom = StrengthFrom.declared, day: date | None = None
) -> CustomerGraph:
    """The :class:`CustomerGraph` of one stored customer (NotFound when unknown), with our
    ties' strengths as declared or, for ``interactions``, as observed on ``day``
    (docs/spec.md §4.8.5)."""
    return _graph(_dataset(st, customer_id, strength, day), customer_id)


def _dataset(st: Store, customer_id: str, strength: StrengthFrom, day: date | None) -> Dataset:
    from ..analysis.observed import strength_from

    return strength_from(st.customer_graph(customer_id), StrengthFrom(strength), day or date.today())


def _graph(ds: Dataset, customer_id: str) -> CustomerGraph:
    return CustomerGraph.from_dataset(ds, customer_id)


def _day(today: date | str | None, as_of: str | None) -> date:
    return observed_day(as_of, parse_day(today, "today"))


# ------------------------------------------------------------------ lookups
def customers(store: StoreLike = None) -> list[Customer]:
    """Every stored customer, sorted by id."""
    with reading(store) as st:
        return sorted(st.customers(), key=lambda c: c.id)


def key_person(store: StoreLike, person_id: str) -> KeyPerson:
    """One key person (NotFound when unknown)."""
    with reading(store) as st:
        return st.key_person(person_id)


def project(store: StoreLike, project_id: str) -> Project:
    """One project (NotFound when unknown)."""
    with reading(store) as st:
        return st.project(project_id)


def teams(store: StoreLike = None) -> list[str]:
    """The teams of our employees, sorted."""
    with reading(store) as st:
        return sorted({e.team for e in st.employees() if e.team})


def info(store: StoreLike = None, *, as_of: str | None = None) -> tuple[str, dict[str, int]]:
    """``(store URL, records per kind)``."""
    with reading(store, as_of=as_of) as st:
        return st.url, st.counts()


def export(store: StoreLike = None, *, as_of: str | None = None) -> Dataset:
    """The whole store (or its state at ``as_of``) as a data set."""
    with reading(store, as_of=as_of) as st:
        return st.export()


# ------------------------------------------------------------------ analyses of one customer
def path(
    store: StoreLike,
    to: str,
    *,
    perspective: str | Perspective | None = None,
    strength: StrengthFrom = StrengthFrom.declared,
    as_of: str | None = None,
    today: date | str | None = None,
) -> Answer[PathResult]:
    """The best path from ``perspective``'s staff to key person ``to`` (docs/spec.md §4.4).

    Parameters
    ----------
    store : Store, str or None
        An open store, or a store URL (``None``: ``$BRM_STORE``, else ``sqlite:///brm.db``).
    to : str
        The key person's id.
    perspective : str, optional
        ``individual:E``, ``team:T``, ``company`` (default), ``competitor:K`` or ``competitor:*``.
    strength : StrengthFrom
        Our ties' strengths as declared, or observed from interactions.
    as_of : str, optional
        Answer as the store stood then (a date or an ISO time).
    today : date or str, optional
        The reference day of observed strengths.

    Returns
    -------
    Answer[PathResult]

    Raises
    ------
    NotFound
        Unknown key person, or unknown employee / team / competitor of the perspective.
    BadArgument
        A malformed perspective.

    Examples
    --------
    >>> a = path(demo_store(), "P103", perspective="competitor:*")
    >>> a.result.path[-1], a.graph.id
    ('P103', 'C1')
    """
    from ..analysis.paths import best_path

    if not to:
        raise BadArgument("give the key person to reach")
    with reading(store, as_of=as_of, one=True) as st:
        persp = perspective_in(st, perspective)
        person = st.key_person(to)
        cg = graph_of(st, person.customer, strength, _day(today, as_of))
    return Answer(best_path(cg, to, persp), cg)


def coverage(
    store: StoreLike,
    *,
    project: str | None = None,
    customer: str | None = None,
    perspective: str | Perspective | None = None,
    max_cost: int | str | None = None,
    strength: StrengthFrom = StrengthFrom.declared,
    as_of: str | None = None,
    today: date | str | None = None,
) -> Answer[CoverageResult]:
    """Which decision makers of a project or customer ``perspective`` reaches
    (docs/spec.md §4.5); give exactly one of ``project`` and ``customer``.

    Examples
    --------
    >>> a = coverage(demo_store(), project="J1", max_cost=2)
    >>> a.result.max_cost, round(a.result.coverage, 3)
    (2, 0.667)
    """
    from ..analysis.coverage import coverage as cov

    mc = parse_max_cost(max_cost)
    with reading(store, as_of=as_of, one=True, customer=customer if project is None else None) as st:
        cid, pid = scope_in(st, project, customer)
        persp = perspective_in(st, perspective)
        assert cid is not None
        cg = graph_of(st, cid, strength, _day(today, as_of))
    return Answer(cov(cg, persp, project=pid, max_cost=mc), cg)


def exposure(
    store: StoreLike,
    *,
    project: str | None = None,
    customer: str | None = None,
    max_cost: int | str | None = None,
    strength: StrengthFrom = StrengthFrom.declared,
    as_of: str | None = None,
    today: date | str | None = None,
) -> Answer[ExposureResult]:
    """Veto holders and sole approvers at risk, with their reasons (docs/spec.md §4.6).

    Examples
    --------
    >>> [x.person for x in exposure(demo_store(), customer="C1").result.exposed][:1]
    ['P103']
    """
    from ..analysis.exposure import exposure as exp

    mc = parse_max_cost(max_cost)
    with reading(store, as_of=as_of, one=True, customer=customer if project is None else None) as st:
        cid, pid = scope_in(st, project, customer)
        assert cid is not None
        cg = graph_of(st, cid, strength, _day(today, as_of))
    return Answer(exp(cg, project=pid, max_cost=mc), cg)


def report(
    store: StoreLike,
    customer: str,
    *,
    perspective: str | Perspective | None = None,
    max_cost: int | str | None = None,
    today: date | str | None = None,
    template: Path | None = None,
    employee_template: Path | None = None,
    strength: StrengthFrom = StrengthFrom.declared,
    as_of: str | None = None,
) -> Answer[Report]:
    """Everything about one customer (docs/spec.md §4.7): the customer, decision-chain,
    key-person and influence lines. ``today`` (default: today) dates contact frequency,
    cooling and observed strengths; ``template`` / ``employee_template``: tactics files.

    Examples
    --------
    >>> r = report(demo_store(), "C1", today="2026-11-01").result
    >>> r.customer, str(r.today)
    ('C1', '2026-11-01')
    """
    from ..analysis.lines import report as rep
    from ..analysis.strategy import load_template

    if not customer:
        raise BadArgument("give the customer")
    mc = parse_max_cost(max_cost)
    day = parse_day(today, "today") or date.today()
    tpl = load_template(template, employee_template)
    with reading(store, as_of=as_of, one=True, customer=customer) as st:
        persp = perspective_in(st, perspective)
        ds = st.customer_graph(customer)
    from ..analysis.observed import strength_from

    cg = _graph(strength_from(ds, StrengthFrom(strength), day), customer)
    declared = None
    if strength is StrengthFrom.interactions:
        declared = {(i.source, i.target): i.strength for i in ds.influences}
    return Answer(rep(cg, persp, max_cost=mc, today=day, template=tpl, declared=declared), cg)


def tactics(
    store: StoreLike, person: str, *, template: Path | None = None, employee_template: Path | None = None
) -> tuple[KeyPerson, StrategyAdvice]:
    """How to work with a key person: ``(the key person, the strategy and its tactics)``.

    Examples
    --------
    >>> kp, adv = tactics(demo_store(), "P103")
    >>> kp.id == "P103" and bool(adv.strategy)
    True
    """
    from ..analysis.strategy import advice, load_template

    tpl = load_template(template, employee_template)
    kp = key_person(store, person)
    return kp, advice(kp, tpl)


# ------------------------------------------------------------------ flags
#: the CSV columns of flags, in this order (lists joined by ";", null is empty); a run with
#: ``since`` adds ``change``
FLAG_COLUMNS = ("project", "customer", "person", "reasons", "customer_name", "project_name", "person_name",
                "title", "stage", "amount")


@dataclass
class FlagRun:
    """The records of one flags run, as JSON objects (with ``change`` when compared with
    an earlier state), and how the run went."""

    rows: list[dict[str, Any]]
    stats: FlagStats
    compared: bool = False
    records: list[Flag] = field(default_factory=list)

    @property
    def failing(self) -> list[dict[str, Any]]:
        """The flags a ``--fail-on-flags`` run fails on: all, or the new ones."""
        return [d for d in self.rows if d.get("change", "new") == "new"]

    def columns(self) -> tuple[str, ...]:
        return FLAG_COLUMNS + (("change",) if self.compared else ())

    def csv_rows(self) -> Iterable[list[Any]]:
        """The CSV cells of each row, in :meth:`columns` order."""
        cols = self.columns()
        for d in self.rows:
            yield [";".join(v) if isinstance(v := d.get(k), list) else "" if v is None else v for k in cols]


def flags(
    store: StoreLike = None,
    *,
    max_cost: int | str | None = None,
    shard: str | None = None,
    workers: int = 1,
    since: str | None = None,
    strength: StrengthFrom = StrengthFrom.declared,
    as_of: str | None = None,
    recompute: bool = False,
    progress: Progress | None = None,
) -> FlagRun:
    """The nightly flags: veto holders in open projects whom we do not reach
    (docs/spec.md §4.6, §4.10). A plain run answers from the flag cache for every
    customer no import changed since it was written; ``since`` keeps only the flags new
    or resolved since that time; ``shard`` (``"i/n"``) and ``workers`` split a run.

    Examples
    --------
    >>> run = flags(demo_store())
    >>> ("J1", "P103") in {(d["project"], d["person"]) for d in run.rows}
    True
    >>> run.columns()[:4]
    ('project', 'customer', 'person', 'reasons')
    """
    from ..batch import FlagStats, parse_shard, run_flags

    mc = parse_max_cost(max_cost)
    try:
        sh = parse_shard(shard) if shard else None
    except ValueError as exc:
        raise BadArgument(f"shard {exc}") from None
    observed = strength is StrengthFrom.interactions
    then: list[Flag] | None = None
    if since is not None:
        with reading(store, as_of=since) as past:
            then = run_flags(None, sh, 1, max_cost=mc, store=past, require_customers=False,
                             observed_on=observed_day(since) if observed else None, cache=False)
    day = observed_day(as_of) if observed else None
    stats = FlagStats()
    if as_of is not None:
        with reading(store, as_of=as_of) as st:  # a past state (in memory): computed in full, never cached
            records = run_flags(None, sh, 1, max_cost=mc, progress=progress, store=st, observed_on=day,
                                stats=stats, cache=False)
    elif isinstance(store, str) or store is None:
        records = run_flags(store, sh, workers, max_cost=mc, progress=progress, observed_on=day,
                            recompute=recompute, stats=stats)
    else:
        records = run_flags(None, sh, 1, max_cost=mc, progress=progress, store=store, observed_on=day,
                            recompute=recompute, stats=stats)
    if then is None:
        return FlagRun([f.model_dump(mode="json") for f in records], stats, records=records)
    from ..analysis.exposure import diff_flags

    return FlagRun([f.model_dump(mode="json") for f in diff_flags(then, records)], stats, True, records)


# ------------------------------------------------------------------ decisions
def plan(
    store: StoreLike,
    *,
    project: str | None = None,
    customer: str | None = None,
    perspective: str | Perspective | None = None,
    k: int = 3,
    tie: str = "strong",
    max_cost: int | str | None = None,
    strength: StrengthFrom = StrengthFrom.declared,
    today: date | str | None = None,
) -> Answer[PlanResult]:
    """The next relationships to build (docs/spec.md §4.8.1): up to ``k`` new ties of
    strength ``tie``, each covering the most (weighted) decision makers given the ones
    before it. Nothing is written.

    Examples
    --------
    >>> p = plan(demo_store(), project="J1", k=1).result
    >>> p.strength, len(p.steps) <= 1
    ('strong', True)
    """
    from ..analysis.plan import plan as plan_
    from ..model import Strength

    mc = parse_max_cost(max_cost)
    if k < 0:
        raise BadArgument(f"k must be >= 0, not {k}")
    try:
        tie_v = Strength.parse(tie)
    except ValueError:
        raise BadArgument(f"--strength must be strong, medium or weak, not {tie!r}") from None
    with reading(store) as st:
        cid, pid = scope_in(st, project, customer)
        assert cid is not None
        persp = perspective_in(st, perspective)
        if not persp.ours:
            raise BadArgument(f"perspective {str(persp)!r}: plan builds our ties; use individual, team or company")
        cg = graph_of(st, cid, strength, _day(today, None))
        employees = st.employees()
    return Answer(plan_(cg, persp, project=pid, k=k, strength=tie_v, max_cost=mc, employees=employees), cg)


@dataclass
class WhatIf:
    """A what-if: the changes, and either the analyses of one scope before and after
    (``scoped``) or the nightly flags the changes would create or resolve (``flags``)."""

    changes: list[Change]
    scoped: WhatIfResult | None = None
    project: str | None = None
    flags: list[FlagChange] = field(default_factory=list)

    def json(self) -> Any:
        """The JSON document of ``brmgraph whatif --json``."""
        if self.scoped is not None:
            return self.scoped
        return {"changes": self.changes, "flags": self.flags}


def _kinds(st: Store, ids: Iterable[str]) -> tuple[dict[str, str], dict[str, str]]:
    """(kind of each id, customer of each key person among them)."""
    ids = set(ids)
    kinds: dict[str, str] = {}
    customer_of: dict[str, str] = {}
    emp = {e.id for e in st.employees()} & ids
    staff = {s.id for s in st.competitor_staff()} & ids
    kinds.update(dict.fromkeys(emp, "employee"))
    kinds.update(dict.fromkeys(staff, "competitor staff member"))
    rest = ids - emp - staff
    for i in sorted(rest):
        try:
            kp = st.key_person(i)
        except NotFound:
            continue
        kinds[i] = "key person"
        customer_of[i] = kp.customer
    rest -= set(kinds)
    if rest:
        for kind, recs in (("customer", st.customers()), ("competitor", st.competitors()), ("project", st.projects())):
            kinds.update({r.id: kind for r in recs if r.id in rest})
    return kinds, customer_of


def whatif(
    store: StoreLike,
    *,
    without: Iterable[str] = (),
    set_: Iterable[str] = (),
    project: str | None = None,
    customer: str | None = None,
    perspective: str | Perspective | None = None,
    max_cost: int | str | None = None,
    strength: StrengthFrom = StrengthFrom.declared,
    today: date | str | None = None,
) -> WhatIf:
    """What if someone left (``without``: ids) or a stance changed (``set_``:
    ``ID.FIELD=VALUE``)? The analyses on a changed copy (docs/spec.md §4.8.3); nothing is
    written. With a scope: coverage and exposure before and after; without: the flags
    that change over every open project.

    Examples
    --------
    >>> w = whatif(demo_store(), without=["E01"], customer="C1")
    >>> [str(c) for c in w.changes], w.scoped is not None
    (['without E01'], True)
    """
    from ..analysis.observed import strength_from, strengths_from
    from ..analysis.whatif import check_changes, flag_changes, parse_set, parse_without, whatif_scope

    mc = parse_max_cost(max_cost)
    changes = [parse_without(x) for x in without] + [parse_set(x) for x in set_]
    if not changes:
        raise BadArgument("give at least one --without ID or --set ID.FIELD=VALUE")
    day = _day(today, None)
    with reading(store) as st:
        cid, pid = scope_in(st, project, customer, required=False)
        persp = perspective_in(st, perspective)
        refs = {c.id for c in changes} | {c.value for c in changes if c.field == "reports_to" and c.value}
        kinds, customer_of = _kinds(st, refs)
        check_changes(changes, kinds)
        if cid is not None:
            for c in changes:
                if kinds[c.id] == "key person" and customer_of[c.id] != cid:
                    raise BadArgument(
                        f"--{c.op} {c.id}: a key person of customer {customer_of[c.id]!r}, not of {cid!r} in scope"
                    )
            ds = strength_from(st.customer_graph(cid), StrengthFrom(strength), day)
            return WhatIf(changes, whatif_scope(ds, cid, changes, persp, project=pid, max_cost=mc), pid)
        datasets = st.iter_customer_graphs(interactions=strength is StrengthFrom.interactions)
        return WhatIf(changes, flags=flag_changes(strengths_from(datasets, StrengthFrom(strength), day), changes,
                                                  max_cost=mc))


def risk(
    store: StoreLike = None,
    *,
    max_cost: int | str | None = None,
    strength: StrengthFrom = StrengthFrom.declared,
    today: date | str | None = None,
) -> RiskResult:
    """Whose departure would hurt (docs/spec.md §4.8.4): for each employee, the veto
    holders we would no longer reach without them; most first.

    Examples
    --------
    >>> r = risk(demo_store())
    >>> r.max_cost, r.employees == sorted(r.employees, key=lambda e: -e.count) or None
    (4, True)
    """
    from ..analysis.observed import strengths_from
    from ..analysis.risk import risk as risk_

    mc = parse_max_cost(max_cost)
    with reading(store) as st:
        datasets = st.iter_customer_graphs(interactions=strength is StrengthFrom.interactions)
        return risk_(strengths_from(datasets, StrengthFrom(strength), _day(today, None)), st.employees(), max_cost=mc)


# ------------------------------------------------------------------ history
#: alert columns (CSV), in this order; lists are joined by ";", null is empty
ALERT_COLUMNS = ("event", "customer", "project", "person", "before", "after", "customer_name", "person_name")


def alerts(
    store: StoreLike,
    since: str,
    *,
    today: date | str | None = None,
    max_cost: int | str | None = None,
) -> list[Alert]:
    """What got worse since ``since`` (docs/spec.md §4.9): closeness toward
    strong_oppose, lost coverage, longer paths, veto holders or approvers newly exposed,
    decision makers cooling.

    Examples
    --------
    >>> alerts(demo_store(), "2020-01-01", today="2026-11-01") == alerts(demo_store(), "2020-01-01", today="2026-11-01")
    True
    """
    from ..analysis.alerts import alerts as alerts_

    mc = parse_max_cost(max_cost)
    at = parse_time(since)
    day = parse_day(today, "today") or date.today()
    start = date.fromisoformat(at[:10])
    if start > day:
        raise BadArgument(f"since {since[:10]} is after today ({day.isoformat()})")
    with reading(store) as st:
        from .stores import as_of_state

        now_ds = st.export()
        then_ds = as_of_state(st, at)
    return alerts_(then_ds, now_ds, since=start, today=day, max_cost=mc)


def history(
    store: StoreLike = None, *, person: str | None = None, customer: str | None = None, project: str | None = None
) -> dict[str, Any]:
    """The store's change sets and, per record, which fields changed from what to what
    (at most one of ``person``, ``customer``, ``project`` narrows it).

    Examples
    --------
    >>> sorted(history(demo_store()))
    ['changes', 'changesets']
    """
    from ..store.history import history_of

    if sum(x is not None for x in (person, customer, project)) > 1:
        raise BadArgument("give at most one of --person, --customer, --project")
    with reading(store) as st:
        return history_of(st, person=person, customer=customer, project=project)


# ------------------------------------------------------------------ maps and pages
MAP_KINDS = ("customer", "project", "company", "competitor")


@dataclass
class MapData:
    """What a map is drawn from: the graphs, the perspective and the people around them
    (:func:`brmgraph.maps.draw` turns it into a :class:`~brmgraph.maps.RelationshipMap`)."""

    kind: str
    ident: str | None
    graphs: list[CustomerGraph]
    perspective: Perspective
    max_cost: int
    today: date | None = None
    employees: list[Employee] = field(default_factory=list)
    staff: list[CompetitorStaff] = field(default_factory=list)
    competitor: Competitor | None = None
    project: Project | None = None
    teams: list[str] = field(default_factory=list)


def map_data(
    store: StoreLike,
    kind: str,
    ident: str | None = None,
    perspective: str | Perspective | None = None,
    *,
    max_cost: int | str | None = None,
    today: date | str | None = None,
    as_of: str | None = None,
) -> MapData:
    """The data of one of the four maps: ``customer`` (ident = customer id), ``project``
    (project id), ``company`` (no ident) or ``competitor`` (competitor id, drawn from
    the perspective ``competitor:ID``). Unknown ids raise NotFound.

    Examples
    --------
    >>> d = map_data(demo_store(), "customer", "C1", "team:Finance")
    >>> [g.id for g in d.graphs], str(d.perspective)
    (['C1'], 'team:Finance')
    """
    if kind not in MAP_KINDS:
        raise BadArgument(f"unknown map kind {kind!r}; use one of {', '.join(MAP_KINDS)}")
    if (kind == "company") == bool(ident):
        raise BadArgument(f"the {kind} map takes {'no id' if kind == 'company' else 'an id'}, got {ident!r}")
    mc = parse_max_cost(max_cost)
    day = parse_day(today, "today")
    oid = ident or ""
    with reading(store, as_of=as_of) as st:
        employees = st.employees()
        teams_ = sorted({e.team for e in employees if e.team})
        if kind == "competitor":
            if perspective not in (None, "") and str(perspective) != f"competitor:{ident}":
                raise BadArgument(f"the competitor map is drawn from the perspective competitor:{ident}, not {perspective}")
            comp = next((k for k in st.competitors() if k.id == ident), None)
            if comp is None:
                raise NotFound(f"unknown competitor {ident!r}")
            staff = [s for s in st.competitor_staff() if s.competitor == ident]
            return MapData(kind, ident, _all_graphs(st), Perspective("competitor", oid), mc, day,
                           staff=staff, competitor=comp, teams=teams_)
        p = perspective_in(st, perspective)
        if kind == "customer":
            return MapData(kind, ident, [graph_of(st, oid)], p, mc, day, teams=teams_)
        if kind == "project":
            j = st.project(oid)
            return MapData(kind, ident, [graph_of(st, j.customer)], p, mc, day, project=j, teams=teams_)
        return MapData(kind, ident, _all_graphs(st), p, mc, day, employees=employees, teams=teams_)


def _all_graphs(st: Store) -> list[CustomerGraph]:
    return [_graph(ds, ds.customers[0].id) for ds in st.iter_customer_graphs()]


def customer_summaries(store: StoreLike = None, *, max_cost: int | str | None = None) -> list[dict[str, Any]]:
    """One object per customer (the web's customer list): id, name, key persons,
    decision makers, company coverage, exposed count and deal health
    (docs/spec.md §4.8.2): ``health`` = the worst health of its open projects (null
    without one), ``health_counts`` = open projects per health.

    Examples
    --------
    >>> rows = customer_summaries(demo_store())
    >>> rows[0]["id"], sorted(rows[0])[:3]
    ('C1', ['coverage', 'decision_makers', 'exposed'])
    """
    from ..analysis.context import AnalysisContext
    from ..analysis.coverage import coverage as cov
    from ..analysis.exposure import exposure as exp
    from ..analysis.health import customer_health

    mc = parse_max_cost(max_cost)
    out = []
    with reading(store) as st:
        names = {c.id: c for c in st.customers()}
        for ds in st.iter_customer_graphs(list(names), interactions=False):
            cid = ds.customers[0].id
            cg = _graph(ds, cid)
            ctx = AnalysisContext(cg, mc)
            c = cov(ctx, max_cost=mc)
            x = exp(ctx, max_cost=mc)
            worst, counts = customer_health(ctx, max_cost=mc)
            out.append({
                "id": cid, "name": names[cid].name, "key_persons": len(cg.persons),
                "decision_makers": len(c.members), "coverage": c.coverage,
                "weighted_coverage": c.weighted_coverage, "exposed": len(x.exposed),
                "health": worst, "health_counts": counts,
            })
    return sorted(out, key=lambda r: r["id"])


def store_generation(store: StoreLike = None) -> tuple[int, str] | None:
    """The store's latest change set ``(id, time)``: cached answers are keyed by it, so an
    import is visible on the next request."""
    with reading(store) as st:
        return generation(st)


# ------------------------------------------------------------------ doctest helper
_DEMO: dict[str, Store] = {}


def demo_store() -> Store:
    """An in-memory store holding the demo data set (for the examples above)."""
    if "demo" not in _DEMO:
        from ..dataset import import_path
        from ..store.sqlite import SqliteStore

        st = SqliteStore("sqlite:///:memory:")
        from importlib import resources

        import_path(st, Path(str(resources.files("brmgraph") / "data" / "demo.yaml")))
        _DEMO["demo"] = st
    return _DEMO["demo"]


__all__ = [
    "ALERT_COLUMNS", "Answer", "DEFAULT_MAX_COST", "FLAG_COLUMNS", "FlagRun", "MAP_KINDS", "MapData", "WhatIf",
    "alerts", "coverage", "customer_summaries", "customers", "export", "exposure", "flags", "graph_of",
    "history", "info", "key_person", "map_data", "opened", "parse_perspective", "path", "plan", "project",
    "report", "risk", "store_generation", "tactics", "teams", "whatif",
]

"""The four lines (四主线, docs/spec.md §4.6) of one customer, seen from one perspective.

``report(cg, perspective).model_dump(mode="json")`` is the docs/spec.md §5 ``report --json``
shape::

    {"customer": "C1", "perspective": "company", "max_cost": 4, "today": "2026-10-01",
     "lines": {"customer": {...}, "decision_chain": [...], "key_person": [...],
               "influence": {"persons": [{"person": "P1", "out_degree": 3,
                                          "betweenness": 12.5, "reach": 4, ...}, ...],
                             "employees": [...], "competitors": [...]}}}

Definitions, including the points docs/spec.md §4.6 leaves open:

Customer line (客户线)
    ``stance_mix`` counts closeness values (all six keys, in stance order). A key person is
    *covered* under the perspective when its coverage status (§4.3 rule, applied to any key
    person) is not ``none``: a source has a direct edge to it, or its best path costs at
    most ``max_cost``.
    ``breadth`` (广) = covered departments / departments, over the distinct non-empty
    ``department`` values (key persons without a department are left out); null when
    there are no departments.
    ``depth`` (深) = mean, over covered key persons, of the number of distinct sources of
    the perspective (employees, or competitor staff in a competitor perspective) with an
    influence edge straight to the person; null when nobody is covered.
    ``transparency`` (透) = known features / (7 × key persons), where the seven features
    are closeness, solution and price acceptance, veto, approver (known = not
    ``unknown``), ``reports_to`` (known = not empty) and influence (known = at least one
    influence edge, internal or external, into the person); null without key persons.
    Also the customer-scope ``coverage`` (under the perspective), ``exposure`` (always the
    company view, §4.4) and ``cooling`` key persons (§4.7).

Decision-chain line (决策链)
    One entry per project of the customer (open, won and lost), by id: chain members and
    roles (sorted by person), project ``coverage`` under the perspective, project
    ``exposure``, the deal ``health`` of an open project (docs/spec.md §4.8.2), and the competitor comparison: for each decision maker our best path
    (the report's perspective when it is ours, else the company's) against the best path
    of the project's competitors (all competitors when it lists none), ``closer`` being
    ``ours``, ``competitor``, ``equal`` or ``neither``; plus the coverage each of those
    competitors achieves on the chain.

Key-person line (关键人)
    Per key person, by id: the seven features, decision-maker roles, strategy and tactics
    (§4.5), best paths (under the report's perspective, ``company`` and ``competitor:*``),
    who influences them (internal key persons, our employees, competitor staff, each with
    the strength), whom they influence internally, and interaction figures: count, last
    date, degrees per employee (§4.7) and ``cooling``. Each ``influenced_by.ours`` entry
    carries the declared ``strength`` and the ``observed_strength`` read from the
    interactions of that pair (docs/spec.md §4.8.5; null when the pair has no
    interaction up to ``today``). Under
    ``--strength-from interactions`` the analyses run on the observed strengths, the
    report says so in ``strength_from``, and ``strength`` stays the declared one.

Influence line (影响力)
    ``persons`` — per key person, by id: ``out_degree`` = key persons of the customer it
    influences directly (internal influence edges only, reports-to not counted);
    ``betweenness`` = directed, unnormalised betweenness centrality over the customer's key
    persons and the §4.2 arcs between them, shortest by cost, no relay rule (networkx
    ``betweenness_centrality(normalized=False, weight="cost")``, not rounded); ``reach`` =
    decision makers other than the person itself whose cheapest path from it over that
    same key-person graph (no relay rule) costs at most ``max_cost``; ``on_best_paths`` =
    decision makers whose best path under the report's perspective passes through the
    person as an intermediate.
    ``employees`` — each employee of the perspective with an edge into the customer (all
    of them in a competitor perspective): ``reach`` = decision makers covered (status not
    ``none``) from that employee alone, ``direct`` = decision makers with an edge from them.
    ``competitors`` — the same per competitor with staff at the customer (only the
    perspective's competitor in a ``competitor:K`` perspective), no relay rule.
    Every list is sorted by id.

``today`` defaults to :func:`datetime.date.today`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel

from ..graph import ALL_COMPETITORS, COMPANY, CustomerGraph, Perspective, PerspectiveKind
from ..model import Influence, Strength
from .context import AnalysisContext, context_of
from .coverage import CoverageResult, coverage
from .degrees import Degree, cooling, degrees
from .exposure import ExposureResult, exposure
from .observed import observed_strengths
from .paths import PathResult
from .rules import DEFAULT_MAX_COST, STANCE_ORDER, closer, is_covered, weight, weighted_share
from .strategy import StrategyAdvice, Template, advice

if TYPE_CHECKING:  # imported where used: importing the analysis package stays cheap
    import networkx as nx

__all__ = [
    "Report",
    "Lines",
    "CustomerLine",
    "ProjectLine",
    "KeyPersonLine",
    "InfluenceLine",
    "InfluencePerson",
    "report",
    "influence_persons",
]

FEATURES = ("closeness", "solution_acceptance", "price_acceptance", "veto", "approver", "reports_to", "influences")


# ---------------------------------------------------------------- models
class CustomerLine(BaseModel):
    customer: str
    name: str
    industry: str
    tier: str
    key_persons: int
    stance_mix: dict[str, int]
    departments: list[str]
    covered_departments: list[str]
    covered_persons: list[str]
    breadth: float | None
    depth: float | None
    transparency: float | None
    decision_makers: list[str]
    coverage: CoverageResult
    exposure: ExposureResult
    cooling: list[str]


class ChainRole(BaseModel):
    person: str
    role: str


class Comparison(BaseModel):
    person: str
    ours_cost: int | None
    ours_path: list[str]
    competitor_cost: int | None
    competitor_path: list[str]
    closer: Literal["ours", "competitor", "equal", "neither"]


class CompetitorCoverage(BaseModel):
    competitor: str
    coverage: float | None
    weighted_coverage: float | None


class ProjectLine(BaseModel):
    project: str
    name: str
    status: str
    stage: str
    amount: float | None
    close_date: date | None
    competitors: list[str]
    members: list[ChainRole]
    coverage: CoverageResult
    exposure: ExposureResult
    comparison: list[Comparison]
    competitor_coverage: list[CompetitorCoverage]
    #: deal health (docs/spec.md §4.8.2): red / amber / green, null unless open
    health: str | None = None


class InfluenceRef(BaseModel):
    source: str
    #: the declared strength (as stored)
    strength: str
    competitor: str | None = None


class OurInfluenceRef(InfluenceRef):
    #: the strength read from the interactions of this pair (docs/spec.md §4.8.5), null when none
    observed_strength: str | None = None


class InfluencedBy(BaseModel):
    internal: list[InfluenceRef]
    ours: list[OurInfluenceRef]
    competitors: list[InfluenceRef]


class ProjectRole(BaseModel):
    project: str
    role: str


class KeyPersonLine(BaseModel):
    person: str
    name: str
    title: str
    department: str
    closeness: str
    solution_acceptance: str
    price_acceptance: str
    veto: str
    approver: str
    reports_to: str | None
    decision_maker: bool
    roles: list[ProjectRole]
    strategy: StrategyAdvice
    paths: dict[str, PathResult]
    influenced_by: InfluencedBy
    influences: list[str]
    interactions: int
    last_interaction: date | None
    degrees: list[Degree]
    cooling: bool


class InfluencePerson(BaseModel):
    person: str
    out_degree: int
    betweenness: float
    reach: int
    on_best_paths: int = 0


class EmployeeReach(BaseModel):
    employee: str
    name: str
    team: str
    reach: int
    direct: int


class CompetitorReach(BaseModel):
    competitor: str
    name: str
    reach: int
    direct: int


class InfluenceLine(BaseModel):
    persons: list[InfluencePerson]
    employees: list[EmployeeReach]
    competitors: list[CompetitorReach]


class Lines(BaseModel):
    customer: CustomerLine
    decision_chain: list[ProjectLine]
    key_person: list[KeyPersonLine]
    influence: InfluenceLine


class Report(BaseModel):
    customer: str
    perspective: str
    max_cost: int
    today: date
    lines: Lines
    #: where the analyses took our ties' strengths from: ``declared`` or ``interactions``
    strength_from: str = "declared"


# ---------------------------------------------------------------- helpers


def _known_features(cg: CustomerGraph) -> int:
    influenced = {i.target for i in cg.influences}
    n = 0
    for p in cg.persons.values():
        n += sum(getattr(p, f).value != "unknown" for f in FEATURES[:5])
        n += bool(p.reports_to)
        n += p.id in influenced
    return n


def key_person_graph(cg: CustomerGraph) -> nx.DiGraph:
    """The customer's key persons and the §4.2 arcs between them (no staff)."""
    return cg.g.subgraph(cg.persons).copy()


def influence_persons(
    cg: CustomerGraph, *, max_cost: int = DEFAULT_MAX_COST, best: dict[str, PathResult] | None = None
) -> list[InfluencePerson]:
    """out_degree, betweenness, reach (and on_best_paths when ``best`` is given) per key person."""
    import networkx as nx

    h = key_person_graph(cg)
    bc = nx.betweenness_centrality(h, normalized=False, weight="cost") if len(h) else {}
    dms = set(cg.decision_makers())
    internal_out: dict[str, set[str]] = {p: set() for p in cg.persons}
    for i in cg.influences:
        if i.source in cg.persons and i.target in cg.persons and i.source != i.target:
            internal_out[i.source].add(i.target)
    on_paths: dict[str, int] = {p: 0 for p in cg.persons}
    if best:
        for d in dms:
            for node in best[d].path[1:-1]:
                if node in on_paths:
                    on_paths[node] += 1
    out = []
    for p in sorted(cg.persons):
        if dms:
            dist = nx.single_source_dijkstra_path_length(h, p, cutoff=max_cost, weight="cost")
            reach = sum(1 for d in dms if d != p and d in dist)
        else:
            reach = 0
        out.append(
            InfluencePerson(
                person=p,
                out_degree=len(internal_out[p]),
                betweenness=float(bc.get(p, 0.0)),
                reach=reach,
                on_best_paths=on_paths[p],
            )
        )
    return out


def _reach(ctx: AnalysisContext, sources: set[str], relay_rule: bool, dms: list[str], max_cost: int) -> tuple[int, int]:
    """(decision makers covered, decision makers with a direct edge) from ``sources`` alone."""
    reach = sum(is_covered(ctx.status_from(d, sources, relay_rule, max_cost)) for d in dms)
    direct = sum(ctx.direct(d, sources) for d in dms)
    return reach, direct


def _cov_values(
    ctx: AnalysisContext, dms: list[str], sources: set[str], max_cost: int
) -> tuple[float | None, float | None]:
    """(coverage, weighted coverage) of ``dms`` from competitor ``sources`` (no relay rule)."""
    covered = [d for d in dms if is_covered(ctx.status_from(d, sources, False, max_cost))]
    return weighted_share({d: weight(ctx.cg.persons[d]) for d in dms}, covered)


# ---------------------------------------------------------------- the report
def report(
    cg: CustomerGraph | AnalysisContext,
    perspective: Perspective = COMPANY,
    *,
    max_cost: int = DEFAULT_MAX_COST,
    today: date | None = None,
    template: Template | None = None,
    declared: Mapping[tuple[str, str], Strength] | None = None,
) -> Report:
    """The four lines of ``cg`` from ``perspective`` (see the module docstring).
    ``max_cost`` applies to every table of the report, exposure included. ``declared``:
    the stored strengths of the influences when ``cg`` was built with observed ones
    (:func:`brmgraph.analysis.observed.strength_from`), so the report can show both."""
    ctx = context_of(cg, max_cost)
    cg = ctx.cg
    today = today or date.today()
    persp_str = str(perspective)
    sources = cg.sources(perspective)
    best = ctx.paths(perspective)
    company = ctx.paths(COMPANY)
    comp_all = ctx.paths(ALL_COMPETITORS)
    ours = best if perspective.ours else company
    dms = cg.decision_makers()

    # ---- customer line
    covered = sorted(p for p in cg.persons if is_covered(ctx.status(p, perspective, max_cost)))
    departments = sorted({p.department for p in cg.persons.values() if p.department})
    cov_depts = sorted({cg.persons[p].department for p in covered if cg.persons[p].department})
    depth = None
    if covered:
        depth = sum(sum(1 for s in sources if cg.has_arc(s, p)) for p in covered) / len(covered)
    mix = dict.fromkeys(STANCE_ORDER, 0)
    for p in cg.persons.values():
        mix[p.closeness.value] += 1
    cool = cooling(cg, today)
    customer_line = CustomerLine(
        customer=cg.id,
        name=cg.customer.name,
        industry=cg.customer.industry,
        tier=cg.customer.tier,
        key_persons=len(cg.persons),
        stance_mix=mix,
        departments=departments,
        covered_departments=cov_depts,
        covered_persons=covered,
        breadth=(len(cov_depts) / len(departments)) if departments else None,
        depth=depth,
        transparency=(_known_features(cg) / (7 * len(cg.persons))) if cg.persons else None,
        decision_makers=dms,
        coverage=coverage(ctx, perspective, max_cost=max_cost),
        exposure=exposure(ctx, max_cost=max_cost),
        cooling=cool,
    )

    # ---- decision-chain line
    projects = []
    for j in sorted(cg.projects.values(), key=lambda j: j.id):
        jdms = cg.project_decision_makers(j.id)
        ids = tuple(sorted(set(j.competitors)))
        theirs = ctx.competitor_paths(ids)
        comparison = [
            Comparison(
                person=d,
                ours_cost=ours[d].cost,
                ours_path=ours[d].path,
                competitor_cost=theirs[d].cost,
                competitor_path=theirs[d].path,
                closer=closer(ours[d].cost, theirs[d].cost),  # type: ignore[arg-type]
            )
            for d in jdms
        ]
        comp_ids = list(ids) or sorted({s.competitor for s in cg.staff.values()})
        comp_cov = []
        for k in comp_ids:
            c, w = _cov_values(ctx, jdms, cg.competitor_sources((k,)), max_cost)
            comp_cov.append(CompetitorCoverage(competitor=k, coverage=c, weighted_coverage=w))
        members = sorted(
            (ChainRole(person=m.person, role=m.role) for m in j.decision_chain), key=lambda m: m.person
        )
        jcov = coverage(ctx, perspective, project=j.id, max_cost=max_cost)
        projects.append(
            ProjectLine(
                project=j.id,
                name=j.name,
                status=j.status.value,
                stage=j.stage,
                amount=j.amount,
                close_date=j.close_date,
                competitors=list(j.competitors),
                members=members,
                coverage=jcov,
                exposure=exposure(ctx, project=j.id, max_cost=max_cost),
                comparison=comparison,
                competitor_coverage=comp_cov,
                health=jcov.health,
            )
        )

    # ---- key-person line
    degs = degrees(cg, today)
    observed = observed_strengths(cg, today)

    def stored(i: Influence) -> str:
        return (declared.get((i.source, i.target), i.strength) if declared is not None else i.strength).value
    roles: dict[str, list[ProjectRole]] = {}
    for j in sorted(cg.projects.values(), key=lambda j: j.id):
        for m in j.decision_chain:
            roles.setdefault(m.person, []).append(ProjectRole(project=j.id, role=m.role))
    dm_set = set(dms)
    people = []
    for pid in sorted(cg.persons):
        p = cg.persons[pid]
        internal, ours_refs, comps = [], [], []
        for i in sorted(cg.influences, key=lambda i: i.source):
            if i.target != pid:
                continue
            if i.source in cg.persons:
                internal.append(InfluenceRef(source=i.source, strength=stored(i)))
            elif i.source in cg.employees:
                obs = observed.get((i.source, i.target))
                ours_refs.append(OurInfluenceRef(source=i.source, strength=stored(i),
                                                 observed_strength=obs.value if obs else None))
            elif i.source in cg.staff:
                comps.append(
                    InfluenceRef(source=i.source, strength=stored(i), competitor=cg.staff[i.source].competitor)
                )
        xs = [x for x in cg.interactions if x.person == pid and x.date <= today]
        paths = {persp_str: best[pid]}
        paths.setdefault(str(COMPANY), company[pid])
        paths.setdefault(str(ALL_COMPETITORS), comp_all[pid])
        people.append(
            KeyPersonLine(
                person=pid,
                name=p.name,
                title=p.title,
                department=p.department,
                closeness=p.closeness.value,
                solution_acceptance=p.solution_acceptance.value,
                price_acceptance=p.price_acceptance.value,
                veto=p.veto.value,
                approver=p.approver.value,
                reports_to=p.reports_to,
                decision_maker=pid in dm_set,
                roles=roles.get(pid, []),
                strategy=advice(p, template),
                paths=paths,
                influenced_by=InfluencedBy(internal=internal, ours=ours_refs, competitors=comps),
                influences=sorted(
                    {i.target for i in cg.influences if i.source == pid and i.target in cg.persons}
                ),
                interactions=len(xs),
                last_interaction=max((x.date for x in xs), default=None),
                degrees=[d for d in degs if d.person == pid],
                cooling=pid in cool,
            )
        )

    # ---- influence line
    persons = influence_persons(cg, max_cost=max_cost, best=best)
    emp_ids = sorted(sources) if perspective.ours else sorted(cg.employees)
    employees = []
    for e in emp_ids:
        r, d = _reach(ctx, {e}, True, dms, max_cost)
        emp = cg.employees[e]
        employees.append(EmployeeReach(employee=e, name=emp.name, team=emp.team, reach=r, direct=d))
    if perspective.kind is PerspectiveKind.competitor and perspective.value and perspective.value != "*":
        only = perspective.value
        comp_ids = [only] if any(s.competitor == only for s in cg.staff.values()) else []
    else:
        comp_ids = sorted({s.competitor for s in cg.staff.values()})
    competitors = []
    for k in comp_ids:
        r, d = _reach(ctx, cg.competitor_sources([k]), False, dms, max_cost)
        name = cg.competitors[k].name if k in cg.competitors else ""
        competitors.append(CompetitorReach(competitor=k, name=name, reach=r, direct=d))

    return Report(
        customer=cg.id,
        perspective=persp_str,
        max_cost=max_cost,
        today=today,
        strength_from="declared" if declared is None else "interactions",
        lines=Lines(
            customer=customer_line,
            decision_chain=projects,
            key_person=people,
            influence=InfluenceLine(persons=persons, employees=employees, competitors=competitors),
        ),
    )

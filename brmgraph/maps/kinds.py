"""The four maps of the BRM method, built from customer graphs."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from ..analysis.rules import DEFAULT_MAX_COST
from ..errors import BadArgument, NotFound
from ..graph import COMPANY, CustomerGraph, Perspective
from ..model import CompetitorStaff, Employee
from .builder import Builder
from .cards import name_of, pct
from .facts import Facts
from .focus import focus_nodes
from .layout import org_chart, org_levels, tree_readable
from .result import RelationshipMap
from .style import (
    EDGE_EXTERNAL,
    EDGE_INTERNAL,
    EDGE_REACHES,
    EDGE_REPORTS,
    EDGE_WORKS_AT,
    EDGE_WORKS_FOR,
    EXPOSED_FILL,
    NOT_REACHED_FILL,
    bi,
)


# --------------------------------------------------------------------------- maps
def check_ours(perspective: Perspective, what: str) -> None:
    if not perspective.ours:
        raise BadArgument(f"the {what} map draws our side; use `brmgraph map competitor <id>` for a competitor's relationships")


def customer_map(
    cg: CustomerGraph,
    perspective: Perspective = COMPANY,
    *,
    today: date | None = None,
    max_cost: int = DEFAULT_MAX_COST,
    lang: str | None = None,
    focus: str | None = None,
) -> RelationshipMap:
    """A customer's relationship map: org chart plus every influence edge.

    ``focus`` (``project:J`` or ``person:P[:hops]``, see :mod:`.focus`) keeps only that
    part of the map.

    Nodes: all key persons of the customer, and every employee and competitor staff
    member with an influence edge into them. Edges: one per reporting line and one per
    influence edge. Highlighted: the best paths of ``perspective`` to the customer's
    decision makers.
    """
    t0 = time.perf_counter()
    today = today or date.today()
    facts = Facts(cg, perspective, today=today, max_cost=max_cost, lang=lang)
    keep = focus_nodes(cg, facts, focus) if focus else None
    b = Builder(lang)
    levels = org_levels(cg, cg.persons)
    has_org = tree_readable(levels, len(cg.employees) + len(cg.staff))
    for pid in sorted(cg.persons):
        b.key_person(facts, pid, level=levels.get(pid) if has_org else None)
    comp_names = {k: (c.name or k) for k, c in cg.competitors.items()}
    for eid in sorted(cg.employees):
        b.employee(cg.employees[eid], [facts], level=0 if has_org else None)
    for sid in sorted(cg.staff):
        s = cg.staff[sid]
        b.staff(s, comp_names.get(s.competitor, s.competitor), [facts], level=0 if has_org else None)
    b.relation_edges(cg)
    _highlight_members(b, facts)
    _attach_all_paths(b, facts)
    cov = facts.coverage
    summary = [
        f"{len(cg.persons)} key persons, {len(cg.employees)} of our employees, {len(cg.staff)} competitor staff",
        f"decision makers {len(cov.members)} · coverage {pct(cov.coverage)} · weighted {pct(cov.weighted_coverage)} ({cov.perspective}, max cost {cov.max_cost})",
        f"exposed veto holders/approvers {len(facts.exposure.exposed)} · not yet assessed {len(facts.exposure.unassessed)}",
    ]
    name = cg.customer.name or cg.id
    if focus:
        summary.append(f"focus {focus}: {len(keep or ())} of {len(b.ids)} people shown")
    m = b.result(
        kind="customer",
        lang=lang,
        scope={"customer": cg.id},
        max_cost=max_cost,
        title=bi("Customer relationship map 客户关系图谱", lang) + f" — {name} ({cg.id})",
        subtitle=f"perspective {perspective} · as of {today.isoformat()}",
        perspective=str(perspective),
        hierarchical=has_org,
        summary=summary,
    )
    if keep is not None:
        m.restrict(keep)
        m.title += f" · focus {focus}"
    _org_place(m, cg, core_view=keep is None)
    m.build_seconds = time.perf_counter() - t0
    return m


def _highlight_members(b: Builder, facts: Facts, *, reached_only: bool = False) -> None:
    """Draw the best path to each decision maker: solid when reached, dashed grey with its
    cost when it is over the limit (unless ``reached_only``). Each drawn path goes into
    the page's data contract."""
    for m in facts.coverage.members:
        if not m.path or (reached_only and m.status == "none"):
            continue
        if not all(x in b.ids for x in m.path):
            continue
        b.highlight(facts.steps(m.person), within_budget=m.status != "none", cost=m.cost)
        b.paths.append(
            {"target": m.person, "path": list(m.path), "cost": m.cost, "within_budget": m.cost is not None and m.cost <= facts.max_cost}
        )


def _attach_all_paths(b: Builder, facts: Facts) -> None:
    """Give every drawn key person its own best path (shown when the node is clicked)."""
    for pid, res in facts.paths.items():
        if pid in b.ids and res.path and all(x in b.ids for x in res.path):
            b.attach_path(pid, b.path_edge_ids(facts.steps(pid)), res.path)


def project_map(
    cg: CustomerGraph,
    project_id: str,
    perspective: Perspective = COMPANY,
    *,
    today: date | None = None,
    max_cost: int = DEFAULT_MAX_COST,
    lang: str | None = None,
) -> RelationshipMap:
    """A project's decision chain.

    Nodes: the chain's members; everyone with an influence edge into a member (key
    persons, our employees, competitor staff); every node on the best path of
    ``perspective`` to a member. Edges: reporting lines and influence edges among those
    nodes. Highlighted: those best paths.
    """
    t0 = time.perf_counter()
    if project_id not in cg.projects:
        raise NotFound(f"unknown project {project_id!r} at customer {cg.id!r}")
    today = today or date.today()
    j = cg.projects[project_id]
    facts = Facts(cg, perspective, today=today, max_cost=max_cost, project=project_id, lang=lang)
    members = [m.person for m in facts.coverage.members]
    include: set[str] = set(members)
    for i in cg.influences:
        if i.target in members:
            include.add(i.source)
    for member in facts.coverage.members:
        include.update(member.path)
    persons = sorted(x for x in include if x in cg.persons)
    levels = org_levels(cg, persons)
    has_org = any(cg.persons[x].reports_to in include for x in persons) and tree_readable(
        levels, sum(1 for x in include if x not in cg.persons)
    )
    b = Builder(lang)
    roles = {m.person: m.role for m in j.decision_chain}
    for pid in persons:
        b.key_person(facts, pid, level=levels.get(pid) if has_org else None, role=roles.get(pid, ""))
    comp_names = {k: (c.name or k) for k, c in cg.competitors.items()}
    for x in sorted(include):
        if x in cg.employees:
            b.employee(cg.employees[x], [facts], level=0 if has_org else None)
        elif x in cg.staff:
            s = cg.staff[x]
            b.staff(s, comp_names.get(s.competitor, s.competitor), [facts], level=0 if has_org else None)
    b.relation_edges(cg)
    _highlight_members(b, facts)
    _attach_all_paths(b, facts)
    cov = facts.coverage
    rivals = ", ".join(comp_names.get(k, k) for k in j.competitors) or "none listed"
    summary = [
        f"{len(members)} decision-chain members · coverage {pct(cov.coverage)} · weighted {pct(cov.weighted_coverage)} ({cov.perspective}, max cost {cov.max_cost})",
        f"exposed {len(facts.exposure.exposed)} · not yet assessed {len(facts.exposure.unassessed)} · competitors: {rivals}",
        f"status {j.status.value}" + (f" · stage {j.stage}" if j.stage else "") + (f" · amount {j.amount:,.0f}" if j.amount is not None else "")
        + (f" · health {cov.health}" if cov.health else ""),
    ]
    m = b.result(
        kind="project",
        lang=lang,
        scope={"project": project_id},
        max_cost=max_cost,
        title=bi("Project decision chain 项目决策链", lang) + f" — {j.name or j.id} ({j.id}) at {cg.customer.name or cg.id}",
        subtitle=f"perspective {perspective} · as of {today.isoformat()}",
        perspective=str(perspective),
        hierarchical=has_org,
        summary=summary,
    )
    _org_place(m, cg, core_view=False)
    m.build_seconds = time.perf_counter() - t0
    return m


#: customers with more key persons than this open on the decision makers and their paths
BIG_CUSTOMER = 40


def _org_place(m: RelationshipMap, cg: CustomerGraph, *, core_view: bool) -> None:
    """Computed org-chart positions for a customer or project map. For a big customer the
    page opens on its decision makers, exposed veto holders / approvers and the people on
    the best paths to them, laid out on their own; everyone else is one click away."""
    drawn = [n["id"] for n in m.nodes]
    bands = (
        ("Our employees", [x for x in drawn if x in cg.employees]),
        ("Competitor staff", [x for x in drawn if x in cg.staff]),
    )
    persons = [x for x in drawn if x in cg.persons]
    pos, groups = org_chart(cg, persons, bands)
    m.place(pos, groups)
    if not core_view or len(persons) <= BIG_CUSTOMER:
        return
    core: set[str] = {c["id"] for c in m.contract_nodes if c["decision_maker"] or c["reasons"]}
    for path in m.contract_paths:
        core.update(path["path"])
    core &= set(drawn)
    if not core or len(core) >= 0.8 * len(drawn):
        return
    cpos, cgroups = org_chart(
        cg, [x for x in persons if x in core], tuple((h, [x for x in ids if x in core]) for h, ids in bands)
    )
    m.views["core"] = {
        "ids": sorted(core),
        "pos": {k: list(v) for k, v in cpos.items()},
        "groups": cgroups,
        "label": f"decision makers and the paths to them ({len(core)} of {len(drawn)})",
    }
    m.start_view = "core"


def _reach_plan(
    cgs: Sequence[CustomerGraph],
    perspective: Perspective,
    sources: set[str],
    *,
    today: date,
    max_cost: int,
    gaps: bool = False,
    lang: str | None = None,
) -> tuple[list[Facts], int, int, list[tuple[Facts, list[str]]]]:
    """Shared by the company and competitor maps: per customer, the key persons the
    ``sources`` influence directly, the decision makers the perspective reaches (status
    not ``none``) and the key persons on those best paths, plus a customer hub node.
    With ``gaps`` (our company map) every decision maker we do not reach is drawn too,
    also at customers none of the ``sources`` touches."""
    facts_list: list[Facts] = []
    reached_total = dm_total = 0
    plan: list[tuple[Facts, list[str]]] = []
    for cg in cgs:
        if not gaps and not (set(cg.employees) | set(cg.staff)) & sources:
            continue
        facts = Facts(cg, perspective, today=today, max_cost=max_cost, lang=lang)
        include: set[str] = {i.target for i in cg.influences if i.source in sources}
        reached = facts.reached()
        dm_total += len(facts.coverage.members)
        reached_total += len(reached)
        for m in facts.coverage.members:
            if m.status != "none":
                include.add(m.person)
                include.update(x for x in m.path if x in cg.persons)
            elif gaps:
                include.add(m.person)
        if not include:
            continue
        facts_list.append(facts)
        plan.append((facts, sorted(include)))
    return facts_list, reached_total, dm_total, plan


def _draw_reach(b: Builder, plan: list[tuple[Facts, list[str]]], sources: set[str]) -> None:
    for facts, persons in plan:
        cg = facts.cg
        hub = f"customer:{cg.id}"
        cov = facts.coverage
        b.hub(
            hub,
            "customer",
            f"{cg.customer.name or cg.id}",
            {
                "h": f"{cg.customer.name or cg.id} ({cg.id})",
                "sub": bi("customer 客户", b.lang) + (f" · tier {cg.customer.tier}" if cg.customer.tier else "") + (f" · {cg.customer.industry}" if cg.customer.industry else ""),
                "rows": [
                    [bi("Key persons 关键人", b.lang), str(len(cg.persons))],
                    [bi("Decision makers 决策人", b.lang), str(len(cov.members))],
                    [f"Coverage ({cov.perspective})", f"{pct(cov.coverage)} · weighted {pct(cov.weighted_coverage)}"],
                    [bi("Open projects 进行中项目", b.lang), ", ".join(j.id for j in cg.open_projects()) or "—"],
                ],
            },
        )
        for pid in persons:
            b.key_person(facts, pid)
            b.edge(f"w:{pid}>{cg.id}", pid, hub, EDGE_WORKS_AT, title=f"{name_of(cg, pid)} works at {cg.customer.name or cg.id}")
        # only edges whose source is a perspective source, or between drawn key persons
        for p in sorted(cg.persons.values(), key=lambda p: p.id):
            if p.id in b.ids and p.reports_to and p.reports_to in b.ids:
                b.edge(f"r:{p.reports_to}>{p.id}", p.reports_to, p.id, EDGE_REPORTS, title=f"{name_of(cg, p.id)} reports to {name_of(cg, p.reports_to)}")
        for i in sorted(cg.influences, key=lambda i: (i.source, i.target)):
            internal = i.source in cg.persons
            if not internal and i.source not in sources:
                continue
            b.edge(
                f"{'i' if internal else 'x'}:{i.source}>{i.target}",
                i.source,
                i.target,
                EDGE_INTERNAL if internal else EDGE_EXTERNAL,
                strength=i.strength.value,
                ours=i.source in cg.employees,
                title=f"{name_of(cg, i.source)} → {name_of(cg, i.target)}: {'internal' if internal else 'external'} influence, {i.strength.value}",
            )
        _highlight_members(b, facts, reached_only=True)
        _attach_all_paths(b, facts)


def company_map(
    cgs: Iterable[CustomerGraph],
    perspective: Perspective = COMPANY,
    *,
    employees: Iterable[Employee] | None = None,
    today: date | None = None,
    max_cost: int = DEFAULT_MAX_COST,
    lang: str | None = None,
    aggregate: bool | None = None,
) -> RelationshipMap:
    """Our relationship resources across customers.

    With more than :data:`AGGREGATE_OVER` customers to draw (or ``aggregate=True``) the
    map is aggregated: one node per customer with its coverage and its gaps, opened on
    click (see :func:`_draw_aggregate`).

    Nodes: our employees of ``perspective`` (all of ``employees`` that belong to it, even
    those who reach nobody, when given; otherwise those found in ``cgs``); per customer
    they touch, a customer node, the key persons they influence directly, the decision
    makers the perspective reaches (coverage not ``none``) and the key persons relaying
    those best paths. Edges: our external influence edges, internal influence and
    reporting among drawn key persons, and ``works at`` from each key person to its
    customer. Highlighted: the best paths to the reached decision makers.
    """
    t0 = time.perf_counter()
    check_ours(perspective, "company")
    today = today or date.today()
    cgs = list(cgs)
    pool: dict[str, Employee] = {}
    for cg in cgs:
        pool.update(cg.employees)
    if employees is not None:
        pool.update({e.id: e for e in employees})
    chosen = {eid: e for eid, e in pool.items() if _employee_in(e, perspective)}
    b = Builder(lang)
    facts_list, reached, dms, plan = _reach_plan(cgs, perspective, set(chosen), today=today, max_cost=max_cost, gaps=True, lang=lang)
    agg = len(plan) > AGGREGATE_OVER if aggregate is None else aggregate
    for eid in sorted(chosen):
        b.employee(chosen[eid], facts_list, compact=agg)
    expand = _draw_aggregate(b, plan, set(chosen), gaps=True) if agg else None
    if not agg:
        _draw_reach(b, plan, set(chosen))
    drawn = (
        "one node per customer (click one to open its decision makers and the paths to them)"
        if agg
        else f"{sum(1 for n in b.net.nodes if n['kind'] == 'key_person')} key persons drawn"
    )
    summary = [
        f"{len(chosen)} employees · {len(plan)} customers reached · {drawn}",
        f"decision makers reached within cost {max_cost}: {reached} of {dms}",
    ]
    missing = [f"{name_of(f.cg, m.person)} ({m.person}) @ {f.cg.customer.name or f.cg.id}" for f in facts_list for m in f.coverage.members if m.status == "none"]
    if missing:
        summary.append(f"NOT REACHED ({len(missing)}): " + "; ".join(missing[:8]) + (f"; … {len(missing) - 8} more" if len(missing) > 8 else ""))
    m = b.result(
        kind="company",
        lang=lang,
        scope={"customers": [f.cg.id for f in facts_list]},
        max_cost=max_cost,
        title=bi("Our relationship resources 我司关系资源图谱", lang) + ("" if perspective.kind == "company" else f" — {perspective}"),
        subtitle=f"perspective {perspective} · as of {today.isoformat()}",
        perspective=str(perspective),
        hierarchical=False,
        summary=summary,
    )
    if expand is not None:
        _aggregate_place(m, expand, "Our employees", sorted(chosen))
    m.build_seconds = time.perf_counter() - t0
    return m


def _employee_in(e: Employee, p: Perspective) -> bool:
    if p.kind == "company":
        return True
    if p.kind == "individual":
        return e.id == p.value
    if p.kind == "team":
        return e.team == p.value
    return False


def competitor_map(
    cgs: Iterable[CustomerGraph],
    competitor_id: str,
    *,
    staff: Iterable[CompetitorStaff] | None = None,
    competitor_name: str | None = None,
    today: date | None = None,
    max_cost: int = DEFAULT_MAX_COST,
    lang: str | None = None,
    aggregate: bool | None = None,
) -> RelationshipMap:
    """A competitor's relationship resources, drawn like :func:`company_map` from the
    perspective ``competitor:<id>``, plus a competitor node its staff work for."""
    t0 = time.perf_counter()
    today = today or date.today()
    perspective = Perspective("competitor", competitor_id)
    cgs = list(cgs)
    pool: dict[str, CompetitorStaff] = {}
    name = competitor_name
    bids: list[str] = []
    for cg in cgs:
        pool.update({k: v for k, v in cg.staff.items() if v.competitor == competitor_id})
        if competitor_id in cg.competitors and not name:
            name = cg.competitors[competitor_id].name
        bids += [j.id for j in cg.projects.values() if competitor_id in j.competitors]
    if staff is not None:
        pool.update({s.id: s for s in staff if s.competitor == competitor_id})
    name = name or competitor_id
    b = Builder(lang)
    facts_list, reached, dms, plan = _reach_plan(cgs, perspective, set(pool), today=today, max_cost=max_cost, lang=lang)
    hub = f"competitor:{competitor_id}"
    b.hub(
        hub,
        "competitor",
        name,
        {
            "h": f"{name} ({competitor_id})",
            "sub": bi("competitor 友商", lang),
            "rows": [[bi("Staff 员工", b.lang), str(len(pool))], [bi("Bids on 参与项目", b.lang), ", ".join(sorted(bids)) or "—"]],
        },
    )
    agg = len(plan) > AGGREGATE_OVER if aggregate is None else aggregate
    for sid in sorted(pool):
        b.staff(pool[sid], name, facts_list, compact=agg)
        b.edge(f"f:{sid}>{competitor_id}", sid, hub, EDGE_WORKS_FOR, title=f"{pool[sid].name or sid} works for {name}")
    expand = _draw_aggregate(b, plan, set(pool), gaps=False) if agg else None
    if not agg:
        _draw_reach(b, plan, set(pool))
    summary = [
        f"{len(pool)} staff · {len(plan)} customers reached · bids on {len(set(bids))} project(s)",
        f"decision makers reached within cost {max_cost}: {reached} of {dms} in the customers drawn",
    ]
    m = b.result(
        kind="competitor",
        lang=lang,
        scope={"competitor": competitor_id, "customers": [f.cg.id for f in facts_list]},
        max_cost=max_cost,
        title=bi("Competitor relationships 友商关系资源图谱", lang) + f" — {name} ({competitor_id})",
        subtitle=f"perspective {perspective} · as of {today.isoformat()}",
        perspective=str(perspective),
        hierarchical=False,
        summary=summary,
        build_seconds=time.perf_counter() - t0,
    )
    if expand is not None:
        _aggregate_place(m, expand, f"{name} staff", [hub, *sorted(pool)])
    m.build_seconds = time.perf_counter() - t0
    return m


# --------------------------------------------------------------------------- aggregated maps
#: company / competitor maps with more customers than this draw one node per customer
AGGREGATE_OVER = 25


_DROP_EDGE = frozenset({"title", "base_width", "travel"})
_DROP_NODE = frozenset({"customer", "closeness", "veto", "approver", "reached"})


def _draw_aggregate(b: Builder, plan: list[tuple[Facts, list[str]]], sources: set[str], *, gaps: bool) -> dict[str, dict[str, Any]]:
    """One node per customer (its coverage, and with ``gaps`` a NOT REACHED badge counting
    the decision makers we do not reach), one hidden ``reaches`` edge per source and
    customer (shown when the source is clicked), and per customer what a click opens: its
    decision makers and the key persons and sources on the best paths to them, laid out
    as an org chart, with short cards. Returns that per customer hub."""
    from .layout import org_chart

    expand: dict[str, dict[str, Any]] = {}
    for facts, _persons in plan:
        cg = facts.cg
        hub = f"customer:{cg.id}"
        cov = facts.coverage
        name = cg.customer.name or cg.id
        missing = [m.person for m in cov.members if m.status == "none"]
        exposed = sorted(facts.exposed)
        label = f"{name}\n{pct(cov.coverage)} covered"
        if gaps and missing:
            label += f" · {len(missing)} not reached"
        rows: list[list[Any]] = [
            ["Key persons", str(len(cg.persons))],
            ["Decision makers", str(len(cov.members))],
            [f"Coverage ({cov.perspective})", f"{pct(cov.coverage)} · weighted {pct(cov.weighted_coverage)}"],
        ]
        if gaps:
            rows.append([f"NOT REACHED ({len(missing)})", [f"{name_of(cg, x)} ({x})" for x in missing[:10]] + (["…"] if len(missing) > 10 else []) or ["—"]])
            rows.append([f"Exposed ({len(exposed)})", [f"{name_of(cg, x)} ({x}): {', '.join(facts.exposed[x])}" for x in exposed[:10]] or ["—"]])
        rows.append(["Open projects", ", ".join(j.id for j in cg.open_projects()) or "—"])
        rows.append(["", "click to open: decision makers and the paths to them"])
        b.hub(hub, "customer", label, {"h": f"{name} ({cg.id})", "sub": "customer" + (f" · {cg.customer.industry}" if cg.customer.industry else ""), "rows": rows})
        node = b.net.node_map[hub]
        if gaps and missing:
            node["badge"], node["badge_colour"] = f"{len(missing)} NOT REACHED", NOT_REACHED_FILL
        elif gaps and exposed:
            node["badge"], node["badge_colour"] = f"{len(exposed)} EXPOSED", EXPOSED_FILL
        b.contract[hub].update(
            coverage=cov.coverage, weighted_coverage=cov.weighted_coverage, decision_makers=len(cov.members), not_reached=missing, exposed=exposed
        )
        counts: dict[str, int] = {}
        for i in cg.influences:
            if i.source in sources and i.target in cg.persons:
                counts[i.source] = counts.get(i.source, 0) + 1
        for src, n in sorted(counts.items()):
            b.edge(f"a:{src}>{cg.id}", src, hub, EDGE_REACHES, title=f"{b.names.get(src, src)} influences {n} key person{'s' if n != 1 else ''} at {name}")
            b.edge_by_id[f"a:{src}>{cg.id}"].update(hidden=True, width=1 + min(n, 6))
        # what a click opens
        x = Builder(b.lang)
        people: set[str] = set()
        for m in cov.members:
            if m.status != "none" or gaps:
                people.add(m.person)
                if m.status != "none":
                    people.update(m.path)
        persons = sorted(p for p in people if p in cg.persons)
        others = sorted(p for p in people if p not in cg.persons)
        for pid in persons:
            x.key_person(facts, pid, compact=True)
        for oid in others:
            if oid in cg.employees:
                x.employee(cg.employees[oid], [facts], compact=True)
            elif oid in cg.staff:
                x.staff(cg.staff[oid], oid, [facts], compact=True)
        x.relation_edges(cg)
        _highlight_members(x, facts, reached_only=not gaps)
        _attach_all_paths(x, facts)
        pos, groups = org_chart(cg, persons, (("Customer", [hub]), ("Sources on the paths", others)))
        # only what the opened view needs: reporting lines and the steps of best paths
        kept = [{k: v for k, v in e.items() if k not in _DROP_EDGE} for e in x.net.edges if e.get("on_path") or e["kind"] == EDGE_REPORTS]
        kept_ids = {e["id"] for e in kept}
        nodes_out = []
        for node in x.net.nodes:
            slim = {k: v for k, v in node.items() if k not in _DROP_NODE}
            if "path_edges" in slim and not set(slim["path_edges"]) <= kept_ids:
                del slim["path_edges"], slim["path_nodes"]
            nodes_out.append(slim)
        expand[hub] = {
            "nodes": nodes_out,
            "edges": kept,
            "ids": [hub, *persons, *others],
            "pos": {k: list(v) for k, v in pos.items()},
            "groups": groups,
            "label": f"{name}: {len(cov.members)} decision makers and the paths to them",
        }
    return expand


def _aggregate_place(m: RelationshipMap, expand: dict[str, dict[str, Any]], band: str, band_ids: list[str]) -> None:
    """Positions for an aggregated map: the sources in a band on top, the customers below
    in a grid, the ones with the most gaps first."""
    from .layout import grid_bands

    info = {c["id"]: c for c in m.contract_nodes}
    hubs = sorted(
        expand,
        key=lambda h: (-len(info[h].get("not_reached", [])), info[h].get("coverage") if info[h].get("coverage") is not None else 2, h),
    )
    pos, groups = grid_bands(((band, [x for x in band_ids if any(n["id"] == x for n in m.nodes)]), (f"Customers ({len(hubs)}), most gaps first", hubs)))
    m.place(pos, groups)
    m.expand = expand

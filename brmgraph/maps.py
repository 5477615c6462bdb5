"""Interactive relationship maps: self-contained HTML drawn with pyvis / vis-network.

This module only *draws*. Every figure it shows (best paths, coverage status, exposure
reasons, strategies, relationship degrees) comes from :mod:`brmgraph.analysis`; arcs and
their costs come from :class:`~brmgraph.graph.CustomerGraph`.

The four maps of the BRM method:

==============  ========================================================================
``customer``    one customer: its org chart (reporting lines) plus every influence edge
                into and between its key persons, ours and competitors' (客户关系图谱)
``project``     one project: its decision-chain members, everyone who influences them,
                and the key persons on our best paths to them (项目决策链图谱)
``company``     our employees (of a perspective) and whom they reach across all
                customers: key persons they influence directly and decision makers they
                reach within ``max_cost``, with the key persons relaying those paths
                (我司关系资源图谱)
``competitor``  one competitor's staff and whom they reach, the same way (友商关系资源图谱)
==============  ========================================================================

Every map is one HTML file with vis-network inlined (from the copy pyvis ships): it
opens offline and makes no network request. Build a map with one of the ``*_map``
functions (or :func:`map_from_store`), then call :meth:`RelationshipMap.html` or
:meth:`RelationshipMap.write`.

>>> from brmgraph.model import Dataset
>>> from brmgraph.graph import CustomerGraph
>>> ds = Dataset.model_validate({
...     "customers": [{"id": "C1", "name": "Huaxin Bank"}],
...     "key_persons": [{"id": "P1", "customer": "C1", "veto": "yes", "reports_to": "P2"},
...                     {"id": "P2", "customer": "C1", "closeness": "support"}],
...     "employees": [{"id": "E1", "team": "East"}],
...     "influences": [{"source": "E1", "target": "P2", "strength": "strong"}]})
>>> m = customer_map(CustomerGraph.from_dataset(ds, "C1"))
>>> m.counts()
{'nodes': 3, 'edges': 2}
>>> sorted(e["kind"] for e in m.edges)
['influences_external', 'reports_to']
>>> [e["id"] for e in m.edges if e.get("on_path")]
['r:P2>P1', 'x:E1>P2']
"""

from __future__ import annotations

import html as _html
import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Sequence

from .errors import BadArgument, NotFound
from .graph import (
    ARC_EXTERNAL,
    ARC_INTERNAL,
    ARC_REPORTS_DOWN,
    ARC_REPORTS_UP,
    COMPANY,
    CustomerGraph,
    Perspective,
)
from .model import Employee, CompetitorStaff, KeyPerson, Stance, Strength

__all__ = [
    "MAP_KINDS",
    "RelationshipMap",
    "customer_map",
    "project_map",
    "company_map",
    "competitor_map",
    "map_from_store",
    "CLOSENESS_COLOURS",
]

MAP_KINDS = ("customer", "project", "company", "competitor")

# --------------------------------------------------------------------------- style
#: closeness → fill colour, a diverging red–blue scale (ColorBrewer RdBu) with grey for unknown
CLOSENESS_COLOURS: dict[str, str] = {
    "strong_oppose": "#b2182b",
    "oppose": "#ef8a62",
    "neutral": "#f7f7f7",
    "support": "#67a9cf",
    "strong_support": "#2166ac",
    "unknown": "#bdbdbd",
}
KP_BORDER = "#4d4d4d"
VETO_BORDER = "#67001f"  # dark crimson frame + diamond shape
APPROVER_BORDER = "#d4a017"  # gold frame + star shape
EMPLOYEE_FILL, EMPLOYEE_BORDER = "#1b9e77", "#0b5e46"
STAFF_FILL, STAFF_BORDER = "#7b3294", "#40004b"
CUSTOMER_FILL = "#525252"
COMPETITOR_FILL = "#40004b"
PATH_COLOUR = "#ff8c00"

EDGE_REPORTS = "reports_to"
EDGE_INTERNAL = ARC_INTERNAL
EDGE_EXTERNAL = ARC_EXTERNAL
EDGE_WORKS_AT = "works_at"
EDGE_WORKS_FOR = "works_for"

STRENGTH_WIDTH = {"strong": 5.0, "medium": 2.5, "weak": 1.0}
EDGE_STYLE: dict[str, dict[str, Any]] = {
    EDGE_REPORTS: {"color": "#636363", "dashes": False},
    EDGE_INTERNAL: {"color": "#c51b7d", "dashes": [8, 5], "smooth": {"enabled": True, "type": "curvedCW", "roundness": 0.18}},
    "external_ours": {"color": EMPLOYEE_FILL, "dashes": False},
    "external_theirs": {"color": STAFF_FILL, "dashes": False},
    EDGE_WORKS_AT: {"color": "#d0d0d0", "dashes": [2, 4], "arrows": ""},
    EDGE_WORKS_FOR: {"color": "#c2a5cf", "dashes": [2, 4], "arrows": ""},
}

ROLE_ZH = {"decision_maker": "决策者", "approver": "批准人", "influencer": "影响者", "user": "使用者", "evaluator": "评估者"}
FEATURE_ROWS = (
    ("closeness", "Closeness 关系紧密度"),
    ("solution_acceptance", "Solution acceptance 方案认可度"),
    ("price_acceptance", "Price acceptance 价格接受度"),
    ("veto", "Veto holder 一票否决人"),
    ("approver", "Sole approver 一票批准人"),
)


# --------------------------------------------------------------------------- result
@dataclass
class RelationshipMap:
    """A drawn map: vis-network nodes and edges plus the page around them.

    ``nodes`` and ``edges`` are the vis data exactly as the page receives them; each
    carries a ``kind`` (``key_person``, ``employee``, ``competitor_staff``, ``customer``,
    ``competitor``; ``reports_to``, ``influences_internal``, ``influences_external``,
    ``works_at``, ``works_for``) so callers and tests can count what is drawn.
    """

    kind: str
    title: str
    subtitle: str
    perspective: str
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    hierarchical: bool = False
    summary: list[str] = field(default_factory=list)
    build_seconds: float = 0.0

    def counts(self) -> dict[str, int]:
        return {"nodes": len(self.nodes), "edges": len(self.edges)}

    def count_by_kind(self) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for n in self.nodes:
            out[n["kind"]] += 1
        for e in self.edges:
            out[e["kind"]] += 1
        return dict(sorted(out.items()))

    def options(self) -> dict[str, Any]:
        return _vis_options(len(self.nodes), self.hierarchical)

    def html(self) -> str:
        """The whole page: one self-contained HTML document."""
        return _render(self)

    def write(self, path: str | Path) -> Path:
        p = Path(path)
        if p.parent and not p.parent.exists():
            raise NotFound(f"folder {p.parent} does not exist")
        p.write_text(self.html(), encoding="utf-8")
        return p

    def _repr_html_(self) -> str:  # Jupyter: show the map in an iframe
        doc = _html.escape(self.html(), quote=True)
        return f'<iframe srcdoc="{doc}" style="width:100%;height:720px;border:1px solid #ddd"></iframe>'


# --------------------------------------------------------------------------- facts
class _Facts:
    """Everything the analysis modules say about one customer, under one perspective."""

    def __init__(
        self,
        cg: CustomerGraph,
        perspective: Perspective,
        *,
        today: date,
        max_cost: int,
        project: str | None = None,
    ) -> None:
        from .analysis.coverage import coverage
        from .analysis.degrees import cooling, degrees
        from .analysis.exposure import exposure
        from .analysis.paths import best_paths
        from .analysis.strategy import advice

        self.cg = cg
        self.perspective = perspective
        self.paths = best_paths(cg, perspective)
        self.coverage = coverage(cg, perspective, project=project, max_cost=max_cost)
        self.members = {m.person: m for m in self.coverage.members}
        self.exposure = exposure(cg, project=project)
        self.exposed = {x.person: x.reasons for x in self.exposure.exposed}
        self.unassessed = set(self.exposure.unassessed)
        self.advice = {pid: advice(p) for pid, p in cg.persons.items()}
        self.degrees = degrees(cg, today)
        self.cooling = set(cooling(cg, today))
        self.by_person: dict[str, list] = defaultdict(list)
        self.by_employee: dict[str, list] = defaultdict(list)
        for d in self.degrees:
            self.by_person[d.person].append(d)
            self.by_employee[d.employee].append(d)
        self.roles: dict[str, list[str]] = defaultdict(list)
        for j in sorted(cg.projects.values(), key=lambda j: j.id):
            for m in j.decision_chain:
                self.roles[m.person].append(f"{j.id}: {m.role or 'member'}")

    def reached(self) -> list[str]:
        """Decision makers whose coverage status is not ``none``."""
        return [m.person for m in self.coverage.members if m.status != "none"]


# --------------------------------------------------------------------------- builder
class _Builder:
    """Collects nodes and edges (through a pyvis ``Network``) and path highlights."""

    def __init__(self) -> None:
        from pyvis.network import Network

        self.net = Network(directed=True, cdn_resources="in_line")
        self.ids: set[str] = set()
        self.edge_ids: set[str] = set()
        self.edges_by_pair: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        self.names: dict[str, str] = {}

    # nodes ---------------------------------------------------------------
    def _add_node(self, nid: str, **options: Any) -> None:
        if nid in self.ids:
            return
        self.ids.add(nid)
        label = options.pop("label")
        shape = options.pop("shape")
        color = options.pop("color")
        self.net.add_node(nid, label=label, shape=shape, color=color, **options)

    def key_person(self, facts: _Facts, pid: str, *, level: int | None = None, show_customer: bool = False, role: str = "") -> None:
        if pid in self.ids:
            return
        cg = facts.cg
        p: KeyPerson = cg.persons[pid]
        self.names[pid] = p.name or pid
        veto = p.veto.value == "yes"
        approver = p.approver.value == "yes"
        member = facts.members.get(pid)
        shape = "diamond" if veto else "star" if approver else "dot"
        border = VETO_BORDER if veto else APPROVER_BORDER if approver else KP_BORDER
        fill = CLOSENESS_COLOURS[p.closeness.value]
        badges = []
        if veto:
            badges.append("VETO")
        if approver:
            badges.append("APPROVER")
        title_line = p.title if len(p.title) <= 30 else p.title[:29] + "…"
        label = p.name or pid
        if title_line:
            label += "\n" + title_line
        if badges or role:
            label += "\n[" + " ".join(([role] if role else []) + badges) + "]"
        if show_customer:
            label += f"\n@ {cg.customer.name or cg.id}"
        size = 16 + (6 if member is not None else 0) + (4 if veto or approver else 0)
        opts: dict[str, Any] = dict(
            label=label,
            shape=shape,
            color={
                "background": fill,
                "border": border,
                "highlight": {"background": fill, "border": PATH_COLOUR},
                "hover": {"background": fill, "border": PATH_COLOUR},
            },
            borderWidth=5 if (veto or approver) else 1.5,
            size=size,
            kind="key_person",
            customer=cg.id,
            closeness=p.closeness.value,
            veto=p.veto.value,
            approver=p.approver.value,
            card=_person_card(facts, pid),
        )
        if veto and approver:
            opts["color"]["border"] = APPROVER_BORDER
            opts["shapeProperties"] = {"borderDashes": [6, 3]}
        if member is not None and member.status == "none":
            opts["shadow"] = {"enabled": True, "color": "rgba(178,24,43,0.55)", "size": 14, "x": 0, "y": 0}
            opts["reached"] = False
        elif member is not None:
            opts["reached"] = True
        if member is not None:
            opts["decision_maker"] = True
            opts["coverage"] = member.status
        if level is not None:
            opts["level"] = level
        self._add_node(pid, **opts)

    def employee(self, e: Employee, facts_list: Sequence[_Facts], *, level: int | None = None) -> None:
        if e.id in self.ids:
            return
        self.names[e.id] = e.name or e.id
        label = (e.name or e.id) + (f"\n{e.team}" if e.team else "")
        opts: dict[str, Any] = dict(
            label=label,
            shape="square",
            color={"background": EMPLOYEE_FILL, "border": EMPLOYEE_BORDER, "highlight": {"background": EMPLOYEE_FILL, "border": PATH_COLOUR}},
            borderWidth=1.5,
            size=13,
            kind="employee",
            card=_employee_card(e, facts_list),
        )
        if level is not None:
            opts["level"] = level
        self._add_node(e.id, **opts)

    def staff(self, s: CompetitorStaff, competitor_name: str, facts_list: Sequence[_Facts], *, level: int | None = None) -> None:
        if s.id in self.ids:
            return
        self.names[s.id] = s.name or s.id
        label = (s.name or s.id) + f"\n{competitor_name}"
        opts: dict[str, Any] = dict(
            label=label,
            shape="triangle",
            color={"background": STAFF_FILL, "border": STAFF_BORDER, "highlight": {"background": STAFF_FILL, "border": PATH_COLOUR}},
            borderWidth=1.5,
            size=13,
            kind="competitor_staff",
            competitor=s.competitor,
            card=_staff_card(s, competitor_name, facts_list),
        )
        if level is not None:
            opts["level"] = level
        self._add_node(s.id, **opts)

    def hub(self, nid: str, kind: str, label: str, card: dict[str, Any]) -> None:
        fill = CUSTOMER_FILL if kind == "customer" else COMPETITOR_FILL
        self._add_node(
            nid,
            label=label,
            shape="box" if kind == "customer" else "hexagon",
            color={"background": fill, "border": "#000000"},
            font={"color": "#ffffff" if kind == "customer" else "#222222", "size": 16},
            size=22,
            kind=kind,
            card=card,
        )

    # edges ---------------------------------------------------------------
    def edge(self, eid: str, u: str, v: str, kind: str, *, strength: str | None = None, ours: bool | None = None, title: str = "") -> None:
        if eid in self.edge_ids or u not in self.ids or v not in self.ids:
            return
        self.edge_ids.add(eid)
        style_key = kind
        if kind == EDGE_EXTERNAL:
            style_key = "external_ours" if ours else "external_theirs"
        style = dict(EDGE_STYLE[style_key])
        width = STRENGTH_WIDTH[strength] if strength else (1.5 if kind == EDGE_REPORTS else 0.8)
        opts: dict[str, Any] = {
            "id": eid,
            "kind": kind,
            "width": width,
            "base_width": width,
            "color": {"color": style["color"], "highlight": PATH_COLOUR, "hover": PATH_COLOUR, "inherit": False},
            "dashes": style.get("dashes", False),
            "arrows": style.get("arrows", "to"),
            "title": title,
        }
        if strength:
            opts["strength"] = strength
        if "smooth" in style:
            opts["smooth"] = style["smooth"]
        self.net.add_edge(u, v, **opts)
        self.edges_by_pair[(u, v)].append(self.net.edges[-1])

    def relation_edges(self, cg: CustomerGraph, among: set[str] | None = None) -> None:
        """Reporting lines and influence edges of ``cg`` whose both ends are drawn."""
        for p in sorted(cg.persons.values(), key=lambda p: p.id):
            if p.reports_to and p.reports_to in cg.persons:
                self.edge(
                    f"r:{p.reports_to}>{p.id}",
                    p.reports_to,
                    p.id,
                    EDGE_REPORTS,
                    title=f"{self._n(p.id)} reports to {self._n(p.reports_to)} (汇报关系)",
                )
        for i in sorted(cg.influences, key=lambda i: (i.source, i.target)):
            internal = i.source in cg.persons
            kind = EDGE_INTERNAL if internal else EDGE_EXTERNAL
            who = "internal influence 内部影响" if internal else "external influence 外部影响"
            self.edge(
                f"{'i' if internal else 'x'}:{i.source}>{i.target}",
                i.source,
                i.target,
                kind,
                strength=i.strength.value,
                ours=i.source in cg.employees,
                title=f"{self._n(i.source)} → {self._n(i.target)}: {who}, {i.strength.value} {i.strength.zh}",
            )

    def _n(self, nid: str) -> str:
        return f"{self.names.get(nid, nid)} ({nid})"

    def drawn_edge_for_arc(self, cg: CustomerGraph, u: str, v: str) -> dict[str, Any] | None:
        """The drawn edge behind arc u → v of ``cg.g`` (the one giving the arc its cost)."""
        if not cg.g.has_edge(u, v):
            return None
        kinds = cg.g.edges[u, v]["kinds"]
        best = None
        for k in kinds:
            if k in (ARC_INTERNAL, ARC_EXTERNAL):
                cand = self.edges_by_pair.get((u, v), [])
                cand = [e for e in cand if e["kind"] in (EDGE_INTERNAL, EDGE_EXTERNAL)]
                cost_of = _influence_cost(cg, u, v)
            elif k == ARC_REPORTS_DOWN:
                cand = [e for e in self.edges_by_pair.get((u, v), []) if e["kind"] == EDGE_REPORTS]
                cost_of = _reports_cost(True)
            elif k == ARC_REPORTS_UP:
                cand = [e for e in self.edges_by_pair.get((v, u), []) if e["kind"] == EDGE_REPORTS]
                cost_of = _reports_cost(False)
            else:
                continue
            if cand and (best is None or cost_of < best[0]):
                best = (cost_of, cand[0])
        return best[1] if best else None

    def highlight(self, cg: CustomerGraph, path: list[str]) -> list[str]:
        """Mark the drawn edges of ``path``; returns their ids."""
        ids: list[str] = []
        for u, v in zip(path, path[1:]):
            e = self.drawn_edge_for_arc(cg, u, v)
            if e is None:
                continue
            if not e.get("on_path"):
                e["on_path"] = True
                e["width"] = e["base_width"] + 3
                e["color"] = dict(e["color"], color=PATH_COLOUR)
                e["shadow"] = {"enabled": True, "color": "rgba(255,140,0,0.5)", "size": 8, "x": 0, "y": 0}
            ids.append(e["id"])
        return ids

    def attach_path(self, nid: str, edge_ids: list[str], path: list[str]) -> None:
        node = self.net.node_map.get(nid)
        if node is not None:
            node["path_edges"] = edge_ids
            node["path_nodes"] = path

    def result(self, **kw: Any) -> RelationshipMap:
        return RelationshipMap(nodes=list(self.net.nodes), edges=list(self.net.edges), **kw)


def _influence_cost(cg: CustomerGraph, u: str, v: str) -> int:
    from .graph import STRENGTH_COST

    for i in cg.influences:
        if i.source == u and i.target == v:
            return STRENGTH_COST[i.strength]
    return 99


def _reports_cost(down: bool) -> int:
    from .graph import REPORTS_DOWN_COST, REPORTS_UP_COST

    return REPORTS_DOWN_COST if down else REPORTS_UP_COST


# --------------------------------------------------------------------------- cards
def _stance(s: Stance) -> str:
    return f"{s.value} {s.zh}"


def _path_text(names: dict[str, str], cg: CustomerGraph, path: list[str], cost: int | None) -> str:
    if not path:
        return "none 无路径"
    label = lambda x: (cg.persons[x].name if x in cg.persons else cg.employees[x].name if x in cg.employees else cg.staff[x].name if x in cg.staff else "") or x  # noqa: E731
    return " → ".join(label(x) for x in path) + f"  (cost {cost}, {len(path) - 1} hop{'s' if len(path) != 2 else ''})"


def _name_of(cg: CustomerGraph, x: str) -> str:
    for d in (cg.persons, cg.employees, cg.staff):
        if x in d:
            return d[x].name or x
    return x


def _person_card(facts: _Facts, pid: str) -> dict[str, Any]:
    from .analysis.degrees import DEPTH_LABELS

    cg = facts.cg
    p = cg.persons[pid]
    rows: list[list[Any]] = []
    for fieldname, label in FEATURE_ROWS:
        v = getattr(p, fieldname)
        rows.append([label, _stance(v) if isinstance(v, Stance) else f"{v.value} {v.zh}"])
    rows.append(["Reports to 汇报给", f"{_name_of(cg, p.reports_to)} ({p.reports_to})" if p.reports_to else "—"])
    internal = sorted(i.source for i in cg.influences if i.target == pid and i.source in cg.persons)
    ours = sorted(i.source for i in cg.influences if i.target == pid and i.source in cg.employees)
    theirs = sorted(i.source for i in cg.influences if i.target == pid and i.source in cg.staff)
    strength = {(i.source, i.target): i.strength.value for i in cg.influences}
    fmt = lambda xs: ", ".join(f"{_name_of(cg, x)} ({strength[(x, pid)]})" for x in xs) or "—"  # noqa: E731
    rows.append(["Influenced by 影响力关系", [f"internal: {fmt(internal)}", f"ours: {fmt(ours)}", f"competitors': {fmt(theirs)}"]])
    influences_out = sorted(i.target for i in cg.influences if i.source == pid)
    if influences_out:
        rows.append(["Influences 影响", ", ".join(f"{_name_of(cg, x)}" for x in influences_out)])
    adv = facts.advice.get(pid)
    if adv is not None:
        tactics = [f"· {t.name}" + (f" {t.name_zh}" if t.name_zh else "") for t in adv.tactics[:4]]
        rows.append([f"Strategy 关系策略", [f"{adv.label} {adv.label_zh}", *tactics]])
    best = facts.paths.get(pid)
    if best is not None:
        rows.append([f"Best path ({facts.perspective})", _path_text({}, cg, best.path, best.cost)])
    m = facts.members.get(pid)
    if m is not None:
        rows.append(["Coverage 覆盖", f"{m.status} (max cost {facts.coverage.max_cost})"])
    if facts.roles.get(pid):
        rows.append(["Decision chain 决策链", ", ".join(facts.roles[pid])])
    if pid in facts.exposed:
        rows.append(["Exposure 风险", ", ".join(facts.exposed[pid])])
    elif pid in facts.unassessed:
        rows.append(["Exposure 风险", "veto not yet assessed 未评估"])
    degs = sorted(facts.by_person.get(pid, []), key=lambda d: d.employee)
    if degs:
        lines = [
            f"{_name_of(cg, d.employee)}: {d.frequency}×/90d, {d.length_years:g} y, depth {d.depth} {DEPTH_LABELS.get(d.depth, ('', ''))[0]}"
            for d in degs
        ]
    else:
        lines = ["no interactions recorded"]
    if pid in facts.cooling:
        lines.append("COOLING: nobody in touch for 90 days 关系降温")
    rows.append(["Degrees 频度/长度/深度", lines])
    sub = " · ".join(x for x in (p.title, p.department, cg.customer.name or cg.id) if x)
    return {"h": f"{p.name or pid} ({pid})", "sub": sub, "rows": rows}


def _employee_card(e: Employee, facts_list: Sequence[_Facts]) -> dict[str, Any]:
    rows: list[list[Any]] = [["Team 团队", e.team or "—"], ["Title 职务", e.title or "—"]]
    direct: list[str] = []
    degs: list[str] = []
    for f in facts_list:
        cg = f.cg
        for i in sorted(cg.influences, key=lambda i: i.target):
            if i.source == e.id:
                direct.append(f"{_name_of(cg, i.target)} @ {cg.customer.name or cg.id} ({i.strength.value})")
        for d in f.by_employee.get(e.id, []):
            degs.append(f"{_name_of(cg, d.person)}: {d.frequency}×/90d, {d.length_years:g} y, depth {d.depth}")
    rows.append([f"Influences directly ({len(direct)}) 直接影响", direct[:12] + (["…"] if len(direct) > 12 else []) or ["—"]])
    if degs:
        rows.append(["Degrees 频度/长度/深度", degs[:10] + (["…"] if len(degs) > 10 else [])])
    return {"h": f"{e.name or e.id} ({e.id})", "sub": "our employee 我司员工", "rows": rows}


def _staff_card(s: CompetitorStaff, competitor_name: str, facts_list: Sequence[_Facts]) -> dict[str, Any]:
    direct: list[str] = []
    for f in facts_list:
        cg = f.cg
        for i in sorted(cg.influences, key=lambda i: i.target):
            if i.source == s.id:
                direct.append(f"{_name_of(cg, i.target)} @ {cg.customer.name or cg.id} ({i.strength.value})")
    rows = [["Competitor 友商", competitor_name], [f"Influences directly ({len(direct)}) 直接影响", direct[:12] or ["—"]]]
    return {"h": f"{s.name or s.id} ({s.id})", "sub": "competitor staff 友商员工", "rows": rows}


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.0f}%"


def _org_levels(cg: CustomerGraph, persons: Iterable[str]) -> dict[str, int]:
    """Depth of each key person in the reporting tree (roots 1); staff sit at level 0."""
    out: dict[str, int] = {}

    def depth(pid: str) -> int:
        seen = []
        x = pid
        while x not in out:
            seen.append(x)
            up = cg.persons[x].reports_to
            if not up or up not in cg.persons or up in seen:
                out[x] = 1
                break
            x = up
        base = out[x]
        for y in reversed(seen):
            if y == x:
                continue
            base += 1
            out[y] = base
        return out[pid]

    for pid in persons:
        depth(pid)
    return out


#: widest row a hierarchical (org chart) layout may have; wider charts use the force layout
MAX_LEVEL_WIDTH = 40


def _tree_readable(levels: dict[str, int], staff: int) -> bool:
    """Use the hierarchical layout when there are reporting lines and no row is too wide."""
    if not levels or max(levels.values()) < 2:
        return False
    widths: dict[int, int] = defaultdict(int)
    for lv in levels.values():
        widths[lv] += 1
    return max([staff, *widths.values()]) <= MAX_LEVEL_WIDTH


# --------------------------------------------------------------------------- maps
def _check_ours(perspective: Perspective, what: str) -> None:
    if not perspective.ours:
        raise BadArgument(f"the {what} map draws our side; use `brmgraph map competitor <id>` for a competitor's relationships")


def customer_map(
    cg: CustomerGraph,
    perspective: Perspective = COMPANY,
    *,
    today: date | None = None,
    max_cost: int = 4,
) -> RelationshipMap:
    """A customer's relationship map: org chart plus every influence edge.

    Nodes: all key persons of the customer, and every employee and competitor staff
    member with an influence edge into them. Edges: one per reporting line and one per
    influence edge. Highlighted: the best paths of ``perspective`` to the customer's
    decision makers.
    """
    t0 = time.perf_counter()
    today = today or date.today()
    facts = _Facts(cg, perspective, today=today, max_cost=max_cost)
    b = _Builder()
    levels = _org_levels(cg, cg.persons)
    has_org = _tree_readable(levels, len(cg.employees) + len(cg.staff))
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
        f"decision makers {len(cov.members)} · coverage {_pct(cov.coverage)} · weighted {_pct(cov.weighted_coverage)} ({cov.perspective}, max cost {cov.max_cost})",
        f"exposed veto holders/approvers {len(facts.exposure.exposed)} · not yet assessed {len(facts.exposure.unassessed)}",
    ]
    name = cg.customer.name or cg.id
    return b.result(
        kind="customer",
        title=f"Customer relationship map 客户关系图谱 — {name} ({cg.id})",
        subtitle=f"perspective {perspective} · as of {today.isoformat()}",
        perspective=str(perspective),
        hierarchical=has_org,
        summary=summary,
        build_seconds=time.perf_counter() - t0,
    )


def _highlight_members(b: _Builder, facts: _Facts) -> None:
    for m in facts.coverage.members:
        if m.path:
            b.highlight(facts.cg, m.path)


def _attach_all_paths(b: _Builder, facts: _Facts) -> None:
    """Give every drawn key person its own best path (shown when the node is clicked)."""
    for pid, res in facts.paths.items():
        if pid in b.ids and res.path and all(x in b.ids for x in res.path):
            ids = [e["id"] for u, v in zip(res.path, res.path[1:]) if (e := b.drawn_edge_for_arc(facts.cg, u, v))]
            b.attach_path(pid, ids, res.path)


def project_map(
    cg: CustomerGraph,
    project_id: str,
    perspective: Perspective = COMPANY,
    *,
    today: date | None = None,
    max_cost: int = 4,
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
    facts = _Facts(cg, perspective, today=today, max_cost=max_cost, project=project_id)
    members = [m.person for m in facts.coverage.members]
    include: set[str] = set(members)
    for i in cg.influences:
        if i.target in members:
            include.add(i.source)
    for m in facts.coverage.members:
        include.update(m.path)
    persons = sorted(x for x in include if x in cg.persons)
    levels = _org_levels(cg, persons)
    has_org = any(cg.persons[x].reports_to in include for x in persons) and _tree_readable(
        levels, sum(1 for x in include if x not in cg.persons)
    )
    b = _Builder()
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
        f"{len(members)} decision-chain members · coverage {_pct(cov.coverage)} · weighted {_pct(cov.weighted_coverage)} ({cov.perspective}, max cost {cov.max_cost})",
        f"exposed {len(facts.exposure.exposed)} · not yet assessed {len(facts.exposure.unassessed)} · competitors: {rivals}",
        f"status {j.status.value}" + (f" · stage {j.stage}" if j.stage else "") + (f" · amount {j.amount:,.0f}" if j.amount is not None else ""),
    ]
    return b.result(
        kind="project",
        title=f"Project decision chain 项目决策链 — {j.name or j.id} ({j.id}) at {cg.customer.name or cg.id}",
        subtitle=f"perspective {perspective} · as of {today.isoformat()}",
        perspective=str(perspective),
        hierarchical=has_org,
        summary=summary,
        build_seconds=time.perf_counter() - t0,
    )


def _reach_plan(
    cgs: Sequence[CustomerGraph],
    perspective: Perspective,
    sources: set[str],
    *,
    today: date,
    max_cost: int,
) -> tuple[list[_Facts], int, int, list[tuple[_Facts, list[str]]]]:
    """Shared by the company and competitor maps: per customer, the key persons the
    ``sources`` influence directly, the decision makers the perspective reaches (status
    not ``none``) and the key persons on those best paths, plus a customer hub node."""
    facts_list: list[_Facts] = []
    reached_total = dm_total = 0
    plan: list[tuple[_Facts, list[str]]] = []
    for cg in cgs:
        if not (set(cg.employees) | set(cg.staff)) & sources:
            continue
        facts = _Facts(cg, perspective, today=today, max_cost=max_cost)
        include: set[str] = {i.target for i in cg.influences if i.source in sources}
        reached = facts.reached()
        dm_total += len(facts.coverage.members)
        reached_total += len(reached)
        for m in facts.coverage.members:
            if m.status != "none":
                include.add(m.person)
                include.update(x for x in m.path if x in cg.persons)
        if not include:
            continue
        facts_list.append(facts)
        plan.append((facts, sorted(include)))
    return facts_list, reached_total, dm_total, plan


def _draw_reach(b: _Builder, plan: list[tuple[_Facts, list[str]]], sources: set[str]) -> None:
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
                "sub": "customer 客户" + (f" · tier {cg.customer.tier}" if cg.customer.tier else "") + (f" · {cg.customer.industry}" if cg.customer.industry else ""),
                "rows": [
                    ["Key persons 关键人", str(len(cg.persons))],
                    ["Decision makers 决策人", str(len(cov.members))],
                    [f"Coverage ({cov.perspective})", f"{_pct(cov.coverage)} · weighted {_pct(cov.weighted_coverage)}"],
                    ["Open projects 进行中项目", ", ".join(j.id for j in cg.open_projects()) or "—"],
                ],
            },
        )
        for pid in persons:
            b.key_person(facts, pid)
            b.edge(f"w:{pid}>{cg.id}", pid, hub, EDGE_WORKS_AT, title=f"{_name_of(cg, pid)} works at {cg.customer.name or cg.id}")
        # only edges whose source is a perspective source, or between drawn key persons
        for p in sorted(cg.persons.values(), key=lambda p: p.id):
            if p.id in b.ids and p.reports_to and p.reports_to in b.ids:
                b.edge(f"r:{p.reports_to}>{p.id}", p.reports_to, p.id, EDGE_REPORTS, title=f"{_name_of(cg, p.id)} reports to {_name_of(cg, p.reports_to)}")
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
                title=f"{_name_of(cg, i.source)} → {_name_of(cg, i.target)}: {'internal' if internal else 'external'} influence, {i.strength.value}",
            )
        for m in facts.coverage.members:
            if m.status != "none" and m.path:
                b.highlight(cg, m.path)
        _attach_all_paths(b, facts)


def company_map(
    cgs: Iterable[CustomerGraph],
    perspective: Perspective = COMPANY,
    *,
    employees: Iterable[Employee] | None = None,
    today: date | None = None,
    max_cost: int = 4,
) -> RelationshipMap:
    """Our relationship resources across customers.

    Nodes: our employees of ``perspective`` (all of ``employees`` that belong to it, even
    those who reach nobody, when given; otherwise those found in ``cgs``); per customer
    they touch, a customer node, the key persons they influence directly, the decision
    makers the perspective reaches (coverage not ``none``) and the key persons relaying
    those best paths. Edges: our external influence edges, internal influence and
    reporting among drawn key persons, and ``works at`` from each key person to its
    customer. Highlighted: the best paths to the reached decision makers.
    """
    t0 = time.perf_counter()
    _check_ours(perspective, "company")
    today = today or date.today()
    cgs = list(cgs)
    pool: dict[str, Employee] = {}
    for cg in cgs:
        pool.update(cg.employees)
    if employees is not None:
        pool.update({e.id: e for e in employees})
    chosen = {eid: e for eid, e in pool.items() if _employee_in(e, perspective)}
    b = _Builder()
    facts_list, reached, dms, plan = _reach_plan(cgs, perspective, set(chosen), today=today, max_cost=max_cost)
    for eid in sorted(chosen):
        b.employee(chosen[eid], facts_list)
    _draw_reach(b, plan, set(chosen))
    summary = [
        f"{len(chosen)} employees · {len(plan)} customers reached · {sum(1 for n in b.net.nodes if n['kind'] == 'key_person')} key persons drawn",
        f"decision makers reached within cost {max_cost}: {reached} of {dms} in the customers drawn",
    ]
    return b.result(
        kind="company",
        title="Our relationship resources 我司关系资源图谱" + ("" if perspective.kind == "company" else f" — {perspective}"),
        subtitle=f"perspective {perspective} · as of {today.isoformat()}",
        perspective=str(perspective),
        hierarchical=False,
        summary=summary,
        build_seconds=time.perf_counter() - t0,
    )


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
    max_cost: int = 4,
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
    b = _Builder()
    facts_list, reached, dms, plan = _reach_plan(cgs, perspective, set(pool), today=today, max_cost=max_cost)
    hub = f"competitor:{competitor_id}"
    b.hub(
        hub,
        "competitor",
        name,
        {
            "h": f"{name} ({competitor_id})",
            "sub": "competitor 友商",
            "rows": [["Staff 员工", str(len(pool))], ["Bids on 参与项目", ", ".join(sorted(bids)) or "—"]],
        },
    )
    for sid in sorted(pool):
        b.staff(pool[sid], name, facts_list)
        b.edge(f"f:{sid}>{competitor_id}", sid, hub, EDGE_WORKS_FOR, title=f"{pool[sid].name or sid} works for {name}")
    _draw_reach(b, plan, set(pool))
    summary = [
        f"{len(pool)} staff · {len(plan)} customers reached · bids on {len(set(bids))} project(s)",
        f"decision makers reached within cost {max_cost}: {reached} of {dms} in the customers drawn",
    ]
    return b.result(
        kind="competitor",
        title=f"Competitor relationships 友商关系资源图谱 — {name} ({competitor_id})",
        subtitle=f"perspective {perspective} · as of {today.isoformat()}",
        perspective=str(perspective),
        hierarchical=False,
        summary=summary,
        build_seconds=time.perf_counter() - t0,
    )


# --------------------------------------------------------------------------- store
def map_from_store(
    store: Any,
    kind: str,
    ident: str | None = None,
    perspective: str | Perspective | None = None,
    *,
    today: date | None = None,
    max_cost: int = 4,
) -> RelationshipMap:
    """Build one of the four maps from a :class:`~brmgraph.store.base.Store`.

    ``kind`` is ``customer`` (ident = customer id), ``project`` (project id), ``company``
    (no ident) or ``competitor`` (competitor id). Unknown ids raise NotFound.
    """
    from .analysis.paths import check_perspective

    if kind not in MAP_KINDS:
        raise BadArgument(f"unknown map kind {kind!r}; use one of {', '.join(MAP_KINDS)}")
    if kind == "company":
        if ident:
            raise BadArgument("`map company` takes no id")
    elif not ident:
        raise BadArgument(f"`map {kind}` needs an id")
    employees = store.employees()
    competitors = store.competitors()
    if kind == "competitor":
        if perspective not in (None, "") and str(perspective) != f"competitor:{ident}":
            raise BadArgument(f"the competitor map always uses the perspective competitor:{ident}")
        comp = next((k for k in competitors if k.id == ident), None)
        if comp is None:
            raise NotFound(f"unknown competitor {ident!r}")
        staff = [s for s in store.competitor_staff() if s.competitor == ident]
        cgs = [CustomerGraph.from_dataset(ds, ds.customers[0].id) for ds in store.iter_customer_graphs()]
        return competitor_map(cgs, ident, staff=staff, competitor_name=comp.name or ident, today=today, max_cost=max_cost)
    p = check_perspective(perspective or "company", employees, competitors)
    if kind == "customer":
        ds = store.customer_graph(ident)
        return customer_map(CustomerGraph.from_dataset(ds, ident), p, today=today, max_cost=max_cost)
    if kind == "project":
        j = store.project(ident)
        ds = store.customer_graph(j.customer)
        return project_map(CustomerGraph.from_dataset(ds, j.customer), ident, p, today=today, max_cost=max_cost)
    _check_ours(p, "company")
    cgs = [CustomerGraph.from_dataset(ds, ds.customers[0].id) for ds in store.iter_customer_graphs()]
    return company_map(cgs, p, employees=employees, today=today, max_cost=max_cost)


# --------------------------------------------------------------------------- page
def _vis_options(n_nodes: int, hierarchical: bool) -> dict[str, Any]:
    big = n_nodes > 150
    opts: dict[str, Any] = {
        "autoResize": True,
        "nodes": {"font": {"size": 13, "face": "Helvetica, Arial, sans-serif", "multi": False}, "borderWidthSelected": 4},
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "smooth": False if big else {"enabled": True, "type": "continuous", "roundness": 0.3},
            "selectionWidth": 2,
            "hoverWidth": 1,
        },
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": big, "multiselect": True, "navigationButtons": False, "keyboard": True},
    }
    if hierarchical:
        opts["layout"] = {
            "improvedLayout": False,
            "hierarchical": {
                "enabled": True,
                "direction": "UD",
                "sortMethod": "directed",
                "levelSeparation": 170,
                "nodeSpacing": 170,
                "treeSpacing": 200,
                "blockShifting": True,
                "edgeMinimization": not big,
                "parentCentralization": True,
                "shakeTowards": "roots",
            },
        }
        opts["physics"] = {"enabled": False}
    else:
        opts["layout"] = {"improvedLayout": not big, "randomSeed": 7}
        opts["physics"] = {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -60, "centralGravity": 0.008, "springLength": 110, "springConstant": 0.08, "avoidOverlap": 0.4},
            "maxVelocity": 60,
            "minVelocity": 1.0,
            "timestep": 0.5,
            "stabilization": {"enabled": True, "iterations": 400 if big else 250, "updateInterval": 50, "fit": True},
        }
    return opts


def _vis_assets() -> str:
    from importlib import resources

    lib = resources.files("pyvis") / "lib" / "vis-9.1.2"
    return (lib / "vis-network.min.js").read_text(encoding="utf-8")


def _legend_html() -> str:
    def swatch(colour: str, label: str) -> str:
        return f'<div class="row"><span class="dot" style="background:{colour}"></span>{_html.escape(label)}</div>'

    def line(colour: str, label: str, dashed: bool = False, width: float = 3) -> str:
        style = f"border-top:{width}px {'dashed' if dashed else 'solid'} {colour}"
        return f'<div class="row"><span class="line" style="{style}"></span>{_html.escape(label)}</div>'

    parts = ['<div class="sec">Closeness 关系紧密度</div>']
    for key in ("strong_support", "support", "neutral", "oppose", "strong_oppose", "unknown"):
        parts.append(swatch(CLOSENESS_COLOURS[key], f"{key.replace('_', ' ')} {Stance(key).zh}"))
    parts.append('<div class="sec">People 人员</div>')
    parts.append(f'<div class="row"><span class="shape dia" style="border-color:{VETO_BORDER}"></span>veto holder 一票否决人 (diamond, crimson frame)</div>')
    parts.append(f'<div class="row"><span class="shape star">★</span>sole approver 一票批准人 (star, gold frame)</div>')
    parts.append(f'<div class="row"><span class="shape dia" style="border-color:{APPROVER_BORDER}"></span>veto holder and approver (diamond, gold dashed frame)</div>')
    parts.append('<div class="row"><span class="shape big"></span>decision maker 决策人 (larger); red glow = not reached</div>')
    parts.append(f'<div class="row"><span class="shape sq" style="background:{EMPLOYEE_FILL}"></span>our employee 我司员工</div>')
    parts.append(f'<div class="row"><span class="shape tri" style="border-bottom-color:{STAFF_FILL}"></span>competitor staff 友商员工</div>')
    parts.append('<div class="sec">Edges 关系 (width = strength 强/中/弱)</div>')
    parts.append(line(EDGE_STYLE[EDGE_REPORTS]["color"], "reports to 汇报 (superior → subordinate)", width=2))
    parts.append(line(EDGE_STYLE[EDGE_INTERNAL]["color"], "internal influence 内部影响", dashed=True))
    parts.append(line(EMPLOYEE_FILL, "our influence 我司影响"))
    parts.append(line(STAFF_FILL, "competitor influence 友商影响"))
    parts.append(line("#bbbbbb", "works at / for 任职", dashed=True, width=1))
    parts.append(line(PATH_COLOUR, "best path of the perspective 最佳路径", width=5))
    parts.append('<div class="hint">Hover a node for its card; click a key person to show its own best path.</div>')
    return "\n".join(parts)


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="brmgraph maps (pyvis + vis-network 9.1.2, inlined)">
<title>__TITLE__</title>
<style>
html, body { margin: 0; padding: 0; height: 100%; overflow: hidden; font-family: Helvetica, Arial, "Noto Sans CJK SC", sans-serif; background: #ffffff; color: #222; }
body { display: flex; flex-direction: column; }
#head { flex: 0 0 auto; padding: 8px 14px; background: #fff; border-bottom: 1px solid #e0e0e0; z-index: 5; }
#head h1 { margin: 0; font-size: 18px; }
#head .sub { font-size: 12px; color: #555; margin-top: 2px; }
#head .sum { font-size: 12px; color: #333; margin-top: 2px; }
#main { flex: 1 1 auto; min-height: 0; display: flex; flex-direction: row; }
#mynetwork { flex: 1 1 auto; min-width: 0; position: relative; }
#side { flex: 0 0 auto; max-width: 290px; overflow-y: auto; border-left: 1px solid #e0e0e0; background: #fafafa; }
#legend { font-size: 12px; padding: 4px 10px 8px; }
#legend summary { cursor: pointer; font-weight: bold; padding: 4px 0; }
#legend .sec { font-weight: bold; margin-top: 6px; }
#legend .row { display: flex; align-items: center; gap: 6px; margin: 2px 0; }
#legend .dot { display: inline-block; width: 13px; height: 13px; border-radius: 50%; border: 1px solid #4d4d4d; }
#legend .line { display: inline-block; width: 28px; height: 0; }
#legend .shape { display: inline-block; width: 12px; height: 12px; }
#legend .shape.dia { transform: rotate(45deg); border: 3px solid; width: 8px; height: 8px; background: #bdbdbd; }
#legend .shape.star { color: #d4a017; font-size: 15px; line-height: 12px; }
#legend .shape.big { border-radius: 50%; width: 16px; height: 16px; background: #bdbdbd; border: 1px solid #4d4d4d; }
#legend .shape.sq { border: 1px solid #0b5e46; }
#legend .shape.tri { width: 0; height: 0; border-left: 7px solid transparent; border-right: 7px solid transparent; border-bottom: 12px solid; }
#legend .hint { margin-top: 6px; color: #666; }
#loading { position: absolute; left: 50%; top: 50%; transform: translate(-50%, -50%); z-index: 7; background: #fff; border: 1px solid #ccc; padding: 10px 16px; border-radius: 6px; font-size: 13px; }
div.vis-tooltip { position: absolute; visibility: hidden; padding: 0; white-space: normal; font-size: 12px; background: #fffef5; border: 1px solid #999; border-radius: 4px; box-shadow: 2px 2px 8px rgba(0,0,0,0.25); pointer-events: none; z-index: 10; max-width: 460px; }
.brm-card { padding: 8px 10px; }
.brm-card .h { font-weight: bold; font-size: 13px; }
.brm-card .s { color: #666; margin-bottom: 4px; }
.brm-card table { border-collapse: collapse; }
.brm-card td { vertical-align: top; padding: 1px 6px 1px 0; }
.brm-card td.k { color: #555; white-space: nowrap; }
</style>
<script>__VIS__</script>
</head>
<body>
<div id="head"><h1 id="brm-title">__H1__</h1><div class="sub">__SUB__</div>__SUMMARY__</div>
<div id="main"><div id="mynetwork"></div>
<div id="side"><details id="legend" open><summary>Legend 图例</summary>__LEGEND__</details></div></div>
<div id="loading">Laying out __N__ nodes…</div>
<script>
"use strict";
var BRM = __DATA__;
function brmCard(card) {
  var d = document.createElement("div"); d.className = "brm-card";
  var h = document.createElement("div"); h.className = "h"; h.textContent = card.h; d.appendChild(h);
  if (card.sub) { var s = document.createElement("div"); s.className = "s"; s.textContent = card.sub; d.appendChild(s); }
  var t = document.createElement("table");
  (card.rows || []).forEach(function (r) {
    var tr = document.createElement("tr");
    var k = document.createElement("td"); k.className = "k"; k.textContent = r[0]; tr.appendChild(k);
    var v = document.createElement("td");
    (Array.isArray(r[1]) ? r[1] : [r[1]]).forEach(function (line, i) {
      if (i) v.appendChild(document.createElement("br"));
      v.appendChild(document.createTextNode(String(line)));
    });
    tr.appendChild(v); t.appendChild(tr);
  });
  d.appendChild(t);
  return d;
}
BRM.nodes.forEach(function (n) { if (n.card) { n.title = brmCard(n.card); } });
var nodes = new vis.DataSet(BRM.nodes);
var edges = new vis.DataSet(BRM.edges);
var container = document.getElementById("mynetwork");
var t0 = performance.now();
var network = new vis.Network(container, {nodes: nodes, edges: edges}, BRM.options);
window.network = network;
window.brmReady = false;
function brmDone(reason) {
  if (window.brmReady) return;
  network.setOptions({physics: {enabled: false}});
  network.fit({animation: false});
  network.once("afterDrawing", function () {
    window.brmRenderMs = performance.now() - t0;
    window.brmReadyReason = reason;
    window.brmReady = true;
    var l = document.getElementById("loading"); if (l) l.style.display = "none";
  });
  network.redraw();
}
if (BRM.options.physics && BRM.options.physics.enabled) {
  network.once("stabilizationIterationsDone", function () { brmDone("stabilized"); });
  network.on("stabilizationProgress", function (p) {
    var l = document.getElementById("loading");
    if (l) l.textContent = "Laying out " + BRM.nodes.length + " nodes… " + Math.round(100 * p.iterations / p.total) + "%";
  });
  setTimeout(function () { brmDone("timeout"); }, 60000);
} else {
  setTimeout(function () { brmDone("static"); }, 0);
}
network.on("click", function (params) {
  if (params.nodes.length !== 1) return;
  var n = nodes.get(params.nodes[0]);
  if (n && n.path_edges && n.path_edges.length) {
    network.setSelection({nodes: n.path_nodes.filter(function (x) { return nodes.get(x); }), edges: n.path_edges}, {highlightEdges: false});
  }
});
</script>
</body>
</html>
"""


def _script_json(obj: Any) -> str:
    """JSON safe to put inside a <script> element."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return text.replace("</", "<\\/").replace("<!--", "<\\!--").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _render(m: RelationshipMap) -> str:
    data = {"kind": m.kind, "perspective": m.perspective, "nodes": m.nodes, "edges": m.edges, "options": m.options()}
    summary = "".join(f'<div class="sum">{_html.escape(s)}</div>' for s in m.summary)
    replacements = {
        "__TITLE__": _html.escape(m.title),
        "__H1__": _html.escape(m.title),
        "__SUB__": _html.escape(m.subtitle),
        "__SUMMARY__": summary,
        "__LEGEND__": _legend_html(),
        "__N__": str(len(m.nodes)),
    }
    page = _PAGE
    for k, v in replacements.items():
        page = page.replace(k, v)
    # the data and the library go in last so that nothing inside them is substituted
    head, _, tail = page.partition("__DATA__")
    page = head + _script_json(data) + tail
    head, _, tail = page.partition("__VIS__")
    return head + _vis_assets().replace("</script", "<\\/script") + tail

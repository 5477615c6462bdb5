"""Collects nodes and edges through a pyvis ``Network`` and marks the best paths."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Sequence

from ..graph import (
    ARC_EXTERNAL,
    ARC_INTERNAL,
    ARC_REPORTS_DOWN,
    ARC_REPORTS_UP,
    CustomerGraph,
)
from ..model import CompetitorStaff, Employee, KeyPerson
from .cards import employee_card, person_card, staff_card
from .facts import Facts
from .result import RelationshipMap
from .style import (
    APPROVER_BORDER,
    CLOSENESS_COLOURS,
    COMPETITOR_FILL,
    CUSTOMER_FILL,
    EDGE_EXTERNAL,
    EDGE_INTERNAL,
    EDGE_REPORTS,
    EDGE_STYLE,
    EMPLOYEE_BORDER,
    EMPLOYEE_FILL,
    KP_BORDER,
    PATH_COLOUR,
    STAFF_BORDER,
    STAFF_FILL,
    STRENGTH_WIDTH,
    VETO_BORDER,
)


# --------------------------------------------------------------------------- builder
class Builder:
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

    def key_person(self, facts: Facts, pid: str, *, level: int | None = None, show_customer: bool = False, role: str = "") -> None:
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
            card=person_card(facts, pid),
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

    def employee(self, e: Employee, facts_list: Sequence[Facts], *, level: int | None = None) -> None:
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
            card=employee_card(e, facts_list),
        )
        if level is not None:
            opts["level"] = level
        self._add_node(e.id, **opts)

    def staff(self, s: CompetitorStaff, competitor_name: str, facts_list: Sequence[Facts], *, level: int | None = None) -> None:
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
            card=staff_card(s, competitor_name, facts_list),
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
    from ..graph import STRENGTH_COST

    for i in cg.influences:
        if i.source == u and i.target == v:
            return STRENGTH_COST[i.strength]
    return 99


def _reports_cost(down: bool) -> int:
    from ..graph import REPORTS_DOWN_COST, REPORTS_UP_COST

    return REPORTS_DOWN_COST if down else REPORTS_UP_COST

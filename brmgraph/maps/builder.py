"""Collects nodes and edges through a pyvis ``Network`` and marks the best paths."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..graph import (
    ARC_EXTERNAL,
    ARC_INTERNAL,
    ARC_REPORTS_DOWN,
    ARC_REPORTS_UP,
    CustomerGraph,
    Step,
)
from ..model import CompetitorStaff, Employee, KeyPerson
from .cards import employee_card, person_card, short_person_card, staff_card
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
    EXPOSED_FILL,
    HOVER_COLOUR,
    KP_BORDER,
    NOT_REACHED,
    NOT_REACHED_FILL,
    NOT_REACHED_GLOW,
    OVER_BUDGET_COLOUR,
    PATH_COLOUR,
    STAFF_BORDER,
    STAFF_FILL,
    STRENGTH_WIDTH,
    VETO_BORDER,
    bi,
    enum_text,
)


# --------------------------------------------------------------------------- builder
class Builder:
    """Collects nodes and edges (through a pyvis ``Network``) and path highlights."""

    def __init__(self, lang: str | None = None) -> None:
        from pyvis.network import Network

        self.lang = lang
        self.net = Network(directed=True, cdn_resources="in_line")
        self.ids: set[str] = set()
        self.edge_ids: set[str] = set()
        self.edge_by_id: dict[str, dict[str, Any]] = {}
        self.names: dict[str, str] = {}
        #: the data contract of the page (``<script id="brm-map">``): per node and per path drawn
        self.contract: dict[str, dict[str, Any]] = {}
        self.paths: list[dict[str, Any]] = []

    # nodes ---------------------------------------------------------------
    def _add_node(self, nid: str, **options: Any) -> None:
        if nid in self.ids:
            return
        self.ids.add(nid)
        self.contract.setdefault(
            nid, {"id": nid, "kind": options["kind"], "decision_maker": False, "status": None, "cost": None, "reasons": []}
        )
        label = options.pop("label")
        shape = options.pop("shape")
        color = options.pop("color")
        self.net.add_node(nid, label=label, shape=shape, color=color, **options)

    def key_person(
        self, facts: Facts, pid: str, *, level: int | None = None, show_customer: bool = False, role: str = "", compact: bool = False
    ) -> None:
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
            label += "\n[" + " ".join(([role.replace("_", " ")] if role else []) + badges) + "]"
        if show_customer:
            label += f"\n@ {cg.customer.name or cg.id}"
        size = 16 + (6 if member is not None else 0) + (4 if veto or approver else 0)
        opts: dict[str, Any] = dict(
            label=label,
            shape=shape,
            color={
                "background": fill,
                "border": border,
                "highlight": {"background": fill, "border": HOVER_COLOUR},
                "hover": {"background": fill, "border": HOVER_COLOUR},
            },
            borderWidth=5 if (veto or approver) else 1.5,
            size=size,
            kind="key_person",
            customer=cg.id,
            closeness=p.closeness.value,
            veto=p.veto.value,
            approver=p.approver.value,
            card=short_person_card(facts, pid) if compact else person_card(facts, pid),
        )
        if veto and approver:
            opts["color"]["border"] = APPROVER_BORDER
            opts["shapeProperties"] = {"borderDashes": [6, 3]}
        exposed = pid in facts.exposed
        if member is not None:
            opts["decision_maker"] = True
            opts["coverage"] = member.status
            opts["reached"] = member.status != "none"
        reasons = facts.exposed.get(pid, [])
        if "UNCOVERED" in reasons or (member is not None and member.status == "none"):
            # the gap marker: a badge the page draws above the node, apart from any frame
            opts["badge"], opts["badge_colour"] = NOT_REACHED, NOT_REACHED_FILL
            opts["shadow"] = {"enabled": True, "color": NOT_REACHED_GLOW, "size": 18, "x": 0, "y": 0}
        elif exposed:
            opts["badge"], opts["badge_colour"] = "EXPOSED: " + ", ".join(r.replace("_", " ") for r in reasons), EXPOSED_FILL
        best = facts.paths.get(pid)
        self.contract[pid] = {
            "id": pid,
            "kind": "key_person",
            "decision_maker": member is not None,
            "status": member.status if member is not None else None,
            "cost": member.cost if member is not None else (best.cost if best is not None else None),
            "reasons": list(facts.exposed.get(pid, [])),
        }
        if level is not None:
            opts["level"] = level
        self._add_node(pid, **opts)

    def employee(self, e: Employee, facts_list: Sequence[Facts], *, level: int | None = None, compact: bool = False) -> None:
        if e.id in self.ids:
            return
        self.names[e.id] = e.name or e.id
        label = (e.name or e.id) + (f"\n{e.team}" if e.team else "")
        opts: dict[str, Any] = dict(
            label=label,
            shape="square",
            color={"background": EMPLOYEE_FILL, "border": EMPLOYEE_BORDER, "highlight": {"background": EMPLOYEE_FILL, "border": HOVER_COLOUR}},
            borderWidth=1.5,
            size=13,
            kind="employee",
            card=employee_card(e, facts_list, compact=compact, lang=self.lang),
        )
        if level is not None:
            opts["level"] = level
        self._add_node(e.id, **opts)

    def staff(
        self, s: CompetitorStaff, competitor_name: str, facts_list: Sequence[Facts], *, level: int | None = None, compact: bool = False
    ) -> None:
        if s.id in self.ids:
            return
        self.names[s.id] = s.name or s.id
        label = (s.name or s.id) + f"\n{competitor_name}"
        opts: dict[str, Any] = dict(
            label=label,
            shape="triangle",
            color={"background": STAFF_FILL, "border": STAFF_BORDER, "highlight": {"background": STAFF_FILL, "border": HOVER_COLOUR}},
            borderWidth=1.5,
            size=13,
            kind="competitor_staff",
            competitor=s.competitor,
            card=staff_card(s, competitor_name, facts_list, compact=compact, lang=self.lang),
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
            color={"background": fill, "border": "#000000", "highlight": {"background": fill, "border": HOVER_COLOUR}, "hover": {"background": fill, "border": HOVER_COLOUR}},
            font={"color": "#ffffff" if kind == "customer" else "#222222", "size": 16, "background": "rgba(0,0,0,0)"},
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
            "color": {"color": style["color"], "highlight": HOVER_COLOUR, "hover": HOVER_COLOUR, "inherit": False},
            "dashes": style.get("dashes", False),
            "arrows": style.get("arrows", "to"),
            "title": title,
        }
        if strength:
            opts["strength"] = strength
        if "smooth" in style:
            opts["smooth"] = style["smooth"]
        self.net.add_edge(u, v, **opts)
        self.edge_by_id[eid] = self.net.edges[-1]

    def relation_edges(self, cg: CustomerGraph, among: set[str] | None = None) -> None:
        """Reporting lines and influence edges of ``cg`` whose both ends are drawn."""
        for p in sorted(cg.persons.values(), key=lambda p: p.id):
            if p.reports_to and p.reports_to in cg.persons:
                self.edge(
                    f"r:{p.reports_to}>{p.id}",
                    p.reports_to,
                    p.id,
                    EDGE_REPORTS,
                    title=f"{self._n(p.id)} reports to {self._n(p.reports_to)}" + bi(" (汇报关系)", self.lang),
                )
        for i in sorted(cg.influences, key=lambda i: (i.source, i.target)):
            internal = i.source in cg.persons
            kind = EDGE_INTERNAL if internal else EDGE_EXTERNAL
            who = bi("internal influence 内部影响" if internal else "external influence 外部影响", self.lang)
            self.edge(
                f"{'i' if internal else 'x'}:{i.source}>{i.target}",
                i.source,
                i.target,
                kind,
                strength=i.strength.value,
                ours=i.source in cg.employees,
                title=f"{self._n(i.source)} → {self._n(i.target)}: {who}, {enum_text(i.strength, self.lang)}",
            )

    def _n(self, nid: str) -> str:
        return f"{self.names.get(nid, nid)} ({nid})"

    def edge_for_step(self, u: str, v: str, kind: str) -> tuple[dict[str, Any] | None, bool]:
        """The drawn edge behind the step u → v of arc kind ``kind``, and whether the step
        runs against the edge's drawn direction (a referral up a reporting line)."""
        if kind == ARC_REPORTS_DOWN:
            return self._drawn(f"r:{u}>{v}"), False
        if kind == ARC_REPORTS_UP:
            return self._drawn(f"r:{v}>{u}"), True
        if kind in (ARC_INTERNAL, ARC_EXTERNAL):
            return self._drawn(f"{'i' if kind == ARC_INTERNAL else 'x'}:{u}>{v}"), False
        return None, False

    def _drawn(self, eid: str) -> dict[str, Any] | None:
        if eid not in self.edge_ids:
            return None
        return self.edge_by_id[eid]

    def path_edge_ids(self, steps: Sequence[Step]) -> list[str]:
        return [e["id"] for st in steps if (e := self.edge_for_step(st.from_, st.to, st.kind)[0]) is not None]

    def highlight(self, steps: Sequence[Step], *, within_budget: bool = True, cost: int | None = None) -> list[str]:
        """Mark the drawn edges of a best path given by its ``steps``; returns their ids.

        Within budget: solid, in the path colour. Over budget: dashed grey, the last
        step labelled with the path's cost. A step up a reporting line turns the edge's
        arrow round, so the arrow shows the direction of travel (subordinate → superior).
        A path within budget wins over one that is not on a shared edge.
        """
        ids: list[str] = []
        for n, st in enumerate(steps):
            e, backwards = self.edge_for_step(st.from_, st.to, st.kind)
            if e is None:
                continue
            ids.append(e["id"])
            travel = e.setdefault("travel", [])
            way = "from" if backwards else "to"
            if way not in travel:
                travel.append(way)
            e["arrows"] = ",".join(sorted(travel))
            if within_budget:
                e["on_path"] = True
                e.pop("over_budget", None)
                e.pop("label", None)
                e["width"] = e["base_width"] + 3
                e["color"] = dict(e["color"], color=PATH_COLOUR)
                e["dashes"] = False
                e["shadow"] = {"enabled": True, "color": "rgba(255,140,0,0.45)", "size": 8, "x": 0, "y": 0}
            elif not e.get("on_path"):
                e["over_budget"] = True
                e["width"] = e["base_width"] + 1.5
                e["color"] = dict(e["color"], color=OVER_BUDGET_COLOUR)
                e["dashes"] = [10, 6]
                if n == len(steps) - 1 and cost is not None:
                    e["label"] = f"cost {cost}"
                    e["font"] = {"color": OVER_BUDGET_COLOUR, "size": 12, "strokeWidth": 0, "background": "#ffffff"}
        return ids

    def attach_path(self, nid: str, edge_ids: list[str], path: list[str]) -> None:
        node = self.net.node_map.get(nid)
        if node is not None:
            node["path_edges"] = edge_ids
            node["path_nodes"] = path

    def result(self, **kw: Any) -> RelationshipMap:
        nodes = [self.contract[n["id"]] for n in self.net.nodes]
        return RelationshipMap(nodes=list(self.net.nodes), edges=list(self.net.edges), contract_nodes=nodes, contract_paths=self.paths, **kw)

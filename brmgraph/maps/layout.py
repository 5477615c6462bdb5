"""Layout: org-chart levels and the vis-network options (hierarchical or force)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from ..graph import CustomerGraph


def org_levels(cg: CustomerGraph, persons: Iterable[str]) -> dict[str, int]:
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


def tree_readable(levels: dict[str, int], staff: int) -> bool:
    """Use the hierarchical layout when there are reporting lines and no row is too wide."""
    if not levels or max(levels.values()) < 2:
        return False
    widths: dict[int, int] = defaultdict(int)
    for lv in levels.values():
        widths[lv] += 1
    return max([staff, *widths.values()]) <= MAX_LEVEL_WIDTH


def vis_options(n_nodes: int, hierarchical: bool, computed: bool = False) -> dict[str, Any]:
    """vis-network options: ``computed`` when every node carries its x/y (no physics at all),
    else the hierarchical layout or a force layout that stops once it has settled."""
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
    if computed:
        opts["layout"] = {"improvedLayout": False, "hierarchical": {"enabled": False}}
        opts["physics"] = {"enabled": False}
        # labels sit on a white ground (edges pass under them) and wrap instead of running wide
        opts["nodes"]["font"]["size"] = 16
        opts["nodes"]["font"]["background"] = "rgba(255,255,255,0.88)"
        opts["nodes"]["widthConstraint"] = {"maximum": LABEL_WIDTH}
        opts["interaction"]["hideEdgesOnDrag"] = False
    elif hierarchical:
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


# --------------------------------------------------------------------------- computed org chart
#: horizontal room of one node (its label wraps at LABEL_WIDTH), vertical room of a level
NODE_W = 180
LABEL_WIDTH = 150
LEVEL_H = 150
#: subordinates without subordinates of their own are stacked in a grid this many wide
LEAF_COLS = 3
LEAF_ROW_H = 125
#: gap between department blocks, and between the people band and the org chart
BLOCK_GAP = 110
#: width / height the chart aims at (a screen)
SCREEN_RATIO = 1.6


class _Block:
    """A laid-out part of the chart: node positions relative to its top-left corner."""

    __slots__ = ("w", "h", "pos")

    def __init__(self, w: float, h: float, pos: dict[str, tuple[float, float]]) -> None:
        self.w, self.h, self.pos = w, h, pos

    def shifted(self, dx: float, dy: float) -> dict[str, tuple[float, float]]:
        return {k: (x + dx, y + dy) for k, (x, y) in self.pos.items()}


def _grid(ids: list[str], cols: int, row_h: float = LEAF_ROW_H) -> _Block:
    cols = max(1, min(cols, len(ids)))
    pos = {x: ((i % cols) * NODE_W + NODE_W / 2, (i // cols) * row_h) for i, x in enumerate(ids)}
    rows = (len(ids) + cols - 1) // cols
    return _Block(cols * NODE_W, rows * row_h, pos)


def _tree(root: str, kids: dict[str, list[str]]) -> _Block:
    """Tidy top-down layout of the subtree under ``root``; leaf subordinates go in a grid."""
    children = kids.get(root, [])
    if not children:
        return _Block(NODE_W, LEAF_ROW_H, {root: (NODE_W / 2, 0.0)})
    leaves = [c for c in children if not kids.get(c)]
    inner = [c for c in children if kids.get(c)]
    items: list[_Block] = []
    if len(leaves) > 2:
        items.append(_grid(leaves, LEAF_COLS))
    else:
        items += [_tree(c, kids) for c in leaves]
    items += [_tree(c, kids) for c in inner]
    # a wide row of subordinates wraps into several rows, so a big chart stays about screen-shaped
    width = sum(b.w for b in items)
    area = sum(b.w * b.h for b in items)
    target = max(max(b.w for b in items), (area * SCREEN_RATIO) ** 0.5)
    if width <= 1.3 * target:
        target = width
    pos: dict[str, tuple[float, float]] = {}
    x = row_h = 0.0
    y: float = LEVEL_H
    widest = 0.0
    for b in items:
        if x > 0 and x + b.w > target + 1:
            x, y, row_h = 0.0, y + row_h, 0.0
        pos.update(b.shifted(x, y))
        x += b.w
        widest = max(widest, x)
        row_h = max(row_h, b.h)
    total = max(NODE_W, widest)
    pos[root] = (total / 2, 0.0)
    return _Block(total, y + row_h, pos)


def _shelves(blocks: list[tuple[str, _Block]], width: float) -> tuple[dict[str, tuple[float, float]], list[dict[str, Any]], float, float]:
    """Pack labelled blocks left to right into rows no wider than ``width``."""
    pos: dict[str, tuple[float, float]] = {}
    groups: list[dict[str, Any]] = []
    x = y = row_h = 0.0
    widest = 0.0
    head = 62.0
    for label, b in blocks:
        if x > 0 and x + b.w > width:
            x, y = 0.0, y + row_h + BLOCK_GAP
            row_h = 0.0
        pos.update(b.shifted(x, y + head))
        if label:
            groups.append({"label": label, "x": x + 4, "y": y})
        x += b.w + BLOCK_GAP / 2
        widest = max(widest, x)
        row_h = max(row_h, b.h + head)
    return pos, groups, widest, y + row_h


def org_chart(
    cg: CustomerGraph,
    persons: Iterable[str],
    bands: Sequence[tuple[str, Sequence[str]]] = (),
    *,
    aspect: float = 1.6,
) -> tuple[dict[str, tuple[float, float]], list[dict[str, Any]]]:
    """Positions for an org chart of ``persons`` by ``reports_to`` (levels top-down), and
    the headings to draw. Reporting trees and people who report to nobody drawn are
    grouped by department; department blocks are packed in rows so the whole chart has
    roughly the ``aspect`` of a screen. ``bands`` (heading, ids) are drawn above the
    chart as grids (our employees, competitor staff)."""
    persons = sorted(set(persons))
    levels = org_levels(cg, persons)
    inside = set(persons)
    dept = {p: (cg.persons[p].department or "") for p in persons}
    kids: dict[str, list[str]] = defaultdict(list)
    roots: list[str] = []
    for p in persons:
        up = cg.persons[p].reports_to
        if up and up in inside and levels.get(up, 0) + 1 == levels.get(p):
            kids[up].append(p)
        else:
            roots.append(p)
    for k in kids:
        kids[k].sort(key=lambda x: (dept[x], cg.persons[x].name or x, x))
    by_dept: dict[str, list[str]] = defaultdict(list)
    for r in roots:
        by_dept[dept[r]].append(r)
    blocks: list[tuple[str, _Block]] = []
    for d in sorted(by_dept, key=lambda d: (d == "", d)):
        rs = by_dept[d]
        trees = [_tree(r, kids) for r in rs if kids.get(r)]
        alone = [r for r in rs if not kids.get(r)]
        parts = trees + ([_grid(alone, max(2, min(4, int(len(alone) ** 0.5 + 0.99))))] if alone else [])
        pos: dict[str, tuple[float, float]] = {}
        x = 0.0
        for b in parts:
            pos.update(b.shifted(x, 0))
            x += b.w
        blocks.append((d or "(no department)", _Block(x, max(b.h for b in parts), pos)))
    # the row width at which the packed chart fits a screen of that aspect at the largest scale
    widest_block = max((b.w for _, b in blocks), default=NODE_W)
    best = None
    acc = 0.0
    for _, b in blocks:
        acc += b.w + BLOCK_GAP / 2
        if acc < widest_block:
            continue
        packed = _shelves(blocks, acc)
        scale = min(aspect / max(packed[2], 1.0), 1.0 / max(packed[3], 1.0))
        if best is None or scale > best[0]:
            best = (scale, packed)
    pos, groups, width, height = best[1] if best else _shelves(blocks, widest_block)
    # the bands (our employees, competitor staff) above the chart
    band_blocks = [(h, _grid(list(ids), max(4, int(max(width, NODE_W * 4) // NODE_W) // max(1, len([b for b in bands if b[1]]))))) for h, ids in bands if ids]
    if band_blocks:
        bpos, bgroups, _, bheight = _shelves(band_blocks, max(width, sum(b.w for _, b in band_blocks) + BLOCK_GAP))
        shift = bheight + BLOCK_GAP
        pos = {k: (x, y + shift) for k, (x, y) in pos.items()}
        groups = bgroups + [{**g, "y": g["y"] + shift} for g in groups]
        pos.update(bpos)
    return {k: (round(x, 1), round(y, 1)) for k, (x, y) in pos.items()}, groups


def grid_bands(bands: Sequence[tuple[str, Sequence[str]]], *, aspect: float = 1.6) -> tuple[dict[str, tuple[float, float]], list[dict[str, Any]]]:
    """Bands of nodes stacked top-down, each a grid with a heading; the grids share one
    width, chosen so the whole picture is about screen-shaped."""
    total = sum(len(ids) for _, ids in bands) or 1
    cols = max(4, int((total * aspect * LEAF_ROW_H / NODE_W) ** 0.5 + 0.999))
    pos: dict[str, tuple[float, float]] = {}
    groups: list[dict[str, Any]] = []
    y = 0.0
    for heading, ids in bands:
        if not ids:
            continue
        groups.append({"label": heading, "x": 4.0, "y": y})
        b = _grid(list(ids), cols)
        pos.update(b.shifted(0, y + 62))
        y += 62 + b.h + BLOCK_GAP / 2
    return {k: (round(x, 1), round(yy, 1)) for k, (x, yy) in pos.items()}, groups

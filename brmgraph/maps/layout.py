"""Layout: org-chart levels and the vis-network options (hierarchical or force)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable

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


def vis_options(n_nodes: int, hierarchical: bool) -> dict[str, Any]:
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

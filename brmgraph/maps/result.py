"""The result of drawing: :class:`RelationshipMap`, vis-network nodes and edges plus the page."""

from __future__ import annotations

import html as _html
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import NotFound
from .layout import vis_options


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
    scope: dict[str, Any] = field(default_factory=dict)
    max_cost: int = 4
    #: the data contract: per drawn node its coverage and exposure answers, per drawn path its cost
    contract_nodes: list[dict[str, Any]] = field(default_factory=list)
    contract_paths: list[dict[str, Any]] = field(default_factory=list)
    #: True when every node carries computed x/y (no physics in the browser)
    computed: bool = False
    #: headings drawn on the canvas (departments, bands): {"label", "x", "y"}
    groups: list[dict[str, Any]] = field(default_factory=list)
    #: other views of the same nodes: name -> {"ids", "pos", "groups", "label"}; the page
    #: starts in ``start_view`` ("all" = every node at its own x/y)
    views: dict[str, dict[str, Any]] = field(default_factory=dict)
    start_view: str = "all"
    #: extra data the page can add on click (aggregated maps): hub id -> {"nodes", "edges"}
    expand: dict[str, dict[str, Any]] = field(default_factory=dict)
    lang: str | None = None

    def restrict(self, keep: set[str]) -> None:
        """Keep only the nodes in ``keep`` (and the edges and paths among them)."""
        self.nodes = [n for n in self.nodes if n["id"] in keep]
        self.edges = [e for e in self.edges if e["from"] in keep and e["to"] in keep]
        self.contract_nodes = [n for n in self.contract_nodes if n["id"] in keep]
        self.contract_paths = [p for p in self.contract_paths if set(p["path"]) <= keep]
        for n in self.nodes:
            if "path_nodes" in n and not set(n["path_nodes"]) <= keep:
                del n["path_nodes"], n["path_edges"]

    def contract(self) -> dict[str, Any]:
        """What the page embeds as ``<script type="application/json" id="brm-map">``."""
        return {
            "kind": self.kind,
            "scope": self.scope,
            "perspective": self.perspective,
            "max_cost": self.max_cost,
            "nodes": self.contract_nodes,
            "paths": self.contract_paths,
        }

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
        return vis_options(len(self.nodes), self.hierarchical and not self.computed, self.computed)

    def place(self, pos: dict[str, tuple[float, float]], groups: list[dict[str, Any]] | None = None) -> None:
        """Give every node its computed position (nodes missing from ``pos`` keep none)."""
        for n in self.nodes:
            if n["id"] in pos:
                n["x"], n["y"] = pos[n["id"]]
                n.pop("level", None)
        self.computed = all("x" in n for n in self.nodes)
        self.groups = list(groups or [])

    def html(self) -> str:
        """The whole page: one self-contained HTML document."""
        from .page import render

        return render(self)

    def write(self, path: str | Path) -> Path:
        p = Path(path)
        if p.parent and not p.parent.exists():
            raise NotFound(f"folder {p.parent} does not exist")
        from ..fsutil import atomic_write

        atomic_write(p, self.html())  # the whole page or no file
        return p

    def _repr_html_(self) -> str:  # Jupyter: show the map in an iframe
        doc = _html.escape(self.html(), quote=True)
        return f'<iframe srcdoc="{doc}" style="width:100%;height:720px;border:1px solid #ddd"></iframe>'

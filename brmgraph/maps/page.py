"""The HTML page around a map: template (package data), inlined vis-network, escaped data."""

from __future__ import annotations

import html as _html
import json
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from .style import legend_html

if TYPE_CHECKING:
    from .result import RelationshipMap

#: the vis-network build pyvis ships; the maps inline it, the web app serves it
VIS_VERSION = "9.1.2"


@lru_cache(maxsize=1)
def vis_assets() -> str:
    """vis-network's minified JavaScript, read from the copy inside the pyvis package."""
    lib = resources.files("pyvis") / "lib" / f"vis-{VIS_VERSION}"
    return (lib / "vis-network.min.js").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def page_template() -> str:
    """The HTML page of a map (package data ``brmgraph/maps/templates/map.html``)."""
    return (resources.files("brmgraph.maps") / "templates" / "map.html").read_text(encoding="utf-8")


def script_json(obj: Any) -> str:
    """JSON safe to put inside a <script> element."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return text.replace("</", "<\\/").replace("<!--", "<\\!--").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def render(m: RelationshipMap) -> str:
    data = {"kind": m.kind, "perspective": m.perspective, "nodes": m.nodes, "edges": m.edges, "options": m.options()}
    summary = "".join(f'<div class="sum">{_html.escape(s)}</div>' for s in m.summary)
    replacements = {
        "__TITLE__": _html.escape(m.title),
        "__H1__": _html.escape(m.title),
        "__SUB__": _html.escape(m.subtitle),
        "__SUMMARY__": summary,
        "__LEGEND__": legend_html(),
        "__N__": str(len(m.nodes)),
    }
    page = page_template()
    for k, v in replacements.items():
        page = page.replace(k, v)
    # the data and the library go in last so that nothing inside them is substituted
    head, _, tail = page.partition("__CONTRACT__")
    page = head + script_json(m.contract()) + tail
    head, _, tail = page.partition("__DATA__")
    page = head + script_json(data) + tail
    head, _, tail = page.partition("__VIS__")
    return head + vis_assets().replace("</script", "<\\/script") + tail

"""The HTML page around a map: template (package data), inlined vis-network, escaped data."""

from __future__ import annotations

import html as _html
import json
import re
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from .style import bi, legend_html

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
    # no "<", ">" or "&" at all: nothing in the data can end the element or open a comment
    return (
        text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )


def _packed(obj: Any) -> str:
    import base64
    import gzip

    raw = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.b64encode(gzip.compress(raw, compresslevel=6, mtime=0)).decode("ascii")


def render(m: RelationshipMap, *, vis_src: str | None = None, toolbar: str = "") -> str:
    """The page of ``m``. By default vis-network is inlined (a file that opens offline);
    with ``vis_src`` the page loads it from that URL instead (the web app serves it).
    ``toolbar`` is trusted HTML put above the title."""
    data = {
        "kind": m.kind,
        "perspective": m.perspective,
        "nodes": m.nodes,
        "edges": m.edges,
        "options": m.options(),
        "groups": m.groups,
        "views": m.views,
        "view": m.start_view,
        "expand": {},
        "expand_hubs": sorted(m.expand),
        # what a click opens, gzip-compressed (DecompressionStream unpacks it in the page)
        "expand_gz": _packed(m.expand) if m.expand else "",
    }
    summary = "".join(f'<div class="sum">{_html.escape(s)}</div>' for s in m.summary)
    if vis_src is not None:
        vis = f'<script src="{_html.escape(vis_src)}"></script>'
    else:
        vis = "<script>" + vis_assets().replace("</script", "<\\/script") + "</script>"
    values = {
        "TITLE": _html.escape(m.title),
        "H1": _html.escape(m.title),
        "SUB": _html.escape(m.subtitle),
        "SUMMARY": summary,
        "LEGEND": legend_html(m.lang),
        "LEGENDHEAD": bi("Legend 图例", m.lang),
        "N": str(len(m.nodes)),
        "TOOLBAR": toolbar,
        "CONTRACT": script_json(m.contract()),
        "DATA": script_json(data),
        "VISTAG": vis,
    }
    # one pass: nothing substituted (names, titles, the library) is looked at again
    return _PLACEHOLDER.sub(lambda x: values[x.group(1)], page_template())


_PLACEHOLDER = re.compile(r"__(TITLE|H1|SUB|SUMMARY|LEGENDHEAD|LEGEND|N|TOOLBAR|CONTRACT|DATA|VISTAG)__")

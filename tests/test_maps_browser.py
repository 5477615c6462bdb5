"""The four maps of the demo company in real headless Chromium, offline.

For each map kind: the page loads with no network request (DevTools ``Network`` events,
with the browser offline), no script error, vis-network draws exactly the expected nodes
and edges (read from ``network.body.data`` inside the page), the layout settles and
physics stops, hover cards are real DOM elements, and the screenshot is not blank.
A 500-node map must settle within a time limit.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest

from brmgraph import maps
from brmgraph.graph import CustomerGraph
from tests.fixtures_browser import pixel_stats
from tests.test_maps import demo_store, expected_demo_counts, synthetic

pytestmark = pytest.mark.browser

TODAY = date(2026, 11, 1)
KINDS = [("customer", "C1"), ("project", "J1"), ("company", None), ("competitor", "K1")]


@pytest.fixture(scope="module")
def demo_maps(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The demo's four maps written to HTML files, with their expected counts."""
    from brmgraph.store import open_store

    folder = tmp_path_factory.mktemp("maps")
    url = demo_store(folder)
    expected = expected_demo_counts(url)
    out = {}
    st = open_store(url)
    try:
        for kind, ident in KINDS:
            m = maps.map_from_store(st, kind, ident, today=TODAY)
            path = m.write(folder / f"{kind}.html")
            out[(kind, ident)] = (m, path, expected[(kind, ident)])
    finally:
        st.close()
    return out


def drawn(page) -> dict:
    return page.eval(
        """({nodes: network.body.data.nodes.length, edges: network.body.data.edges.length,
             shownNodes: network.body.nodeIndices.length, shownEdges: network.body.edgeIndices.length,
             physics: network.physics.physicsEnabled, reason: window.brmReadyReason,
             kinds: network.body.data.nodes.get().reduce(function (a, n) { a[n.kind] = (a[n.kind] || 0) + 1; return a; }, {})})"""
    )


@pytest.mark.parametrize("kind, ident", KINDS, ids=[k for k, _ in KINDS])
def test_demo_map_in_chromium(browser, demo_maps, kind: str, ident: str | None, tmp_path: Path) -> None:
    m, path, want = demo_maps[(kind, ident)]
    url = path.resolve().as_uri()
    with browser.open(url) as page:
        assert page.external_requests(url) == [], "the map must not touch the network"
        assert page.requests == [url]
        assert page.errors == []
        d = drawn(page)
        assert {"nodes": d["nodes"], "edges": d["edges"]} == want == m.counts()
        assert d["shownNodes"] == want["nodes"] and d["shownEdges"] == want["edges"]
        assert d["physics"] is False, "physics must stop once the layout has settled"
        assert d["reason"] in ("stabilized", "static")
        kinds = {k: v for k, v in m.count_by_kind().items() if k in d["kinds"]}
        assert d["kinds"] == kinds
        # hover cards are DOM elements holding the seven features
        card = page.eval(
            "(function(){var n = network.body.data.nodes.get().find(function (x) { return x.kind === 'key_person'; });"
            " return n.title instanceof HTMLElement ? n.title.textContent : null;})()"
        )
        assert card and "关系紧密度" in card and "一票否决人" in card and "Strategy" in card
        assert page.eval("document.title") == m.title
        assert page.eval("document.getElementById('legend').textContent").count("Closeness") == 1
        png = page.screenshot()
        (tmp_path / f"{kind}.png").write_bytes(png)
        variance, colours = pixel_stats(png)
        assert variance > 200 and colours > 500, (variance, colours)
        # the drawing itself is not blank: the network canvas has many distinct pixels
        inked = page.eval(
            """(function(){var c = document.querySelector('#mynetwork canvas'); var x = c.getContext('2d');
                 var d = x.getImageData(0, 0, c.width, c.height).data, n = 0;
                 for (var i = 3; i < d.length; i += 4 * 7) if (d[i] > 0) n++; return n;})()"""
        )
        assert inked > 1000


def test_clicking_a_person_selects_its_best_path(browser, demo_maps) -> None:
    m, path, _ = demo_maps[("customer", "C1")]
    target = next(n for n in m.nodes if n.get("path_edges"))
    url = path.resolve().as_uri()
    with browser.open(url) as page:
        pos = page.eval(f"network.canvasToDOM(network.getPosition({target['id']!r}))")
        for kind in ("mousePressed", "mouseReleased"):
            page.send("Input.dispatchMouseEvent", {"type": kind, "x": pos["x"], "y": pos["y"] + _canvas_top(page), "button": "left", "clickCount": 1})
        time.sleep(0.3)
        sel = page.eval("network.getSelection()")
        assert sorted(sel["edges"]) == sorted(target["path_edges"])


def _canvas_top(page) -> float:
    return page.eval("document.getElementById('mynetwork').getBoundingClientRect().top")


def test_500_node_map_settles(browser, tmp_path: Path, record_property) -> None:
    cg = CustomerGraph.from_dataset(synthetic(), "C1")
    t0 = time.perf_counter()
    m = maps.customer_map(cg, today=TODAY)
    path = m.write(tmp_path / "big.html")
    build = time.perf_counter() - t0
    url = path.resolve().as_uri()
    with browser.open(url, wait=120) as page:
        d = drawn(page)
        render_ms = page.eval("window.brmRenderMs")
        assert page.external_requests(url) == [] and page.errors == []
        assert d["nodes"] == 500 and d["edges"] == m.counts()["edges"]
        assert d["physics"] is False and d["reason"] == "stabilized"
        variance, colours = pixel_stats(page.screenshot())
        assert variance > 200 and colours > 500
    size = path.stat().st_size
    record_property("map_500_build_seconds", round(build, 2))
    record_property("map_500_render_ms", round(render_ms))
    record_property("map_500_bytes", size)
    print(f"\n500-node map: build {build:.2f} s, browser layout+draw {render_ms / 1000:.1f} s, {size / 1e6:.2f} MB")
    assert render_ms < 60_000

"""Benchmarks of `brmgraph serve` and the maps (issue 12).

    python bench/web.py [--customers 200] [--persons 60] [--store URL] [--detail-in-browser]

Without --store it generates a store of ``--customers`` customers with ``--persons`` key
persons each into a temporary folder. Measures, in process (Starlette's TestClient, no
network): the customer page and ``/api/report`` of a 60-person customer, p50 and p95
over 20 requests after one warm-up; then the 500-node map's time to stable in headless
Chromium (Playwright on /usr/bin/chromium); then ``map company`` of the store twice, drawn in
detail (every key person: how it was before aggregation) and aggregated (one node per
customer, the default above 25 customers): build time, file size, nodes, and for the
aggregated one (the detailed one too with --detail-in-browser: minutes at 500 customers)
the time until the page is ready in Chromium. Prints one JSON document.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _timed(fn, n: int = 20) -> dict[str, float]:
    fn()
    ms = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        ms.append((time.perf_counter() - t0) * 1000)
    ms.sort()
    return {"p50_ms": round(statistics.median(ms), 1), "p95_ms": round(ms[int(0.95 * (len(ms) - 1))], 1)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=200)
    ap.add_argument("--persons", type=int, default=60)
    ap.add_argument("--store")
    ap.add_argument("--detail-in-browser", action="store_true")
    args = ap.parse_args()
    import warnings

    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

    from brmgraph.dataset import import_path
    from brmgraph.generate import generate
    from brmgraph.store import open_store
    from brmgraph.web import create_app

    tmp = tempfile.mkdtemp(prefix="brm-bench-web-")
    url = args.store
    if not url:
        data = Path(tmp) / "data.json"
        generate(str(data), customers=args.customers, persons_per=args.persons, employees=300, competitors=5, seed=7)
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        st = open_store(url)
        import_path(st, data)
        st.close()
    st = open_store(url)
    cid = next(c.id for c in st.customers())
    persons = len(st.customer_graph(cid).key_persons)
    st.close()
    c = TestClient(create_app(url))
    out: dict = {"store": url.split("///")[0] + "///…", "customer": cid, "key_persons": persons}
    out["customer_page"] = _timed(lambda: c.get(f"/customers/{cid}").raise_for_status())
    out["api_report"] = _timed(lambda: c.get(f"/api/report?customer={cid}").raise_for_status())
    out["map_500"] = _map_500(Path(tmp))
    out["company_map"] = _company(url, Path(tmp), args.detail_in_browser)
    print(json.dumps(out, indent=2))


def _in_browser(path: Path) -> dict:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"browser": "playwright not installed"}
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = b.new_page(viewport={"width": 1400, "height": 900})
        t1 = time.perf_counter()
        page.goto(path.resolve().as_uri())
        page.wait_for_function("window.brmReady === true", timeout=600000)
        wall = time.perf_counter() - t1
        render_ms = page.evaluate("window.brmRenderMs")
        b.close()
    return {"ready_in_browser_s": round(wall, 2), "layout_and_draw_s": round(render_ms / 1000, 2)}


def _company(url: str, folder: Path, detail_in_browser: bool) -> dict:
    from brmgraph import maps
    from brmgraph.store import open_store

    out: dict = {}
    st = open_store(url)
    try:
        out["customers"] = len(st.customers())
        for name, agg in (("detailed", False), ("aggregated", True)):
            t0 = time.perf_counter()
            m = maps.map_from_store(st, "company", today=date(2026, 11, 1), aggregate=agg)
            path = m.write(folder / f"company-{name}.html")
            row = {"build_s": round(time.perf_counter() - t0, 2), "bytes": path.stat().st_size, "nodes": len(m.nodes), "edges": len(m.edges)}
            if agg or detail_in_browser:
                row.update(_in_browser(path))
            out[name] = row
    finally:
        st.close()
    return out


def _map_500(folder: Path) -> dict:
    from brmgraph import maps
    from brmgraph.graph import CustomerGraph
    from tests.test_maps import synthetic

    t0 = time.perf_counter()
    m = maps.customer_map(CustomerGraph.from_dataset(synthetic(), "C1"), today=date(2026, 11, 1))
    path = m.write(folder / "map500.html")
    build = time.perf_counter() - t0
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"build_s": round(build, 2), "browser": "playwright not installed"}
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = b.new_page(viewport={"width": 1400, "height": 900})
        t1 = time.perf_counter()
        page.goto(path.resolve().as_uri())
        page.wait_for_function("window.brmReady === true", timeout=180000)
        wall = time.perf_counter() - t1
        render_ms = page.evaluate("window.brmRenderMs")
        b.close()
    return {"nodes": len(m.nodes), "build_s": round(build, 2), "stable_in_browser_s": round(render_ms / 1000, 2), "wall_s": round(wall, 2), "bytes": path.stat().st_size}


if __name__ == "__main__":
    main()

"""Benchmarks of `brmgraph serve` and the maps (issues 12 and 20).

    python bench/web.py [--customers 200] [--persons 60] [--store URL] [--detail-in-browser]
    python bench/web.py --concurrency [--clients 20] [--persons 4000] [--store URL] [--code DIR]

``--concurrency`` (issue 20) measures whether a slow request stalls the others: it
starts ``brmgraph serve`` (a real uvicorn process, with the limits ``serve`` sets) on a
store holding a ``--persons``-person customer C1 (generated unless ``--store`` is
given), lets ``--clients`` clients each request C1's map over and over (each with its
own ``max_cost``, so no two share a rendered page), and meanwhile requests a small page
(``/static/brm.css``, then the cached ``/api/customers``) every 0.25 s: p50, p95 and
the slowest of those small requests, idle and under load, and how many maps were served.
``--code DIR`` serves with another checkout's ``brmgraph`` package (for a before/after).

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
    ap.add_argument("--concurrency", action="store_true")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--probes", type=int, default=40)
    ap.add_argument("--code")
    ap.add_argument("--probe-timeout", type=float, default=600.0)
    args = ap.parse_args()
    if args.concurrency:
        print(json.dumps(_concurrency(args), indent=2))
        return
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


def _percentiles(ms: list[float]) -> dict[str, float]:
    ms = sorted(ms)
    return {"p50_ms": round(statistics.median(ms), 1), "p95_ms": round(ms[int(0.95 * (len(ms) - 1))], 1),
            "max_ms": round(ms[-1], 1), "n": len(ms)}


def _concurrency(args: argparse.Namespace) -> dict:
    import os
    import socket
    import subprocess
    import threading

    import httpx

    tmp = Path(tempfile.mkdtemp(prefix="brm-bench-web-"))
    url = args.store
    persons = args.persons if args.persons != 60 else 4000
    if not url:
        from brmgraph.generate import generate
        from brmgraph.service.stores import connect

        data = tmp / "data.json"
        generate(str(data), customers=2, persons_per=persons, employees=300, competitors=5, seed=7)
        url = f"sqlite:///{tmp / 'bench.db'}"
        from brmgraph.dataset import import_path

        st = connect(url, create=True)
        import_path(st, data)
        st.close()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    env = dict(os.environ)
    if args.code:
        env["PYTHONPATH"] = args.code
    # run from the temporary folder: ``-m`` puts the working directory first on sys.path,
    # which would shadow ``--code``
    server = subprocess.Popen([sys.executable, "-m", "brmgraph", "serve", "--store", url, "--port", str(port)],
                              env=env, cwd=tmp, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    out: dict = {"clients": args.clients, "key_persons_of_C1": persons, "code": args.code or "this checkout"}
    try:
        for _ in range(600):
            try:
                httpx.get(base + "/static/brm.css", timeout=5)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        t0 = time.perf_counter()
        httpx.get(base + "/api/customers", timeout=600).raise_for_status()
        out["customer_list_first_s"] = round(time.perf_counter() - t0, 2)

        def probe(n: int) -> dict:
            ms: dict[str, list[float]] = {"/static/brm.css": [], "/api/customers": []}
            with httpx.Client(base_url=base, timeout=args.probe_timeout) as c:  # one kept-alive connection
                for i in range(n):
                    path = ("/static/brm.css", "/api/customers")[i % 2]
                    t1 = time.perf_counter()
                    try:
                        c.get(path).raise_for_status()
                    except httpx.TimeoutException:
                        return {"timed_out_after_s": args.probe_timeout, "answered_before": sum(map(len, ms.values()))}
                    ms[path].append((time.perf_counter() - t1) * 1000)
                    time.sleep(0.25)
            return {"all": _percentiles(ms["/static/brm.css"] + ms["/api/customers"]),
                    **{k: _percentiles(v) for k, v in ms.items()}}

        out["small_idle"] = probe(20)
        stop = threading.Event()
        served: list[float] = []
        failed: list[str] = []
        sent = threading.Semaphore(0)
        # one client for the 20 threads: its set-up (TLS contexts) is paid once, so every
        # map request is on the wire before the probing starts
        pool = httpx.Client(timeout=900, limits=httpx.Limits(max_connections=args.clients + 5))

        def client(k: int) -> None:
            while not stop.is_set():
                t1 = time.perf_counter()
                sent.release()
                try:
                    r = pool.get(f"{base}/customers/C1?max_cost={k}")
                except httpx.HTTPError as exc:
                    if not stop.is_set():
                        failed.append(repr(exc))
                    return
                if r.status_code == 200 and not stop.is_set():
                    served.append(time.perf_counter() - t1)

        threads = [threading.Thread(target=client, args=(k + 1,), daemon=True) for k in range(args.clients)]
        for t in threads:
            t.start()
        for _ in threads:
            sent.acquire()
        time.sleep(3)
        t0 = time.perf_counter()
        out["small_under_load"] = probe(args.probes)
        out["load_window_s"] = round(time.perf_counter() - t0 + 3, 1)
        stop.set()
        out["maps_served_in_window"] = len(served)
        out["map_requests_failed"] = failed[:3]
        if served:
            out["map_s_first"] = round(min(served), 1)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    return out


if __name__ == "__main__":
    main()

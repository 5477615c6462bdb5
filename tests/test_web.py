"""`brmgraph serve` without a browser: the JSON API equals the CLI's --json, errors,
the token, and names that try to break out of the page.

The browser half (customer list, search, map, click) is tests/test_web_browser.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders import run_process
from tests.test_maps import demo_store

EVIL_IMG = "<img src=x onerror=alert(1)>"
EVIL_SCRIPT = "</script><script>alert(2)</script>"


def cli_json(url: str, *args: str) -> object:
    p = run_process(*args, "--store", url, timeout=120)
    assert p.returncode == 0, p.stderr
    if "flags" in args:
        return [json.loads(line) for line in p.stdout.splitlines() if line.strip()]
    return json.loads(p.stdout)


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return demo_store(tmp_path_factory.mktemp("web"))


def client(url: str, token: str | None = None):
    from starlette.testclient import TestClient

    from brmgraph.web import create_app

    return TestClient(create_app(url, token=token))


CASES = [
    ("/api/path?to=P103", ["path", "--to", "P103", "--json"]),
    ("/api/path?to=P103&perspective=team:Finance", ["path", "--to", "P103", "-p", "team:Finance", "--json"]),
    ("/api/coverage?customer=C1", ["coverage", "--customer", "C1", "--json"]),
    ("/api/coverage?project=J1&max_cost=2", ["coverage", "--project", "J1", "--max-cost", "2", "--json"]),
    ("/api/coverage?customer=C2&perspective=competitor:K1", ["coverage", "--customer", "C2", "-p", "competitor:K1", "--json"]),
    ("/api/exposure?customer=C1", ["exposure", "--customer", "C1", "--json"]),
    ("/api/exposure?project=J1", ["exposure", "--project", "J1", "--json"]),
    ("/api/report?customer=C1&today=2026-11-01", ["report", "--customer", "C1", "--today", "2026-11-01", "--json"]),
    ("/api/flags", ["flags"]),
]


def _api_equals_cli(url: str) -> None:
    c = client(url)
    for route, args in CASES:
        r = c.get(route)
        assert r.status_code == 200, (route, r.text)
        assert r.json() == cli_json(url, *args), route


def test_api_equals_cli_json_sqlite(demo_url: str) -> None:
    _api_equals_cli(demo_url)


@pytest.mark.neo4j
def test_api_equals_cli_json_neo4j(neo4j_store, neo4j_url: str) -> None:
    from brmgraph.cli.demo import demo_data_path
    from brmgraph.dataset import import_path

    import_path(neo4j_store, demo_data_path())
    _api_equals_cli(neo4j_url)


def test_customers_api_and_pages(demo_url: str) -> None:
    c = client(demo_url)
    rows = c.get("/api/customers").json()
    cov = cli_json(demo_url, "coverage", "--customer", "C1", "--json")
    exp = cli_json(demo_url, "exposure", "--customer", "C1", "--json")
    c1 = next(r for r in rows if r["id"] == "C1")
    assert c1["coverage"] == cov["coverage"] and c1["exposed"] == len(exp["exposed"])  # type: ignore[index]
    assert {"id", "name", "key_persons", "coverage", "exposed"} <= set(c1)
    home = c.get("/?q=huaxin").text
    assert "/customers/C1" in home and "/customers/C2" not in home
    page = c.get("/customers/C1?perspective=team:Finance&focus=project:J1")
    assert page.status_code == 200 and 'id="brm-map"' in page.text
    assert '<script src="/static/vis-network.min.js"></script>' in page.text
    assert "vis.Network" in page.text and len(page.text) < 400_000  # the library is served, not inlined
    assert c.get("/projects/J1").status_code == 200
    assert c.get("/static/vis-network.min.js").status_code == 200
    flags = c.get("/flags?reason=UNCOVERED")
    assert flags.status_code == 200 and "P103" in flags.text
    csv_text = c.get("/flags.csv?project=J1").text
    # the CLI's columns (brmgraph flags --format csv): one flags for both
    cli_csv = run_process("flags", "--format", "csv", "--store", demo_url, timeout=120).stdout
    assert csv_text.splitlines()[0] == cli_csv.splitlines()[0] and "J1,C1,P103" in csv_text
    assert set(csv_text.splitlines()[1:]) <= set(cli_csv.splitlines()[1:])
    assert "default-src 'self'" in page.headers["content-security-policy"]


@pytest.mark.parametrize(
    "route, code",
    [
        ("/api/path?to=P404", 404),
        ("/api/path", 400),
        ("/api/coverage", 400),
        ("/api/coverage?customer=C1&project=J1", 400),
        ("/api/coverage?customer=C404", 404),
        ("/api/coverage?customer=C1&max_cost=-1", 400),
        ("/api/coverage?customer=C1&max_cost=many", 400),
        ("/api/coverage?customer=C1&perspective=sideways", 400),
        ("/api/coverage?customer=C1&perspective=individual:E404", 404),
        ("/api/exposure?project=J404", 404),
        ("/api/report?customer=C1&today=yesterday", 400),
        ("/customers/C404", 404),
        ("/customers/C1?focus=person:P404", 404),
        ("/customers/C1?focus=nowhere", 400),
        ("/projects/J404", 404),
        ("/no/such/page", 404),
    ],
)
def test_errors(demo_url: str, route: str, code: int) -> None:
    r = client(demo_url).get(route)
    assert r.status_code == code, r.text
    assert isinstance(r.json()["error"], str) and r.json()["error"]


def test_token(demo_url: str) -> None:
    token = "s3cret-token"
    c = client(demo_url, token=token)
    assert c.get("/api/customers").status_code == 401
    assert c.get("/api/customers", headers={"Authorization": "Bearer wrong-token"}).status_code == 401
    assert c.get("/api/customers", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    r = c.get(f"/?token={token}")
    assert r.status_code == 200 and "brm_token" in r.headers.get("set-cookie", "")
    assert c.get("/api/customers").status_code == 200  # the cookie from the visit above


def test_non_loopback_host_needs_a_token(demo_url: str) -> None:
    p = subprocess.run(
        [sys.executable, "-m", "brmgraph", "serve", "--host", "0.0.0.0", "--store", demo_url],
        capture_output=True, text=True, timeout=60, env={**__import__("os").environ, "BRM_TOKEN": ""},
    )
    assert p.returncode == 2 and p.stderr.startswith("error:") and "--token" in p.stderr
    assert "Traceback" not in p.stderr


@pytest.fixture(scope="module")
def evil_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The demo with a customer and key persons whose names are markup."""
    from brmgraph.cli.demo import demo_data_path
    from brmgraph.dataset import import_path
    from brmgraph.store import open_store

    folder = tmp_path_factory.mktemp("evil")
    url = f"sqlite:///{folder / 'evil.db'}"
    st = open_store(url)
    try:
        import_path(st, demo_data_path())
        data = st.export().model_dump(mode="json")
        data["customers"][0]["name"] = EVIL_SCRIPT
        for p in data["key_persons"]:
            if p["customer"] == data["customers"][0]["id"]:
                p["name"], p["title"] = EVIL_IMG, EVIL_SCRIPT
        path = Path(folder) / "evil.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        st.close()
        Path(folder / "evil.db").unlink()
        st = open_store(url)
        import_path(st, path)
    finally:
        st.close()
    return url


def test_names_are_escaped_everywhere(evil_url: str) -> None:
    c = client(evil_url)
    for route in ("/", "/customers/C1", "/projects/J1", "/flags"):
        text = c.get(route).text
        assert EVIL_IMG not in text and EVIL_SCRIPT not in text, route
        assert "<script>alert(2)" not in text and "<img src=x" not in text, route


# ------------------------------------------------------------------ runtime (issue 20)
def _fresh_demo(folder: Path) -> str:
    from brmgraph.cli.demo import demo_data_path
    from brmgraph.dataset import import_path
    from brmgraph.store import open_store

    url = f"sqlite:///{folder / 'demo.db'}"
    st = open_store(url)
    try:
        import_path(st, demo_data_path())
    finally:
        st.close()
    return url


def test_an_import_is_visible_on_the_next_request(tmp_path: Path) -> None:
    """The customer list and the flags are cached by the latest change set: an import
    by another process shows on the next request."""
    url = _fresh_demo(tmp_path)
    c = client(url)
    before = c.get("/api/customers").json()
    flags_before = c.get("/api/flags").json()
    assert c.get("/api/customers").json() == before  # answered from the cache
    data = json.loads(run_process("export", "--store", url).stdout)
    data["customers"].append({"id": "C9", "name": "Newly imported"})
    for kp in data["key_persons"]:
        if kp["id"] == "P103":  # no longer a veto holder or approver: no longer flagged
            kp["veto"], kp["approver"] = "no", "no"
    (tmp_path / "next.json").write_text(json.dumps(data), encoding="utf-8")
    p = run_process("import", str(tmp_path / "next.json"), "--replace", "--store", url)
    assert p.returncode == 0, p.stderr
    after = c.get("/api/customers").json()
    assert [r["id"] for r in after] == sorted([r["id"] for r in before] + ["C9"])
    flags_after = c.get("/api/flags").json()
    assert any(f["person"] == "P103" for f in flags_before)
    assert not any(f["person"] == "P103" for f in flags_after)
    assert flags_after == cli_json(url, "flags")


def test_an_unavailable_or_damaged_store_is_a_server_error(tmp_path: Path) -> None:
    import sqlite3

    url = _fresh_demo(tmp_path)
    c = client(url)
    db = tmp_path / "demo.db"
    con = sqlite3.connect(db)
    con.execute("DROP TABLE key_persons")
    con.commit()
    con.close()
    r = c.get("/api/customers")
    assert r.status_code == 500 and "damaged" in r.json()["error"], r.text
    for f in tmp_path.glob("demo.db*"):
        f.unlink()
    r = client_after_probe(url).get("/api/path?to=P103")
    assert r.status_code == 503 and r.json()["error"], r.text


def client_after_probe(url: str):
    """A client of an app whose store vanished after it started serving."""
    from starlette.testclient import TestClient

    from brmgraph.store.sqlite import SqliteStore
    from brmgraph.web.app import create_app

    st = SqliteStore("sqlite:///:memory:")
    st.url = url  # the app serves ``url``, which no longer exists
    return TestClient(create_app(st))


def test_request_bodies_are_bounded(demo_url: str) -> None:
    c = client(demo_url)
    r = c.request("GET", "/api/customers", content=b"x" * (65 * 1024))
    assert r.status_code == 413 and "bytes" in r.json()["error"]
    assert "default-src 'self'" in r.headers["content-security-policy"]


def _serve(url: str) -> tuple[object, str]:
    """A real uvicorn server of the app on a free port, in a thread."""
    import socket
    import threading
    import time

    import uvicorn

    from brmgraph.cli.serve import SERVER_LIMITS
    from brmgraph.web import create_app

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    server = uvicorn.Server(uvicorn.Config(create_app(url), host="127.0.0.1", port=port, log_level="error",
                                           **SERVER_LIMITS))
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}"


def test_a_small_request_is_not_stalled_by_slow_ones(tmp_path: Path) -> None:
    """Four big customer maps computing at once (each takes seconds) do not hold up the
    style sheet or the cached customer list: they answer while every map is still being
    drawn. Before issue 20 the handlers ran on the event loop and waited for the maps."""
    import threading
    import time

    import httpx

    from brmgraph.dataset import import_path
    from brmgraph.generate import generate
    from brmgraph.store import open_store

    generate(tmp_path / "big.json", customers=1, persons_per=1500, employees=200, competitors=3, seed=3)
    url = f"sqlite:///{tmp_path / 'big.db'}"
    st = open_store(url)
    try:
        import_path(st, tmp_path / "big.json")
    finally:
        st.close()
    server, base = _serve(url)
    try:
        assert httpx.get(f"{base}/api/customers", timeout=120).status_code == 200  # warm: cached now
        done: list[float] = []

        def big_map(max_cost: int) -> None:
            r = httpx.get(f"{base}/customers/C1?max_cost={max_cost}", timeout=600)
            assert r.status_code == 200
            done.append(time.monotonic())

        maps = [threading.Thread(target=big_map, args=(k,)) for k in range(1, 5)]
        for t in maps:
            t.start()
        time.sleep(0.5)
        small: list[float] = []
        for path in ("/static/brm.css", "/api/customers") * 3:
            t0 = time.monotonic()
            assert httpx.get(base + path, timeout=600).status_code == 200
            small.append(time.monotonic())
            assert time.monotonic() - t0 < 5, path
        for t in maps:
            t.join()
        assert len(done) == 4
        assert max(small) < min(done), "a small request waited for a map"
    finally:
        server.should_exit = True  # type: ignore[attr-defined]

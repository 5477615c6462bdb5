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

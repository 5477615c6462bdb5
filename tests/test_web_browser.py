"""`brmgraph serve` end to end in real headless Chromium, driven by Playwright (Python),
pointed at Debian's /usr/bin/chromium (no browser download).

Open the customer list, search, open a customer, switch perspective, click a person and
see its best path selected; no request goes anywhere but the server; markup in names is
inert; screenshots are not blank.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures_browser import find_chromium, pixel_stats
from tests.test_web import evil_url  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(url: str) -> Iterator[str]:
    import uvicorn

    from brmgraph.web import create_app

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(url), host="127.0.0.1", port=port, log_level="warning"))
    t = threading.Thread(target=server.run, daemon=True)
    t.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        t.join(10)


@pytest.fixture(scope="module")
def pw_browser():
    from tests.conftest import need

    exe = find_chromium()
    need(exe is not None, "headless Chromium not installed (run scripts/install-chromium.sh)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        need(False, "playwright not installed (pip install playwright)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=["--no-sandbox", "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"])
        yield b
        b.close()


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from tests.test_maps import demo_store

    yield from serve(demo_store(tmp_path_factory.mktemp("webb")))


def _page(pw_browser, base: str):
    # bypass_csp: Playwright evaluates its own test expressions with eval, which our CSP forbids
    page = pw_browser.new_page(viewport={"width": 1400, "height": 900}, bypass_csp=True)
    seen: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: seen.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (errors.append("dialog: " + d.message), d.dismiss()))
    return page, seen, errors


def test_sales_lead_flow(pw_browser, base: str, tmp_path: Path) -> None:
    page, seen, errors = _page(pw_browser, base)
    page.goto(base + "/")
    assert page.locator("#customers tbody tr").count() >= 3
    page.fill("#search", "huaxin")
    visible = page.locator("#customers tbody tr:not([hidden])")
    assert visible.count() == 1
    visible.locator("a").first.click()
    page.wait_for_function("window.brmReady === true", timeout=60000)
    assert "/customers/C1" in page.url
    contract = page.evaluate("window.brmContract")
    assert contract["scope"] == {"customer": "C1"} and contract["perspective"] == "company"
    # switch perspective
    page.fill("#perspective", "team:Finance")
    page.click("#switch button[type=submit]")
    page.wait_for_function("window.brmReady === true", timeout=60000)
    assert page.evaluate("window.brmContract.perspective") == "team:Finance"
    # click a person that has a best path: its path is selected and its card shown
    target = page.evaluate(
        "network.body.data.nodes.get().filter(function (n) { return n.path_edges && n.path_edges.length; })[0]"
    )
    assert target, "some person has a best path"
    pos = page.evaluate(f"network.canvasToDOM(network.getPosition({target['id']!r}))")
    box = page.locator("#mynetwork").bounding_box()
    page.mouse.click(box["x"] + pos["x"], box["y"] + pos["y"])
    time.sleep(0.3)
    sel = page.evaluate("network.getSelection()")
    assert sorted(sel["edges"]) == sorted(target["path_edges"])
    assert page.locator("#panel").is_visible() and target["id"] in page.locator("#panel").inner_text()
    png = page.screenshot()
    (tmp_path / "customer.png").write_bytes(png)
    variance, colours = pixel_stats(png)
    assert variance > 200 and colours > 500
    # flags and a project page
    page.goto(base + "/flags")
    assert page.locator("#flags tbody tr").count() >= 1
    page.goto(base + "/projects/J1")
    page.wait_for_function("window.brmReady === true", timeout=60000)
    assert page.evaluate("window.brmContract.scope") == {"project": "J1"}
    assert errors == []
    assert [u for u in seen if not u.startswith(base)] == [], "no request may leave the server"
    page.close()


def test_markup_in_names_is_inert(pw_browser, evil_url: str) -> None:  # noqa: F811
    for url in serve(evil_url):
        page, seen, errors = _page(pw_browser, url)
        page.goto(url + "/")
        page.goto(url + "/customers/C1")
        page.wait_for_function("window.brmReady === true", timeout=60000)
        assert page.locator("img").count() == 0
        assert "<img src=x" in page.locator("#brm-title").inner_text() or "</script>" in page.locator("#brm-title").inner_text()
        assert errors == [] and [u for u in seen if not u.startswith(url)] == []
        page.close()

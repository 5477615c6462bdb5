"""Headless Chromium for the browser tests, driven over the Chrome DevTools protocol.

No browser is downloaded: the tests use Debian's ``chromium`` (``scripts/install-chromium.sh``)
and talk to it with ``websocket-client``. Tests take the session fixture ``browser`` (a
:class:`Chromium`) and open pages with :meth:`Chromium.open`; a :class:`Page` records
every network request the page makes, every console error and uncaught exception, and
can evaluate JavaScript and take screenshots.

Pages run offline: the browser resolves no host names (``--host-resolver-rules``) and
each page has the DevTools network emulation set to offline, so a map that tried to load
anything from a CDN would both show up in :attr:`Page.requests` and fail to draw.

When Chromium or ``websocket-client`` is missing the fixture calls
:func:`tests.conftest.need`: skipped on a laptop, a failure in CI.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_CANDIDATES = (
    os.environ.get("BRM_CHROMIUM", ""),
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
)

HEADLESS_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--disable-dev-shm-usage",
    "--mute-audio",
    "--hide-scrollbars",
    # belt and braces for "offline": no host name resolves
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    "--remote-allow-origins=*",
]


def find_chromium() -> str | None:
    for cand in CHROMIUM_CANDIDATES:
        if cand and os.path.isfile(cand) and os.access(cand, os.X_OK):
            return cand
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    return found


class CDPError(RuntimeError):
    pass


class Chromium:
    """One headless Chromium process and a DevTools connection to it."""

    def __init__(self, executable: str, *, timeout: float = 60.0) -> None:
        import websocket  # websocket-client

        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="brm-chromium-")
        # chromium's own log goes to a file: a pipe nobody reads could fill up and stall it
        self.log_path = Path(self.profile).with_suffix(".log")
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [executable, *HEADLESS_FLAGS, f"--user-data-dir={self.profile}", "--remote-debugging-port=0", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=self._log,
        )
        port_file = Path(self.profile) / "DevToolsActivePort"
        deadline = time.monotonic() + timeout
        while not (port_file.exists() and len(port_file.read_text().splitlines()) >= 2):
            if self.proc.poll() is not None:
                err = self.log_path.read_text(errors="replace")
                raise CDPError(f"chromium exited with {self.proc.returncode}: {err[-2000:]}")
            if time.monotonic() > deadline:
                self.close()
                raise CDPError("chromium did not open its DevTools port in time")
            time.sleep(0.05)
        port, path = port_file.read_text().splitlines()[:2]
        self.ws = websocket.create_connection(
            f"ws://127.0.0.1:{port}{path}", timeout=timeout, suppress_origin=True, enable_multithread=False
        )
        self._id = 0
        self._events: list[dict] = []
        self.version = self.send("Browser.getVersion")

    # ------------------------------------------------------------------ protocol
    def send(self, method: str, params: dict | None = None, session: str | None = None, timeout: float | None = None) -> dict:
        self._id += 1
        msg: dict[str, Any] = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self.ws.send(json.dumps(msg))
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            if time.monotonic() > deadline:
                raise CDPError(f"timeout waiting for {method}")
            reply = json.loads(self.ws.recv())
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise CDPError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self._events.append(reply)

    def pump(self, seconds: float = 0.0) -> None:
        """Read pending events for up to ``seconds``."""
        import websocket

        end = time.monotonic() + seconds
        while True:
            left = end - time.monotonic()
            self.ws.settimeout(max(left, 0.001))
            try:
                reply = json.loads(self.ws.recv())
            except websocket.WebSocketTimeoutException:
                break
            finally:
                self.ws.settimeout(self.timeout)
            if "method" in reply:
                self._events.append(reply)
            if time.monotonic() >= end:
                break

    def take_events(self, session: str) -> list[dict]:
        mine = [e for e in self._events if e.get("sessionId") == session]
        self._events = [e for e in self._events if e.get("sessionId") != session]
        return mine

    # ------------------------------------------------------------------ pages
    def open(self, url: str, *, width: int = 1400, height: int = 900, ready: str | None = "window.brmReady === true", wait: float = 120.0) -> Page:
        """Open ``url`` in a new offline tab and wait until the expression ``ready`` is true."""
        page = Page(self, width=width, height=height)
        page.goto(url, ready=ready, wait=wait)
        return page

    def close(self) -> None:
        try:
            if getattr(self, "ws", None) is not None:
                try:
                    self.send("Browser.close", timeout=5)
                except Exception:
                    pass
                self.ws.close()
        finally:
            if self.proc.poll() is None:
                self.proc.terminate()
                try:
                    self.proc.wait(10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(10)
            shutil.rmtree(self.profile, ignore_errors=True)
            self._log.close()
            try:
                self.log_path.unlink()
            except OSError:
                pass


class Page:
    """One tab: records requests, console errors and exceptions."""

    def __init__(self, browser: Chromium, *, width: int, height: int) -> None:
        self.browser = browser
        self.target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = browser.send("Target.attachToTarget", {"targetId": self.target, "flatten": True})["sessionId"]
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.load_seconds: float | None = None
        for domain in ("Page", "Network", "Runtime", "Log"):
            self.send(f"{domain}.enable")
        self.send(
            "Network.emulateNetworkConditions",
            {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
        )
        self.send("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})

    def send(self, method: str, params: dict | None = None, timeout: float | None = None) -> dict:
        out = self.browser.send(method, params, session=self.session, timeout=timeout)
        self._absorb()
        return out

    def _absorb(self) -> None:
        for e in self.browser.take_events(self.session):
            m, p = e["method"], e.get("params", {})
            if m == "Network.requestWillBeSent":
                self.requests.append(p["request"]["url"])
            elif m == "Runtime.exceptionThrown":
                d = p.get("exceptionDetails", {})
                self.errors.append(d.get("exception", {}).get("description") or d.get("text", "exception"))
            elif m == "Runtime.consoleAPICalled" and p.get("type") == "error":
                self.errors.append(" ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", [])))
            elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                self.errors.append(p["entry"].get("text", "") + " " + p["entry"].get("url", ""))
            elif m == "Page.loadEventFired":
                self._loaded = True

    def goto(self, url: str, *, ready: str | None, wait: float) -> None:
        self._loaded = False
        start = time.monotonic()
        self.send("Page.navigate", {"url": url})
        deadline = start + wait
        while not self._loaded:
            if time.monotonic() > deadline:
                raise CDPError(f"page {url} did not load in {wait}s")
            self.browser.pump(0.05)
            self._absorb()
        if ready:
            while not self.eval(f"Boolean({ready})"):
                if time.monotonic() > deadline:
                    raise CDPError(f"page {url}: {ready} not true after {wait}s; errors: {self.errors}")
                self.browser.pump(0.1)
                self._absorb()
        self.load_seconds = time.monotonic() - start

    def eval(self, expression: str) -> Any:
        out = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in out:
            d = out["exceptionDetails"]
            raise CDPError(f"JS error in {expression!r}: {d.get('exception', {}).get('description') or d.get('text')}")
        return out.get("result", {}).get("value")

    def screenshot(self) -> bytes:
        data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
        return base64.b64decode(data)

    def external_requests(self, allowed_url: str) -> list[str]:
        """Requests other than the page itself and inline data/blob URLs."""
        return [
            u
            for u in self.requests
            if u != allowed_url and not u.startswith(("data:", "blob:", "about:"))
        ]

    def close(self) -> None:
        try:
            self.browser.send("Target.closeTarget", {"targetId": self.target}, timeout=10)
        except Exception:
            pass
        self.browser.take_events(self.session)

    def __enter__(self) -> Page:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def pixel_stats(png: bytes) -> tuple[float, int]:
    """(variance of grey levels, number of distinct colours) of a PNG screenshot."""
    from io import BytesIO

    from PIL import Image, ImageStat

    img = Image.open(BytesIO(png)).convert("RGB")
    grey = img.convert("L")
    variance = ImageStat.Stat(grey).var[0]
    colours = img.getcolors(maxcolors=1 << 24) or []
    return variance, len(colours)


@pytest.fixture(scope="session")
def browser() -> Iterator[Chromium]:
    """A headless Chromium (Debian's), shared by the session; offline pages via :meth:`Chromium.open`."""
    from tests.conftest import need

    exe = find_chromium()
    need(exe is not None, "headless Chromium not installed (run scripts/install-chromium.sh)")
    try:
        import websocket  # noqa: F401
    except ImportError:
        need(False, "websocket-client not installed (pip install websocket-client)")
    try:
        import PIL  # noqa: F401
    except ImportError:
        need(False, "Pillow not installed (pip install pillow)")
    b = Chromium(exe)  # type: ignore[arg-type]
    try:
        yield b
    finally:
        b.close()

"""The Starlette application of ``brmgraph serve``.

Routing and rendering only: every answer comes from :mod:`brmgraph.service` (through
:mod:`.api` for the JSON bodies), the same functions the CLI calls.

The event loop never runs store work. Each request's reads run in a worker thread
(``anyio.to_thread.run_sync``), each thread with its own connection to the store
(SQLite connections must not cross threads). Computing work (maps, reports, the
customer list, flags) also waits for one of :data:`HEAVY_SLOTS` slots, so that a burst of
big maps occupies one thread while small requests (a style sheet, a cached list) are
answered at once. Answers that cover the whole store (the customer list, the flags) are
cached by the store's latest change set (:func:`brmgraph.service.stores.generation`): an
import is visible on the next request.

Errors: an unknown id is 404, a malformed argument 400, a store that is unavailable 503
and a damaged store (or any unexpected error) 500, each as ``{"error": ...}``.

Security: with a token, every request must carry it (``Authorization: Bearer T``, the
``?token=T`` query parameter, or the cookie set after a ``?token=`` visit); it is
compared in constant time. Templates autoescape every name; map data goes through
:func:`brmgraph.maps.page.script_json`. A Content-Security-Policy keeps every fetch on
this server. Request bodies are bounded (:data:`MAX_BODY_BYTES`; the app only reads).
"""

from __future__ import annotations

import contextlib
import csv
import hmac
import io
import json
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from datetime import date, timedelta
from http.cookies import SimpleCookie
from importlib import resources
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

import anyio
import anyio.to_thread
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.datastructures import Headers, MutableHeaders, QueryParams
from starlette.middleware import Middleware
from starlette.requests import Request, cookie_parser
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import BadArgument, BrmError, CannotWrite, InvalidData, NotFound, StoreUnavailable
from ..service import questions as ask
from ..service.format import pct
from ..service.stores import Store, StoreDamaged, connect, generation, opened
from . import api

CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
COOKIE = "brm_token"
#: largest request body accepted (the app only reads: no request needs one)
MAX_BODY_BYTES = 64 * 1024
#: computing requests (maps, reports, whole-store lists) running at once; the others wait.
#: One: the analyses are pure Python and hold the GIL, so a second computing thread adds
#: no throughput but doubles what a small request waits for (docs/benchmarks-web.md)
HEAVY_SLOTS = 1
#: a request still computing after this many seconds is answered 503
REQUEST_TIMEOUT_S = 120.0
#: rendered map pages kept (by URL and change set): a big customer's page is megabytes
PAGES_KEPT = 8

T = TypeVar("T")


def _env() -> Environment:
    env = Environment(loader=PackageLoader("brmgraph.web", "templates"), autoescape=select_autoescape(["html"]))
    env.filters["pct"] = pct
    return env


def _error(status: int, text: str) -> JSONResponse:
    return JSONResponse({"error": text}, status_code=status)


class Guard:
    """Pure ASGI middleware: the token, a bound on request bodies and the security
    headers of every response (no ``BaseHTTPMiddleware``: responses stream through)."""

    def __init__(self, app: ASGIApp, token: str | None = None, max_body: int = MAX_BODY_BYTES) -> None:
        self.app, self.token, self.max_body = app, token, max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        query = QueryParams(scope.get("query_string", b""))
        if self.token:
            given = ""
            auth = headers.get("authorization", "")
            if auth.lower().startswith("bearer "):
                given = auth[7:].strip()
            given = given or query.get("token", "") or _cookie(headers.get("cookie", ""))
            if not hmac.compare_digest(given.encode(), self.token.encode()):
                await self._plain(scope, receive, send, _error(401, "missing or wrong token"))
                return
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            await self._plain(scope, receive, send, _error(413, f"request body over {self.max_body} bytes"))
            return
        set_cookie = bool(self.token and query.get("token"))
        seen = 0

        async def bounded() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise BadArgument(f"request body over {self.max_body} bytes")
            return message

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                h = MutableHeaders(scope=message)
                _secure(h)
                if set_cookie and self.token:
                    c: SimpleCookie = SimpleCookie()
                    c[COOKIE] = self.token
                    c[COOKIE]["httponly"] = True
                    c[COOKIE]["samesite"] = "strict"
                    c[COOKIE]["path"] = "/"
                    h.append("set-cookie", c.output(header="").strip())
            await send(message)

        await self.app(scope, bounded, send_secured)

    async def _plain(self, scope: Scope, receive: Receive, send: Send, response: Response) -> None:
        _secure(response.headers)
        await response(scope, receive, send)


def _secure(h: MutableHeaders) -> None:
    h["Content-Security-Policy"] = CSP
    h["X-Content-Type-Options"] = "nosniff"
    h["Referrer-Policy"] = "no-referrer"


def _cookie(header: str) -> str:
    """The token cookie (Starlette's lenient parser: another site's odd cookie on the same
    host does not hide it)."""
    return cookie_parser(header).get(COOKIE, "")


class _Stores:
    """One open store per worker thread, opened on first use."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.local = threading.local()
        self.lock = threading.Lock()
        self.opened: list[Store] = []

    def get(self) -> Store:
        st: Store | None = getattr(self.local, "store", None)
        if st is None:
            st = connect(self.url)
            self.local.store = st
            with self.lock:
                self.opened.append(st)
        return st

    def close(self) -> None:
        with self.lock:
            stores, self.opened = self.opened, []
        for st in stores:
            try:
                st.close()
            except Exception:  # noqa: BLE001 - closing at shutdown is best effort
                pass


def create_app(
    store: str | Store | None = None,
    *,
    token: str | None = None,
    heavy_slots: int = HEAVY_SLOTS,
    request_timeout: float = REQUEST_TIMEOUT_S,
) -> Starlette:
    """The web app over ``store`` (a URL or an open :class:`Store`, whose URL is used)."""
    if isinstance(store, Store):
        url = store.url
    else:
        with opened(store) as probe:  # a bad URL or missing server fails here, before serving
            url = probe.url
    env = _env()
    stores = _Stores(url)
    heavy = anyio.CapacityLimiter(heavy_slots)
    cache: OrderedDict[str, tuple[Any, Any]] = OrderedDict()
    css = (resources.files("brmgraph.web") / "templates" / "brm.css").read_text(encoding="utf-8")

    # ------------------------------------------------------------------ running work
    async def in_thread(fn: Callable[[Store], T], *, computes: bool = True, snapshot: bool = True) -> T:
        """``fn(store)`` in a worker thread (a computing one waits for a heavy slot), in
        one snapshot of the store unless ``fn`` takes its own (flags: it writes the flag
        cache after its snapshot)."""
        def run() -> T:
            st = stores.get()
            if not snapshot:
                return fn(st)
            with st.snapshot():  # every read of one step from the same state
                return fn(st)

        with anyio.fail_after(request_timeout):
            if computes:
                async with heavy:
                    return await anyio.to_thread.run_sync(run, abandon_on_cancel=True)
            return await anyio.to_thread.run_sync(run, abandon_on_cancel=True)

    locks: dict[str, anyio.Lock] = {}

    async def cached(name: str, compute: Callable[[Store], T], *, snapshot: bool = True) -> T:
        """``compute(store)``, kept until the store's latest change set moves (of the
        rendered pages, the :data:`PAGES_KEPT` used last)."""
        gen = await in_thread(generation, computes=False)
        hit = cache.get(name)
        if hit is not None and hit[0] == gen:
            cache.move_to_end(name)
            return hit[1]  # type: ignore[no-any-return]
        lock = locks.setdefault(name, anyio.Lock())
        async with lock:  # one computation per answer; the others wait for it
            hit = cache.get(name)
            if hit is not None and hit[0] == gen:
                return hit[1]  # type: ignore[no-any-return]
            value = await in_thread(compute, snapshot=snapshot)
            cache[name] = (gen, value)
            pages = [k for k in cache if k.startswith("page:")]
            for old in pages[: max(0, len(pages) - PAGES_KEPT)]:
                del cache[old]
                locks.pop(old, None)
            return value

    async def cached_page(r: Request, render: Callable[[Store, Request], str]) -> Response:
        """A map page, rendered once per URL, day and change set."""
        key = f"page:{date.today().isoformat()}:{r.url.path}?{r.url.query}"
        return HTMLResponse(await cached(key, lambda st: render(st, r)))

    def page(name: str, **ctx: Any) -> HTMLResponse:
        return HTMLResponse(env.get_template(name).render(**ctx))

    def q(request: Request, key: str) -> str | None:
        v = request.query_params.get(key)
        return v if v not in (None, "") else None

    def guarded(handler: Callable[[Request], Any]) -> Callable[[Request], Any]:
        async def run(request: Request) -> Response:
            try:
                return await handler(request)  # type: ignore[no-any-return]
            except NotFound as e:
                return _error(404, str(e))
            except StoreDamaged as e:
                return _error(500, str(e))
            except StoreUnavailable as e:
                return _error(503, str(e))
            except (BadArgument, InvalidData, CannotWrite, ValueError) as e:
                return _error(400, str(e))
            except TimeoutError:
                return _error(503, f"the answer took longer than {request_timeout:g} s; try again later")
            except BrmError as e:
                return _error(500, str(e))

        return run

    # ------------------------------------------------------------------ API
    async def api_path(r: Request) -> Response:
        return JSONResponse(await in_thread(lambda st: api.path(st, q(r, "to"), q(r, "perspective"))))

    async def api_coverage(r: Request) -> Response:
        return JSONResponse(await in_thread(
            lambda st: api.coverage(st, q(r, "project"), q(r, "customer"), q(r, "perspective"), q(r, "max_cost"))))

    async def api_exposure(r: Request) -> Response:
        return JSONResponse(await in_thread(lambda st: api.exposure(st, q(r, "project"), q(r, "customer"), q(r, "max_cost"))))

    async def api_report(r: Request) -> Response:
        return JSONResponse(await in_thread(
            lambda st: api.report(st, q(r, "customer"), q(r, "perspective"), q(r, "max_cost"), q(r, "today"))))

    async def flag_run() -> ask.FlagRun:
        return await cached("flags", api.flags, snapshot=False)

    async def customers() -> list[dict[str, Any]]:
        return await cached("customers", api.customers)

    async def api_flags(r: Request) -> Response:
        return JSONResponse((await flag_run()).rows)

    async def api_customers(r: Request) -> Response:
        return JSONResponse(await customers())

    # ------------------------------------------------------------------ pages
    async def home(r: Request) -> Response:
        text = (q(r, "q") or "").lower()
        rows = await customers()
        shown = [c for c in rows if not text or text in c["id"].lower() or text in (c["name"] or "").lower()]
        return page("customers.html", rows=shown, q=q(r, "q") or "", total=len(rows))

    def _customer_page(st: Store, r: Request) -> str:
        from ..maps import draw
        from ..maps.page import render

        focus = q(r, "focus")
        data = ask.map_data(st, "customer", r.path_params["cid"], q(r, "perspective"),
                            max_cost=q(r, "max_cost"), today=q(r, "today"))
        m = draw(data, focus=focus)
        cg = data.graphs[0]
        bar = env.get_template("toolbar.html").render(
            customer=cg.customer, perspective=str(data.perspective), max_cost=data.max_cost, focus=focus or "",
            projects=sorted(cg.projects), teams=data.teams,
        )
        return render(m, vis_src="/static/vis-network.min.js", toolbar=bar)

    async def customer_page(r: Request) -> Response:
        return await cached_page(r, _customer_page)

    def _project_page(st: Store, r: Request) -> str:
        from ..maps import draw
        from ..maps.page import render

        jid = r.path_params["jid"]
        data = ask.map_data(st, "project", jid, q(r, "perspective"), max_cost=q(r, "max_cost"))
        j, cg, persp, mc = data.project, data.graphs[0], data.perspective, data.max_cost
        assert j is not None
        cov = ask.coverage(st, project=jid, perspective=persp, max_cost=mc).result
        exp = ask.exposure(st, project=jid, max_cost=mc).result
        rivals = []
        for k in (j.competitors or sorted(cg.competitors)):
            try:
                theirs: Any = ask.coverage(st, project=jid, perspective=f"competitor:{k}", max_cost=mc).result
            except NotFound:
                theirs = None
            rivals.append({"id": k, "name": cg.competitors[k].name if k in cg.competitors else k, "coverage": theirs})
        m = draw(data)
        bar = env.get_template("project.html").render(
            project=j, customer=cg.customer, cov=cov, exp=exp, rivals=rivals,
            names={p: (x.name or p) for p, x in cg.persons.items()}, perspective=str(persp), max_cost=mc,
        )
        return render(m, vis_src="/static/vis-network.min.js", toolbar=bar)

    async def project_page(r: Request) -> Response:
        return await cached_page(r, _project_page)

    def _filter_flags(rows: list[dict[str, Any]], r: Request) -> list[dict[str, Any]]:
        out = rows
        for key in ("project", "customer"):
            if v := q(r, key):
                out = [f for f in out if f[key] == v]
        if v := q(r, "reason"):
            out = [f for f in out if v in f["reasons"]]
        return out

    async def flags_page(r: Request) -> Response:
        run = await flag_run()
        args = {k: v for k in ("project", "customer", "reason") if (v := q(r, k))}
        return page("flags.html", rows=_filter_flags(run.rows, r), total=len(run.rows), args=args,
                    csv_url="/flags.csv" + ("?" + urlencode(args) if args else ""))

    async def flags_csv(r: Request) -> Response:
        run = await flag_run()
        shown = ask.FlagRun(_filter_flags(run.rows, r), run.stats, run.compared)
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(shown.columns())
        w.writerows(shown.csv_rows())
        return PlainTextResponse(buf.getvalue(), media_type="text/csv",
                                 headers={"Content-Disposition": 'attachment; filename="flags.csv"'})

    async def _digest_of(r: Request) -> tuple[Any, str]:
        """The digest of ``brmgraph notify`` (docs/spec.md §5.5) since ``?since=`` (a date or
        an ISO time; default: yesterday), linked to this server's pages; kept per change set."""
        from ..service.digest import compose
        from ..service.stores import parse_time

        at = parse_time(q(r, "since") or (date.today() - timedelta(days=1)).isoformat())
        lang = q(r, "lang") or "en"
        if lang not in ("en", "zh"):
            raise BadArgument(f"lang must be en or zh, not {lang!r}")
        base, today = str(r.base_url).rstrip("/"), date.today()
        d = await cached(f"page:digest:{today}:{at}:{base}", lambda st: compose(
            st, since=at, today=today, max_cost=ask.DEFAULT_MAX_COST, base_url=base), snapshot=False)
        return d, lang

    async def digest_page(r: Request) -> Response:
        from ..notify.text import empty_text, line, since_text, title_text

        d, lang = await _digest_of(r)
        zh = lang == "zh"
        words = {"since": "起始" if zh else "Since", "show": "查看" if zh else "Show", "what": "变化" if zh else "What",
                 "who": "人员" if zh else "Who", "where": "客户 — 项目 — 金额" if zh else "Customer — deal — amount",
                 "why": "原因" if zh else "Why", "empty": empty_text(lang)}
        sections = [("风险变化" if zh else "Flags, new and resolved", [line(it, lang) for it in d.flags]),
                    ("关系变化提醒" if zh else "Drift alerts", [line(it, lang) for it in d.alerts])]
        args = {k: v for k in ("since", "lang") if (v := q(r, k))}
        return page("digest.html", title=title_text(d, lang), since=q(r, "since") or "", lang=lang,
                    since_text=since_text(d, lang), words=words, sections=sections,
                    json_url="/api/digest" + ("?" + urlencode(args) if args else ""))

    async def api_digest(r: Request) -> Response:
        d, _ = await _digest_of(r)
        return JSONResponse(d.as_json())

    async def deal_page(r: Request) -> Response:
        """``/deals/{id}``, the address digests link to: the project's page."""
        return RedirectResponse("/projects/" + quote(r.path_params["jid"], safe=""), status_code=307)

    async def static(r: Request) -> Response:
        name = r.path_params["name"]
        if name == "vis-network.min.js":
            from ..maps.page import vis_assets

            return Response(vis_assets(), media_type="application/javascript", headers={"Cache-Control": "max-age=86400"})
        if name == "brm.css":
            return Response(css, media_type="text/css")
        return _error(404, f"no static file {name!r}")

    routes = [
        Route("/", guarded(home)),
        Route("/customers/{cid}", guarded(customer_page)),
        Route("/projects/{jid}", guarded(project_page)),
        Route("/flags", guarded(flags_page)),
        Route("/flags.csv", guarded(flags_csv)),
        Route("/digest", guarded(digest_page)),
        Route("/deals/{jid}", guarded(deal_page)),
        Route("/api/digest", guarded(api_digest)),
        Route("/static/{name}", guarded(static)),
        Route("/api/path", guarded(api_path)),
        Route("/api/coverage", guarded(api_coverage)),
        Route("/api/exposure", guarded(api_exposure)),
        Route("/api/report", guarded(api_report)),
        Route("/api/flags", guarded(api_flags)),
        Route("/api/customers", guarded(api_customers)),
    ]

    async def not_found(request: Request, exc: Exception) -> Response:
        return _error(404, f"no page {request.url.path}")

    async def internal(request: Request, exc: Exception) -> Response:
        return _error(500, f"internal error ({type(exc).__name__})")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        stores.close()

    app = Starlette(routes=routes, middleware=[Middleware(Guard, token=token)],
                    exception_handlers={404: not_found, 500: internal}, lifespan=lifespan)
    app.state.store_url = url
    return app


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)

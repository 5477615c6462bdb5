"""The Starlette application of ``brmgraph serve``.

Each serving thread opens its own connection to the store (handlers are ``async`` and
never await while they use it). Everything is read-only; the customer list and the flags
are computed once and cached.

Security: with a token, every request must carry it (``Authorization: Bearer T``, the
``?token=T`` query parameter, or the cookie set after a ``?token=`` visit); it is
compared in constant time. Templates autoescape every name; map data goes through
:func:`brmgraph.maps.page.script_json`. A Content-Security-Policy keeps every fetch on
this server.
"""

from __future__ import annotations

import csv
import hmac
import io
import json
import threading
from collections.abc import Awaitable, Callable
from importlib import resources
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from ..errors import BadArgument, BrmError, NotFound
from ..store import Store, open_store
from . import api

CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
COOKIE = "brm_token"


def _env() -> Environment:
    env = Environment(loader=PackageLoader("brmgraph.web", "templates"), autoescape=select_autoescape(["html"]))
    env.filters["pct"] = lambda x: "—" if x is None else f"{x * 100:.0f}%"
    return env


class _Token(BaseHTTPMiddleware):
    def __init__(self, app: Any, token: str | None) -> None:
        super().__init__(app)
        self.token = token

    async def dispatch(self, request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        if self.token:
            given = ""
            auth = request.headers.get("authorization", "")
            if auth.lower().startswith("bearer "):
                given = auth[7:].strip()
            given = given or request.query_params.get("token", "") or request.cookies.get(COOKIE, "")
            if not hmac.compare_digest(given.encode(), self.token.encode()):
                return JSONResponse({"error": "missing or wrong token"}, status_code=401)
        response = await call_next(request)
        if self.token and request.query_params.get("token"):
            response.set_cookie(COOKIE, self.token, httponly=True, samesite="strict")
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response


def create_app(store: str | Store | None = None, *, token: str | None = None) -> Starlette:
    """The web app over ``store`` (a URL or an open :class:`Store`)."""
    if isinstance(store, Store):
        url = store.url
    else:
        probe = open_store(store, create=False)  # a bad URL or missing server fails here, before serving
        url = probe.url
        probe.close()
    env = _env()
    cache: dict[str, Any] = {}
    local = threading.local()

    class _PerThread:
        """The store, one connection per thread that serves requests (SQLite connections
        must not cross threads)."""

        def __getattr__(self, name: str) -> Any:
            if getattr(local, "store", None) is None:
                local.store = open_store(url, create=False)
            return getattr(local.store, name)

    st: Any = _PerThread()

    def customers() -> list[dict[str, Any]]:
        if "customers" not in cache:  # read-only store: the list is computed once
            cache["customers"] = api.customers(st)
        return cache["customers"]

    def page(name: str, **ctx: Any) -> HTMLResponse:
        return HTMLResponse(env.get_template(name).render(**ctx))

    def q(request: Request, key: str) -> str | None:
        v = request.query_params.get(key)
        return v if v not in (None, "") else None

    def errors(handler: Callable[[Request], Response]) -> Callable[[Request], Awaitable[Response]]:
        async def run(request: Request) -> Response:
            try:
                with st.snapshot():  # every read of one request from the same state
                    return handler(request)
            except NotFound as e:
                return JSONResponse({"error": str(e)}, status_code=404)
            except (BadArgument, ValueError) as e:
                return JSONResponse({"error": str(e)}, status_code=400)
            except BrmError as e:
                return JSONResponse({"error": str(e)}, status_code=400)

        return run

    # ------------------------------------------------------------------ API
    def api_path(r: Request) -> Response:
        return JSONResponse(api.path(st, q(r, "to"), q(r, "perspective")))

    def api_coverage(r: Request) -> Response:
        return JSONResponse(api.coverage(st, q(r, "project"), q(r, "customer"), q(r, "perspective"), q(r, "max_cost")))

    def api_exposure(r: Request) -> Response:
        return JSONResponse(api.exposure(st, q(r, "project"), q(r, "customer"), q(r, "max_cost")))

    def api_report(r: Request) -> Response:
        return JSONResponse(api.report(st, q(r, "customer"), q(r, "perspective"), q(r, "max_cost"), q(r, "today")))

    def api_flags(r: Request) -> Response:
        return JSONResponse(_flags())

    def api_customers(r: Request) -> Response:
        return JSONResponse(customers())

    def _flags() -> list[dict[str, Any]]:
        if "flags" not in cache:
            cache["flags"] = api.flags(st)
        return cache["flags"]

    # ------------------------------------------------------------------ pages
    def home(r: Request) -> Response:
        text = (q(r, "q") or "").lower()
        rows = [c for c in customers() if not text or text in c["id"].lower() or text in (c["name"] or "").lower()]
        return page("customers.html", rows=rows, q=q(r, "q") or "", total=len(customers()))

    def customer_page(r: Request) -> Response:
        from ..maps import customer_map
        from ..maps.page import render

        cid = r.path_params["cid"]
        persp = api.perspective_of(st, q(r, "perspective"))
        mc = api.max_cost_of(q(r, "max_cost"))
        focus = q(r, "focus")
        cg = api.customer_graph(st, cid)
        m = customer_map(cg, persp, max_cost=mc, today=api.today_of(q(r, "today")), focus=focus)
        bar = env.get_template("toolbar.html").render(
            customer=cg.customer, perspective=str(persp), max_cost=mc, focus=focus or "",
            projects=sorted(cg.projects), teams=sorted({e.team for e in st.employees() if e.team}),
        )
        return HTMLResponse(render(m, vis_src="/static/vis-network.min.js", toolbar=bar))

    def project_page(r: Request) -> Response:
        from ..maps import project_map
        from ..maps.page import render

        jid = r.path_params["jid"]
        j = st.project(jid)
        persp = api.perspective_of(st, q(r, "perspective"))
        mc = api.max_cost_of(q(r, "max_cost"))
        cg = api.customer_graph(st, j.customer)
        cov = api.coverage(st, jid, None, str(persp), str(mc))
        exp = api.exposure(st, jid, None, str(mc))
        rivals = []
        for k in (j.competitors or sorted(cg.competitors)):
            theirs = api.coverage(st, jid, None, f"competitor:{k}", str(mc)) if k in cg.competitors or k in {c.id for c in st.competitors()} else None
            rivals.append({"id": k, "name": cg.competitors[k].name if k in cg.competitors else k, "coverage": theirs})
        m = project_map(cg, jid, persp, max_cost=mc)
        bar = env.get_template("project.html").render(
            project=j, customer=cg.customer, cov=cov, exp=exp, rivals=rivals, names={p: (x.name or p) for p, x in cg.persons.items()},
            perspective=str(persp), max_cost=mc,
        )
        return HTMLResponse(render(m, vis_src="/static/vis-network.min.js", toolbar=bar))

    def flags_page(r: Request) -> Response:
        rows = _filter_flags(_flags(), r)
        args = {k: v for k in ("project", "customer", "reason") if (v := q(r, k))}
        return page("flags.html", rows=rows, total=len(_flags()), args=args, csv_url="/flags.csv" + ("?" + urlencode(args) if args else ""))

    def flags_csv(r: Request) -> Response:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["project", "customer", "person", "reasons"])
        for f in _filter_flags(_flags(), r):
            w.writerow([f["project"], f["customer"], f["person"], ";".join(f["reasons"])])
        return PlainTextResponse(buf.getvalue(), media_type="text/csv", headers={"Content-Disposition": 'attachment; filename="flags.csv"'})

    def _filter_flags(rows: list[dict[str, Any]], r: Request) -> list[dict[str, Any]]:
        out = rows
        for key in ("project", "customer"):
            if v := q(r, key):
                out = [f for f in out if f[key] == v]
        if v := q(r, "reason"):
            out = [f for f in out if v in f["reasons"]]
        return out

    def static(r: Request) -> Response:
        name = r.path_params["name"]
        if name == "vis-network.min.js":
            from ..maps.page import vis_assets

            return Response(vis_assets(), media_type="application/javascript", headers={"Cache-Control": "max-age=86400"})
        if name == "brm.css":
            css = (resources.files("brmgraph.web") / "templates" / "brm.css").read_text(encoding="utf-8")
            return Response(css, media_type="text/css")
        return JSONResponse({"error": f"no static file {name!r}"}, status_code=404)

    routes = [
        Route("/", errors(home)),
        Route("/customers/{cid}", errors(customer_page)),
        Route("/projects/{jid}", errors(project_page)),
        Route("/flags", errors(flags_page)),
        Route("/flags.csv", errors(flags_csv)),
        Route("/static/{name}", errors(static)),
        Route("/api/path", errors(api_path)),
        Route("/api/coverage", errors(api_coverage)),
        Route("/api/exposure", errors(api_exposure)),
        Route("/api/report", errors(api_report)),
        Route("/api/flags", errors(api_flags)),
        Route("/api/customers", errors(api_customers)),
    ]

    async def not_found(request: Request, exc: Exception) -> Response:
        return JSONResponse({"error": f"no page {request.url.path}"}, status_code=404)

    app = Starlette(routes=routes, middleware=[Middleware(_Token, token=token)], exception_handlers={404: not_found})
    app.state.store_url = url
    return app


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)

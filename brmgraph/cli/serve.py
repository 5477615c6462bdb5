"""``brmgraph serve``: the team's read-only view of a store in the browser."""

from __future__ import annotations

import ipaddress
from typing import Annotated, Any

import typer

from ..errors import BadArgument
from . import app
from .common import StoreOpt, err_console


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@app.command("serve")
def serve_cmd(
    store: StoreOpt = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on. Anything but loopback needs --token.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8765,
    token: Annotated[
        str | None,
        typer.Option("--token", envvar="BRM_TOKEN", help="Shared secret every request must carry (Authorization: Bearer T or ?token=T)."),
    ] = None,
) -> None:
    """Serve customers, maps, projects, flags and a JSON API to a browser (read-only).

    Example: brmgraph serve --store sqlite:///brm.db, then open http://127.0.0.1:8765/
    """
    if not is_loopback(host) and not token:
        raise BadArgument(f"--host {host} is reachable from other machines; give --token T (or BRM_TOKEN) to require a secret")
    if token is not None and len(token) < 8:
        raise BadArgument("--token must be at least 8 characters")
    import uvicorn

    from ..web import create_app

    web = create_app(store, token=token)
    err_console.print(f"brmgraph serve: http://{host}:{port}/ (read-only; Ctrl-C stops)", highlight=False)
    uvicorn.run(web, host=host, port=port, log_level="warning", **SERVER_LIMITS)


#: uvicorn's limits for ``serve``: an idle keep-alive connection is closed after 5 s, a
#: request head may not exceed 16 KiB (h11), at most 200 connections are served at once
#: (more are answered 503), and a stop waits at most 10 s for running requests. Bodies
#: and the time of one answer are bounded by the app (brmgraph.web.app).
SERVER_LIMITS: dict[str, Any] = {
    "timeout_keep_alive": 5,
    "h11_max_incomplete_event_size": 16 * 1024,
    "limit_concurrency": 200,
    "timeout_graceful_shutdown": 10,
}

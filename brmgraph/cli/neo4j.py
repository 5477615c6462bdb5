"""``brmgraph neo4j start|stop|status``: a local Neo4j server for people without Docker."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import ExitCode
from . import app
from .common import BrmTyper, Group, JsonOpt, err_console, print_json

if TYPE_CHECKING:
    from .. import neo4j_local

neo4j_app = BrmTyper(
    name="neo4j",
    cls=Group,
    help="A local Neo4j 5.26 Community server on 127.0.0.1 (no Docker needed; Java 17+ JDK and Maven).\n\n"
    "Example: brmgraph neo4j start --port 7687",
    no_args_is_help=True,
)
app.add_typer(neo4j_app, name="neo4j")

PortOpt = Annotated[int, typer.Option("--port", metavar="PORT", help="Bolt port on 127.0.0.1.", min=1, max=65535)]
HomeOpt = Annotated[
    Path | None,
    typer.Option(
        "--home", metavar="DIR", help="Server folder (data, logs). Default ~/.cache/brmgraph/neo4j or $BRM_NEO4J_HOME."
    ),
]


def _status_dict(st: neo4j_local.Status) -> dict:
    return {
        "state": st.state,
        "running": st.running,
        "answering": st.answering,
        "pid": st.pid,
        "port": st.port,
        "url": st.url if st.running else None,
        "home": str(st.home),
    }


@neo4j_app.command("start")
def start_cmd(port: PortOpt = 7687, home: HomeOpt = None, as_json: JsonOpt = False) -> None:
    """Start the server, or do nothing if it already runs; returns once it answers.

    The server jars are downloaded on first use and kept.

    Example: brmgraph neo4j start --port 7687
    """
    import time

    from .. import neo4j_local

    t0 = time.monotonic()
    before = neo4j_local.status(home.expanduser().resolve() if home else None)
    st = neo4j_local.start(home, port, log=lambda m: err_console.print(m))
    if as_json:
        print_json(_status_dict(st))
        return
    if before.running:
        typer.echo(f"Neo4j already running at {st.url} (pid {st.pid}, home {st.home})")
    else:
        typer.echo(
            f"Neo4j {neo4j_local.neo4j_version()} running at {st.url} (pid {st.pid}, home {st.home}, "
            f"started in {time.monotonic() - t0:.1f}s)"
        )
        typer.echo(f"use it: export BRM_STORE={st.url}")


@neo4j_app.command("stop")
def stop_cmd(home: HomeOpt = None, as_json: JsonOpt = False) -> None:
    """Stop the server cleanly; the data are kept.

    Example: brmgraph neo4j stop
    """
    from .. import neo4j_local

    was = neo4j_local.stop(home)
    st = neo4j_local.status(home.expanduser().resolve() if home else None)
    if as_json:
        print_json({**_status_dict(st), "stopped": was})
        return
    typer.echo(f"Neo4j stopped (home {st.home})" if was else f"Neo4j was not running (home {st.home})")


@neo4j_app.command("status")
def status_cmd(home: HomeOpt = None, as_json: JsonOpt = False) -> None:
    """Print whether the server runs: exit code 0 = running and answering, 9 = stopped, 10 = not answering.

    Example: brmgraph neo4j status --json
    """
    from .. import neo4j_local

    st = neo4j_local.status(home.expanduser().resolve() if home else None)
    if as_json:
        print_json(_status_dict(st))
    elif st.running:
        typer.echo(f"{st.state}: {st.url} (pid {st.pid}, home {st.home})")
    else:
        typer.echo(f"stopped (home {st.home})")
    if not st.running:
        code = ExitCode.SERVER_STOPPED
    else:
        code = ExitCode.OK if st.answering else ExitCode.SERVER_NOT_ANSWERING
    if code:
        raise typer.Exit(code)

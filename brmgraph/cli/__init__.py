"""The ``brmgraph`` command line: it parses arguments, calls the library and prints.

Each sub-module registers its commands on :data:`app`; :func:`main` is the entry point
users run (console script and ``python -m brmgraph``) and turns every error into one line
on stderr and the exit code of :data:`brmgraph.errors.EXIT_CODES`.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from .. import __version__
from ..errors import EXIT_CODES, BrmError, ExitCode, InvalidData
from .common import BrmTyper, Group

app = BrmTyper(
    name="brmgraph",
    cls=Group,
    help="Relationship intelligence for B2B sales: who decides, who reaches them, and through whom.\n\n"
    "Example: brmgraph demo",
    epilog="Run 'brmgraph COMMAND --help' for the options and an example of each command.\n\nExit codes:\n"
    + "\n".join(f"{int(code):>4}  {meaning}" for code, meaning in EXIT_CODES.items()),
    no_args_is_help=False,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    add_completion=False,
)


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.", is_eager=True)] = False,
) -> None:
    if version:
        typer.echo(f"brmgraph {__version__}")
        raise typer.Exit()
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
        raise typer.Exit()


# the command modules register their commands on import
from . import core, demo, analysis, neo4j, maps, generate, serve  # noqa: E402,F401,I001  (order = order in --help)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app, turning library errors into one clean line."""
    if (sys.argv[1:] if argv is None else argv) == ["--version"]:
        # answered before typer parses anything: processing even one option makes typer
        # import pydantic (~50 ms); the app's own --version gives the same line
        sys.stdout.write(f"brmgraph {__version__}\n")
        return
    try:
        rv = app(args=argv, prog_name="brmgraph", standalone_mode=False)
        if isinstance(rv, int) and rv:
            sys.exit(rv)
    except InvalidData as exc:
        # every problem on a line of its own, the file named on each
        if len(exc.problems) == 1:
            typer.echo(f"error: {exc.problems[0]}", err=True)
        else:
            typer.echo(f"error: {len(exc.problems)} problems in {exc.source}; nothing was imported:", err=True)
            for p in exc.problems:
                typer.echo(f"  {p}", err=True)
        sys.exit(exc.exit_code)
    except BrmError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("error: aborted", err=True)
        sys.exit(ExitCode.INTERRUPTED)
    except KeyboardInterrupt:
        typer.echo("error: interrupted", err=True)
        sys.exit(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        sys.exit(ExitCode.OK)
    except Exception as exc:  # click usage errors and the unexpected
        if type(exc).__name__ == "NoArgsIsHelpError":  # a bare command group: its help was printed
            sys.exit(ExitCode.OK)
        # click's usage errors (typer may vendor click, so test by shape, not class)
        if hasattr(exc, "format_message") and isinstance(getattr(exc, "exit_code", None), int):
            ctx = getattr(exc, "ctx", None)
            cmd = ctx.command_path if ctx is not None else "brmgraph"
            typer.echo(f"error: {exc.format_message()} (see '{cmd} --help')", err=True)
            sys.exit(getattr(exc, "exit_code", 0) or ExitCode.BAD_INPUT)
        typer.echo(f"error: unexpected {type(exc).__name__}: {exc}", err=True)
        sys.exit(ExitCode.INTERNAL)

"""The ``brmgraph`` command line. Sub-modules register their commands on :data:`app`."""

from __future__ import annotations

import sys

import typer

from ..errors import BrmError, InvalidData

app = typer.Typer(
    name="brmgraph",
    help="Relationship intelligence for B2B sales: who decides, who reaches them, and through whom.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    add_completion=False,
)

# Command modules register themselves on import. Each owns its own file.
from . import core, demo  # noqa: E402,F401

for _optional in ("analysis", "neo4j", "maps", "generate", "decide"):
    try:
        __import__(f"{__name__}.{_optional}")
    except ModuleNotFoundError as exc:  # module not written yet
        if exc.name != f"{__name__}.{_optional}":
            raise


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app, turning library errors into one clean line."""
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
        sys.exit(130)
    except KeyboardInterrupt:
        typer.echo("error: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as exc:  # click usage errors and the unexpected
        # click's usage errors (typer may vendor click, so test by shape, not class)
        if hasattr(exc, "format_message") and isinstance(getattr(exc, "exit_code", None), int):
            ctx = getattr(exc, "ctx", None)
            cmd = ctx.command_path if ctx is not None else "brmgraph"
            typer.echo(f"error: {exc.format_message()} (see '{cmd} --help')", err=True)
            sys.exit(exc.exit_code or 2)
        typer.echo(f"error: unexpected {type(exc).__name__}: {exc}", err=True)
        sys.exit(70)

"""The ``brmgraph`` command line: it parses arguments, calls the library and prints.

Each sub-module registers its commands on :data:`app`; :func:`main` is the entry point
users run (console script and ``python -m brmgraph``) and turns every error into one line
on stderr and the exit code of :data:`brmgraph.errors.EXIT_CODES`.
"""

from __future__ import annotations

import copy
import os
import sys
from typing import Annotated

import typer

from .. import __version__
from ..errors import EXIT_CODES, BrmError, ExitCode, InvalidData, capped, safe_line
from .common import BrmTyper, Group, stdout_gone

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
    debug: Annotated[bool, typer.Option("--debug", help="On an unexpected error, print the full traceback.")] = False,
) -> None:
    global DEBUG
    DEBUG = DEBUG or debug
    if version:
        typer.echo(f"brmgraph {__version__}")
        raise typer.Exit()
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
        raise typer.Exit()


# the command modules register their commands on import
from . import core, demo, analysis, decide, history, notify, neo4j, maps, generate, serve  # noqa: E402,F401,I001  (order = order in --help)


#: set by ``--debug`` (anywhere on the command line): full tracebacks for unexpected errors
DEBUG = False
#: most problems of a rejected data set printed one per line (the count is always given)
MAX_PROBLEM_LINES = 1000
REPORT_HINT = "this is a bug in brmgraph: please report it with the command you ran and this message"


def _say(text: str) -> None:
    """One line on stderr, user text escaped and capped (no markup is interpreted)."""
    typer.echo(safe_line(text), err=True)


def _bug_location(exc: BaseException) -> str:
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "unknown location"
    ours = [f for f in frames if "brmgraph" in f.filename.replace("\\", "/").split("/")]
    f = frames[-1]
    where = f"{_short_file(f.filename)}:{f.lineno} in {f.name}"
    if ours and ours[-1] is not f:
        o = ours[-1]
        where += f", called from {_short_file(o.filename)}:{o.lineno} in {o.name}"
    return where


def _short_file(name: str) -> str:
    parts = name.replace("\\", "/").split("/")
    if "brmgraph" in parts:
        return "/".join(parts[len(parts) - 1 - parts[::-1].index("brmgraph") :])
    return "/".join(parts[-2:])


def _narrowed(args: list[str]) -> typer.Typer:
    """The app to run ``args`` with: when they start with the name of a (top-level)
    command, the same app holding only that command, so typer builds the parameters of
    one command rather than of all of them (~30 ms of each start); otherwise the app
    itself (``--help``, sub-groups, unknown commands and their suggestions)."""
    if not args or args[0].startswith("-"):
        return app
    info = next((c for c in app.registered_commands if c.name == args[0]), None)
    if info is None:
        return app
    one = copy.copy(app)
    one.registered_commands = [info]
    one.registered_groups = []
    return one


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app, turning library errors into one clean line."""
    global DEBUG
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--version"]:
        # answered before typer parses anything: processing even one option makes typer
        # import pydantic (~50 ms); the app's own --version gives the same line
        sys.stdout.write(f"brmgraph {__version__}\n")
        return
    DEBUG = "--debug" in args[: args.index("--") if "--" in args else len(args)]
    if DEBUG:
        args.remove("--debug")
    # brmgraph uses no pydantic plugins: looking them up scans every installed package's
    # metadata at the first model (~25 ms of each start). A value the user set is kept.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        rv = _narrowed(args)(args=args, prog_name="brmgraph", standalone_mode=False)
        if isinstance(rv, int) and rv:
            sys.exit(rv)
    except InvalidData as exc:
        # every problem on a line of its own, the file named on each
        if len(exc.problems) == 1:
            _say(f"error: {exc.problems[0]}")
        else:
            _say(f"error: {len(exc.problems)} problems in {exc.source}; nothing was imported:")
            for p in exc.problems[:MAX_PROBLEM_LINES]:
                _say(f"  {p}")
            if len(exc.problems) > MAX_PROBLEM_LINES:
                _say(f"  ... and {len(exc.problems) - MAX_PROBLEM_LINES} more problems not shown")
        sys.exit(exc.exit_code)
    except BrmError as exc:
        _say(f"error: {exc}")
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        _say("error: aborted")
        sys.exit(ExitCode.INTERRUPTED)
    except KeyboardInterrupt:
        _say("error: interrupted")
        sys.exit(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        stdout_gone()
        sys.exit(ExitCode.OK)
    except Exception as exc:  # click usage errors and the unexpected
        if type(exc).__name__ == "NoArgsIsHelpError":  # a bare command group: its help was printed
            sys.exit(ExitCode.OK)
        # click's usage errors (typer may vendor click, so test by shape, not class)
        if hasattr(exc, "format_message") and isinstance(getattr(exc, "exit_code", None), int):
            ctx = getattr(exc, "ctx", None)
            cmd = ctx.command_path if ctx is not None else "brmgraph"
            _say(f"error: {exc.format_message()} (see '{cmd} --help')")
            sys.exit(getattr(exc, "exit_code", 0) or ExitCode.BAD_INPUT)
        if DEBUG:
            import traceback

            traceback.print_exc()
        try:
            text = str(exc)
        except Exception:  # noqa: BLE001 - a broken __str__ must not hide the error
            text = "<no message>"
        hint = "" if DEBUG else "; run again with --debug for the full traceback"
        _say(f"error: unexpected {type(exc).__name__}: {capped(text, 300)} ({REPORT_HINT}; at {_bug_location(exc)}{hint})")
        sys.exit(ExitCode.INTERNAL)

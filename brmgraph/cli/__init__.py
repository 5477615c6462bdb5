"""The ``brmgraph`` command line. Sub-modules register their commands on :data:`app`."""

from __future__ import annotations

import sys

import typer

from ..errors import BrmError, InvalidData, capped, safe_line

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

for _optional in ("analysis", "neo4j", "maps", "generate"):
    try:
        __import__(f"{__name__}.{_optional}")
    except ModuleNotFoundError as exc:  # module not written yet
        if exc.name != f"{__name__}.{_optional}":
            raise


#: set by ``--debug`` (anywhere on the command line): full tracebacks for unexpected errors
DEBUG = False
#: most problems of a rejected data set printed one per line (the count is always given)
MAX_PROBLEM_LINES = 1000
REPORT_HINT = "this is a bug in brmgraph: please report it with the command you ran and this message"


@app.callback()
def _global_options(
    debug: bool = typer.Option(False, "--debug", help="On an unexpected error, print the full traceback."),
) -> None:
    """Relationship intelligence for B2B sales: who decides, who reaches them, and through whom."""
    global DEBUG
    DEBUG = DEBUG or debug


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


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app, turning library errors into one clean line."""
    global DEBUG
    args = list(sys.argv[1:] if argv is None else argv)
    if "--debug" in args[: args.index("--") if "--" in args else len(args)]:
        DEBUG = True
        args.remove("--debug")
    try:
        rv = app(args=args, prog_name="brmgraph", standalone_mode=False)
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
        sys.exit(130)
    except KeyboardInterrupt:
        _say("error: interrupted")
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as exc:  # click usage errors and the unexpected
        # click's usage errors (typer may vendor click, so test by shape, not class)
        if hasattr(exc, "format_message") and isinstance(getattr(exc, "exit_code", None), int):
            ctx = getattr(exc, "ctx", None)
            cmd = ctx.command_path if ctx is not None else "brmgraph"
            _say(f"error: {exc.format_message()} (see '{cmd} --help')")
            sys.exit(exc.exit_code or 2)
        if DEBUG:
            import traceback

            traceback.print_exc()
        try:
            text = str(exc)
        except Exception:  # noqa: BLE001 - a broken __str__ must not hide the error
            text = "<no message>"
        hint = "" if DEBUG else "; run again with --debug for the full traceback"
        _say(f"error: unexpected {type(exc).__name__}: {capped(text, 300)} ({REPORT_HINT}; at {_bug_location(exc)}{hint})")
        sys.exit(70)

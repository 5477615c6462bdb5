"""Helpers every CLI module shares: the app classes, common options, output.

The CLI is a thin layer: each command opens the store, calls the library, and prints.
Every :class:`~brmgraph.errors.BrmError` becomes one line on stderr and a non-zero exit
(see :func:`brmgraph.cli.main`).

Start-up time matters (``brmgraph --version`` in well under 150 ms): the CLI modules
import only typer and the standard library at the top. The store, the models, the
analyses, rich and everything heavier (networkx, pyvis, neo4j, starlette) are imported
inside the commands that use them; ``tests/test_perf_cli.py`` checks it.
"""

from __future__ import annotations

import inspect
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from ..errors import BadArgument, shown

if TYPE_CHECKING:
    from rich.console import Console

    from ..service.stores import Store


def _unwrap(text: str | None) -> str | None:
    """Join the lines of each help paragraph: the terminal wraps them, not the source code."""
    if not text:
        return text
    paras = inspect.cleandoc(text).split("\n\n")
    return "\n\n".join(" ".join(line.strip() for line in p.splitlines()) for p in paras)


def _plain_types(params: list[Any], ctx: Any) -> list[Any]:
    """Show a value's real name, not a Python type: on/off flags take no value (typer would
    print ``<bool>``); an option without a metavar of its own is named after itself
    (``--host HOST``) or its choices (``a|b``); free-text arguments by their metavar alone."""
    for p in params:
        if p.param_type_name == "argument":
            if p.display_type(ctx) in ("<str>", "<path>"):
                p.display_type_rich = lambda ctx: None
        elif p.metavar is None:
            if getattr(p, "is_flag", False) or getattr(p, "count", False):
                p.metavar = ""
            else:
                shown = p.display_type(ctx)
                long = next((o for o in p.opts if o.startswith("--")), p.opts[0]).lstrip("-")
                p.metavar = shown[1:-1] if "|" in shown else long.replace("-", "_").upper()
    return params


class Command(TyperCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help = _unwrap(self.help)

    def get_params(self, ctx: Any) -> list[Any]:
        return _plain_types(super().get_params(ctx), ctx)


class Group(TyperGroup):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help = _unwrap(self.help)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            # the reader of stdout went away (`brmgraph flags | head -1`): it read what it
            # wanted, a success (typer would exit 1)
            stdout_gone()
            raise typer.Exit(0) from None

    def get_params(self, ctx: Any) -> list[Any]:
        return _plain_types(super().get_params(ctx), ctx)


class BrmTyper(typer.Typer):
    """A ``typer.Typer`` whose commands and sub-groups use :class:`Command` / :class:`Group`."""

    def command(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("cls", Command)
        return super().command(*args, **kwargs)


class Lang(str, Enum):
    """Language of the labels in readable output."""

    en = "en"
    zh = "zh"


StoreOpt = Annotated[
    str | None,
    typer.Option(
        "--store",
        envvar="BRM_STORE",
        metavar="URL",
        help="Where the data live: sqlite:///relative.db, sqlite:////absolute.db, neo4j://host:7687 "
        "or bolt://host:7687 (default sqlite:///brm.db).",
        show_envvar=True,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON instead of tables.")]
PerspectiveOpt = Annotated[
    str,
    typer.Option(
        "--perspective",
        "-p",
        metavar="WHO",
        help="Whose relationships paths start from: individual:EMPLOYEE, team:TEAM, company, "
        "competitor:ID or competitor:* (every competitor).",
    ),
]
LangOpt = Annotated[Lang, typer.Option("--lang", metavar="en|zh", help="Label language of the tables: en or zh.")]

@contextmanager
def naming(option: str) -> Iterator[None]:
    """A library's complaint about a value (:class:`BadArgument`) with the option that
    gave the value in front: ``--as-of: expected a date …``. Library messages say what is
    wrong with a value; only the CLI knows the option's name."""
    try:
        yield
    except BadArgument as exc:
        raise type(exc)(f"{option}: {exc}") from None


def parse_day(text: str | None, option: str = "--today") -> date | None:
    """A date YYYY-MM-DD given on the command line (``None`` when not given)."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadArgument(f"{option} must be a date YYYY-MM-DD, not {shown(text)}") from None


def parse_time_option(text: str, option: str = "--as-of") -> str:
    """A time given on the command line (a date or an ISO time) as stored history text."""
    from ..service.stores import parse_time

    with naming(option):
        return parse_time(text)


#: the default of ``--max-cost``: :data:`brmgraph.analysis.rules.DEFAULT_MAX_COST`, repeated
#: here only so that starting the CLI does not import the analyses (``tests/test_perf_cli.py``
#: fails if the two ever differ)
DEFAULT_MAX_COST = 4

MaxCostOpt = Annotated[
    int,
    typer.Option(
        "--max-cost",
        min=0,
        metavar="N",
        help="A decision maker counts as reached when the best path to them costs at most N "
        "(a strong tie costs 1, medium 2, weak 3).",
    ),
]


class _LazyConsole:
    """A rich ``Console`` created on first use, so that importing the CLI does not import rich."""

    def __init__(self, **kwargs: Any) -> None:
        self._kwargs = kwargs
        self._console: Console | None = None

    @property
    def real(self) -> Console:
        if self._console is None:
            from rich.console import Console

            class _Console(Console):
                def on_broken_pipe(self) -> None:
                    # rich would exit 1; the CLI ends a broken pipe as a success
                    self.quiet = True
                    raise BrokenPipeError

            self._console = _Console(**self._kwargs)
        return self._console

    def reset(self) -> None:
        """Forget the console: the next use makes a new one, which reads the terminal's
        settings (``COLUMNS``, ``FORCE_COLOR``...) again (for running the CLI in-process)."""
        self._console = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


console: Console = _LazyConsole(soft_wrap=True)  # type: ignore[assignment]
err_console: Console = _LazyConsole(stderr=True, soft_wrap=True)  # type: ignore[assignment]


def time_value(option: str) -> Callable[[str | None], str | None]:
    """An option callback: the option's date or ISO time as stored history text, or a
    clean error naming the option (the service takes the text as it is)."""

    def check(value: str | None) -> str | None:
        return None if value is None else parse_time_option(value, option)

    return check


AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", metavar="T", callback=time_value("--as-of"),
                 help="Answer as the store stood at T (a date 2024-05-01 or an ISO time)."),
]


@contextmanager
def store_from(
    url: str | None, *, create: bool = False, as_of: str | None = None, writes: bool = False, customer: str | None = None
) -> Iterator[Store]:
    """Open the store for one command and close it afterwards. Only commands that write
    pass ``create``: reading a store that does not exist is an error (exit 5). With
    ``as_of`` the command reads an in-memory store holding the data as it stood then.
    A command that only reads (neither ``create`` nor ``writes``) answers from one
    consistent snapshot of the store (:meth:`Store.snapshot`), even while another process
    imports; a command that writes to an existing store passes ``writes``."""
    from ..service.stores import opened, reading

    if create or writes:
        with opened(url, create=create) as st:
            yield st
    else:
        with reading(url, as_of=as_of) as st:
            yield st


def stdout_gone() -> None:
    """After a broken pipe on stdout: point stdout at the null device, so that the output
    still buffered is dropped quietly at exit (the way Python's documentation of SIGPIPE
    recommends) instead of a second error."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no real stdout (a test's captured stream)
        pass


def to_jsonable(obj: Any) -> Any:
    from pydantic import BaseModel

    if isinstance(obj, BaseModel):
        return obj.model_dump(mode="json")
    if isinstance(obj, list):
        return [to_jsonable(o) for o in obj]
    if isinstance(obj, dict):
        return {k: to_jsonable(v) for k, v in obj.items()}
    return obj


def print_json(obj: Any) -> None:
    """One JSON document on stdout (UTF-8, not ASCII-escaped)."""
    sys.stdout.write(json.dumps(to_jsonable(obj), ensure_ascii=False) + "\n")
    sys.stdout.flush()

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
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import typer
import typer.core
from typer.core import TyperCommand, TyperGroup

from ..errors import BadArgument

if TYPE_CHECKING:
    from rich.console import Console

    from ..store import Store


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


class _PlainCoercion:
    """Typer's coercion of one option or argument, without pydantic for the values it
    would return unchanged: ``None``, a value already of the parameter's plain type (a
    string given to a ``str`` option, a default of the option's own type), a decimal
    number for an ``int`` option; within the option's ``min``/``max``. Every other value
    goes through typer's own coercion (:func:`typer._coercion.build_runtime_param`),
    built on first need, with its conversions and messages. Typer builds a pydantic
    ``TypeAdapter`` for every parameter of the command that runs (~30 ms of each start,
    most of it importing and configuring pydantic's validators)."""

    __slots__ = ("kind", "low", "high", "descriptor", "full")
    PLAIN = (str, int, float, bool)

    def __init__(self, descriptor: Any) -> None:
        self.descriptor = descriptor
        ann = descriptor.annotation
        plain = isinstance(ann, type) and (ann in self.PLAIN or issubclass(ann, Enum))
        self.kind = ann if plain and not descriptor.is_file and not descriptor.is_path else None
        info = descriptor.parameter_info
        self.low, self.high = getattr(info, "min", None), getattr(info, "max", None)
        self.full: Any = None

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        if self.kind is not None and not (param.multiple or param.nargs == -1):
            if value is None:
                return None  # what typer returns for a missing value
            if self.kind is int and type(value) is str and value.isascii() and value.isdigit() and (value == "0" or value[0] != "0"):
                value = int(value)
            if type(value) is self.kind and (self.low is None or value >= self.low) and (self.high is None or value <= self.high):
                return value
        if self.full is None:
            from typer._coercion import build_runtime_param

            self.full = build_runtime_param(self.descriptor)
        return self.full.coerce(value, param=param, ctx=ctx)


def _runtime_param(self: Any) -> Any:
    if self._runtime_param is None:
        self._runtime_param = _PlainCoercion(self.type_descriptor)
    return self._runtime_param


# typer asks each parameter for its coercion through this one method (typer.core, the
# typer versions pyproject.toml allows); another typer keeps its own coercion, only slower
if hasattr(getattr(typer.core, "_TyperParameter", None), "get_runtime_param"):
    typer.core._TyperParameter.get_runtime_param = _runtime_param  # type: ignore[method-assign]


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

def parse_day(text: str | None, option: str = "--today") -> date | None:
    """A date YYYY-MM-DD given on the command line (``None`` when not given)."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadArgument(f"{option} must be a date YYYY-MM-DD, not {text!r}") from None


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

            self._console = Console(**self._kwargs)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


console: Console = _LazyConsole(soft_wrap=True)  # type: ignore[assignment]
err_console: Console = _LazyConsole(stderr=True, soft_wrap=True)  # type: ignore[assignment]


AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", metavar="T", help="Answer as the store stood at T (a date 2024-05-01 or an ISO time)."),
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
    imports; a command that writes to an existing store passes ``writes``. With
    ``as_of`` and ``customer`` the in-memory store holds only that customer's sub-graph
    and the employees, competitors and staff (what a one-customer command reads)."""
    if as_of is not None:
        from ..store.history import parse_time
        from ..store.sqlite import SqliteStore

        at = parse_time(as_of)
        with store_from(url) as real:
            if customer is None:
                ds = real.state_at(at)
            else:
                from ..store.history import customer_state_at, shared_state_at

                ds = customer_state_at(real, customer, at)
                shared = shared_state_at(real, at)
                ds = ds.model_copy(update={s: getattr(shared, s) for s in ("employees", "competitors", "competitor_staff")})
            where = real.url
        store: Store = SqliteStore("sqlite:///:memory:")
        store.import_dataset(ds, replace=True)
        store.url = where
    else:
        from ..store import open_store

        store = open_store(url, create=create)
    try:
        if create or writes:
            yield store
        else:
            with store.snapshot():
                yield store
    finally:
        store.close()


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

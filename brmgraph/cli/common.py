"""Helpers every CLI module shares: the store option, output, and error handling.

The CLI is a thin layer (house style): each command opens the store, calls one library
function, and prints. Every :class:`~brmgraph.errors.BrmError` becomes one line on
stderr and a non-zero exit (see :func:`brmgraph.cli.main`).
"""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from typing import Annotated, Any, Iterator

import typer
from pydantic import BaseModel
from rich.console import Console

from ..store import Store, open_store

StoreOpt = Annotated[
    str | None,
    typer.Option(
        "--store",
        envvar="BRM_STORE",
        help="sqlite:///relative.db, sqlite:////absolute.db, neo4j://host:7687 or bolt://host:7687 (default sqlite:///brm.db)",
        show_envvar=True,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON instead of tables.")]
PerspectiveOpt = Annotated[
    str,
    typer.Option(
        "--perspective",
        "-p",
        help="individual:<employee>, team:<team>, company, competitor:<id> or competitor:*",
    ),
]
LangOpt = Annotated[str, typer.Option("--lang", help="Label language for readable output: en or zh.")]

console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)


AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", metavar="T", help="Answer as the store stood at T (a date 2024-05-01 or an ISO time)."),
]


@contextmanager
def store_from(url: str | None, *, create: bool = False, as_of: str | None = None) -> Iterator[Store]:
    """Open the store for one command and close it afterwards. Only commands that write
    pass ``create``: reading a store that does not exist is an error (exit 5). With
    ``as_of`` the command reads an in-memory store holding the data as it stood then."""
    if as_of is not None:
        from ..store.history import parse_time
        from ..store.sqlite import SqliteStore

        at = parse_time(as_of)
        with store_from(url) as real:
            ds = real.state_at(at)
            where = real.url
        store: Store = SqliteStore("sqlite:///:memory:")
        store.import_dataset(ds, replace=True)
        store.url = where
    else:
        store = open_store(url, create=create)
    try:
        yield store
    finally:
        store.close()


def to_jsonable(obj: Any) -> Any:
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


def check_lang(lang: str) -> str:
    from ..errors import BadArgument

    if lang not in ("en", "zh"):
        raise BadArgument(f"--lang must be 'en' or 'zh', not {lang!r}")
    return lang

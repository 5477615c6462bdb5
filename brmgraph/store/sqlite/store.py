"""The complete embedded store: every layer, with its reads guarded."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from .notify import SqliteNotify
from .writing import SqliteWriting


class SqliteStore(SqliteNotify, SqliteWriting):
    """The embedded default store."""


def _guarded(method: Callable[..., Any]) -> Callable[..., Any]:
    """``method`` with SQLite and decoding errors turned into one-line store errors."""

    @functools.wraps(method)
    def wrapper(self: SqliteStore, *args: Any, **kwargs: Any) -> Any:
        with self._guard():
            return method(self, *args, **kwargs)

    return wrapper


for _name in (
    "customers", "projects", "project", "key_person", "employees", "competitors", "competitor_staff",
    "customer_graph", "export", "changesets", "versions", "id_index", "counts", "state_at",
):
    assert not inspect.isgeneratorfunction(getattr(SqliteStore, _name))
    setattr(SqliteStore, _name, _guarded(getattr(SqliteStore, _name)))

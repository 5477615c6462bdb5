"""The complete Neo4j store: every layer, with its reads guarded."""

from __future__ import annotations

from typing import Any

from .importing import Neo4jImport
from .notify import Neo4jNotify


class Neo4jStore(Neo4jNotify, Neo4jImport):
    """A Neo4j 5.x server as the store (docs/spec.md §5: ``--store bolt://host:7687``)."""


def _guarded(method: Any) -> Any:
    """``method`` with driver and decoding errors turned into one-line store errors."""
    import functools

    @functools.wraps(method)
    def wrapper(self: Neo4jStore, *args: Any, **kwargs: Any) -> Any:
        with self._guard():
            return method(self, *args, **kwargs)

    return wrapper


for _name in (
    "customers", "projects", "project", "key_person", "employees", "competitors", "competitor_staff",
    "customer_graph", "export", "changesets", "versions", "id_index", "state_at", "counts",
):
    setattr(Neo4jStore, _name, _guarded(getattr(Neo4jStore, _name)))

"""Stores: embedded SQLite (default) and Neo4j. :func:`open_store` picks one by URL."""

from __future__ import annotations

import os

from ..errors import BadArgument
from .base import ImportSummary, Store

DEFAULT_URL = "sqlite:///brm.db"


def resolve_url(url: str | None) -> str:
    """``--store`` value, else ``BRM_STORE``, else ``sqlite:///brm.db``."""
    return url or os.environ.get("BRM_STORE") or DEFAULT_URL


def open_store(url: str | None = None, *, create: bool = True) -> Store:
    """Open the store named by ``url`` (see :func:`resolve_url`). Without ``create`` an
    embedded store file that does not exist is an error (:class:`StoreUnavailable`,
    and no file is created): only commands that write may create a store."""
    url = resolve_url(url)
    if url.startswith("sqlite://"):
        from .sqlite import SqliteStore

        return SqliteStore(url, create=create)
    if url.startswith(("neo4j://", "bolt://", "neo4j+s://", "bolt+s://", "neo4j+ssc://", "bolt+ssc://")):
        from .neo4j import Neo4jStore

        return Neo4jStore(url)
    from .base import redact_url

    raise BadArgument(
        f"unknown store URL {redact_url(url)!r}; use sqlite:///relative.db, sqlite:////absolute.db, neo4j://host:7687 or bolt://host:7687"
    )


__all__ = ["DEFAULT_URL", "ImportSummary", "Store", "open_store", "resolve_url"]

"""A plain JSON webhook: the digest's data (docs/spec.md §5.5), one POST, any 2xx."""

from __future__ import annotations

from typing import Any

from ..service.digest import Digest


def payloads(d: Digest, lang: str, max_messages: int = 1, *, run_id: str = "", channel: str = "") -> list[dict[str, Any]]:
    return [{"brmgraph": "digest", "run_id": run_id, "channel": channel, "lang": lang, **d.as_json()}]


def answer_error(status: int, body: bytes) -> tuple[str | None, bool]:
    return None, False

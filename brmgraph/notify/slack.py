"""Slack incoming webhook: Block Kit ``blocks`` plus a ``text`` fallback (shown in
notifications and by clients without blocks).

Documented limits kept: at most 50 blocks per message, a ``section`` text at most
3,000 characters, a ``header`` text at most 150; the top-level ``text`` is kept under
3,000 characters (Slack cuts it at 40,000). Slack answers ``200 ok``; ``429`` with
``Retry-After`` when rate limited.
"""

from __future__ import annotations

from typing import Any

from ..service.digest import Digest
from .pack import pack
from .text import Line, more_text, since_text, title_text

MAX_BLOCKS = 50
MAX_SECTION = 3000
MAX_HEADER = 150
MAX_TEXT = 3000


def esc(text: str) -> str:
    """Slack's three control characters (``<!channel>`` would ping everyone)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _mrkdwn(ln: Line) -> str:
    who = f"<{esc(ln.url)}|{esc(ln.who)}>" if ln.url else esc(ln.who)
    parts = [f"*{esc(ln.head)}* {who}", esc(ln.where), esc(ln.why)]
    return " · ".join(p for p in parts if p)


def payloads(d: Digest, lang: str, max_messages: int = 1) -> list[dict[str, Any]]:
    title = title_text(d, lang)

    def render(lines: list[Line], more: int) -> dict[str, Any]:
        blocks: list[dict[str, Any]] = [
            {"type": "header", "text": {"type": "plain_text", "text": title[:MAX_HEADER], "emoji": False}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": esc(since_text(d, lang))}]},
        ]
        blocks += [{"type": "section", "text": {"type": "mrkdwn", "text": _mrkdwn(ln)[:MAX_SECTION]}} for ln in lines]
        if more:
            blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": esc(more_text(more, lang))}]})
        text = "\n".join([title, *(ln.plain() for ln in lines), *([more_text(more, lang)] if more else [])])
        if len(text) > MAX_TEXT:
            text = text[: MAX_TEXT - 1] + "…"
        return {"text": text, "blocks": blocks}

    return pack(d, lang, render, fits, max_messages)


def fits(payload: dict[str, Any]) -> bool:
    blocks = payload["blocks"]
    return len(blocks) <= MAX_BLOCKS and all(
        len(b["text"]["text"]) <= MAX_SECTION for b in blocks if b["type"] == "section"
    )


def answer_error(status: int, body: bytes) -> tuple[str | None, bool]:
    """(error text or None, retry?) for a 2xx answer: Slack says ``ok``."""
    return None, False

"""Microsoft Teams, a Workflows webhook ("Post to a channel when a webhook request is
received"): a ``message`` whose one attachment is an Adaptive Card (1.4).

Documented limit kept: a Teams message is at most 28 KB; the body is kept under 28,000
bytes. The flow answers ``202 Accepted``; ``429`` when throttled.
"""

from __future__ import annotations

from typing import Any

from ..service.digest import Digest
from .pack import body_bytes, md_line, pack
from .text import Line, more_text, since_text, title_text

MAX_BYTES = 28_000
CARD = "application/vnd.microsoft.card.adaptive"


def payloads(d: Digest, lang: str, max_messages: int = 1) -> list[dict[str, Any]]:
    title = title_text(d, lang)

    def render(lines: list[Line], more: int) -> dict[str, Any]:
        body: list[dict[str, Any]] = [
            {"type": "TextBlock", "text": title, "weight": "Bolder", "size": "Medium", "wrap": True},
            {"type": "TextBlock", "text": since_text(d, lang), "isSubtle": True, "spacing": "None", "wrap": True},
        ]
        body += [{"type": "TextBlock", "text": md_line(ln), "wrap": True} for ln in lines]
        if more:
            body.append({"type": "TextBlock", "text": more_text(more, lang), "isSubtle": True, "wrap": True})
        card = {
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "type": "AdaptiveCard",
            "version": "1.4",
            "body": body,
            "msteams": {"width": "Full"},
        }
        return {"type": "message", "attachments": [{"contentType": CARD, "contentUrl": None, "content": card}]}

    return pack(d, lang, render, fits, max_messages)


def fits(payload: dict[str, Any]) -> bool:
    return body_bytes(payload) <= MAX_BYTES


def answer_error(status: int, body: bytes) -> tuple[str | None, bool]:
    return None, False

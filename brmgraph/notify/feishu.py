"""Feishu (飞书) custom bot: an interactive card (``msg_type: interactive``).

Signed when the bot has a secret ("签名校验"): the body gains ``timestamp`` (seconds,
as text) and ``sign`` = Base64(HMAC-SHA256(key = f"{timestamp}\\n{secret}", message =
empty)). Documented limit kept: the request body at most 20 KB (kept under 20,000
bytes). The bot answers ``{"code": 0}``; 11232 and 9499 mean rate limited (retried).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

from ..service.digest import Digest
from .pack import body_bytes, md, md_line, pack
from .text import Line, more_text, since_text, title_text
from .webhooks import errcode_answer

MAX_BYTES = 20_000
RETRY_CODES = frozenset({11232, 9499})
#: room kept for the signature fields added after packing
SIGN_ROOM = 80


def sign(secret: str, timestamp_s: int) -> str:
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode("ascii")


def signed(payload: dict[str, Any], secret: str, timestamp_s: int) -> dict[str, Any]:
    return {"timestamp": str(timestamp_s), "sign": sign(secret, timestamp_s), **payload}


def payloads(d: Digest, lang: str, max_messages: int = 1) -> list[dict[str, Any]]:
    title = title_text(d, lang)

    def render(lines: list[Line], more: int) -> dict[str, Any]:
        rows = [md_line(ln) for ln in lines]
        if more:
            rows.append(md(more_text(more, lang)))
        elements: list[dict[str, Any]] = [{"tag": "markdown", "content": md(since_text(d, lang))}]
        if rows:
            elements += [{"tag": "hr"}, {"tag": "markdown", "content": "\n".join(rows)}]
        card = {
            "config": {"wide_screen_mode": True},
            "header": {"title": {"tag": "plain_text", "content": title}, "template": "orange"},
            "elements": elements,
        }
        return {"msg_type": "interactive", "card": card}

    return pack(d, lang, render, fits, max_messages)


def fits(payload: dict[str, Any]) -> bool:
    return body_bytes(payload) + SIGN_ROOM <= MAX_BYTES


def answer_error(status: int, body: bytes) -> tuple[str | None, bool]:
    return errcode_answer(body, "code", RETRY_CODES)

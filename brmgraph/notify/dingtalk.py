"""DingTalk (钉钉) group robot: ``{"msgtype": "markdown", "markdown": {"title", "text"}}``.

Signed when the robot has a secret ("加签"): ``timestamp`` (milliseconds) and
``sign`` = Base64(HMAC-SHA256(key = secret, message = f"{timestamp}\\n{secret}")),
URL-encoded, added to the webhook URL's query. The body is kept under 20,000 bytes
(DingTalk refuses longer messages). The robot answers ``{"errcode": 0}``; 130101 means
it sends too fast (retried).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any
from urllib.parse import quote_plus

from ..service.digest import Digest
from .pack import body_bytes, md, md_line, pack
from .text import Line, more_text, since_text, title_text
from .webhooks import errcode_answer

MAX_BYTES = 20_000
RETRY_CODES = frozenset({130101})


def sign(secret: str, timestamp_ms: int) -> str:
    """The documented signature, Base64 (not yet URL-encoded)."""
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    return base64.b64encode(hmac.new(secret.encode(), to_sign, hashlib.sha256).digest()).decode("ascii")


def signed_url(url: str, secret: str, timestamp_ms: int) -> str:
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp_ms}&sign={quote_plus(sign(secret, timestamp_ms))}"


def payloads(d: Digest, lang: str, max_messages: int = 1) -> list[dict[str, Any]]:
    title = title_text(d, lang)

    def render(lines: list[Line], more: int) -> dict[str, Any]:
        rows = [f"### {md(title)}", f"> {md(since_text(d, lang))}", *(f"- {md_line(ln)}" for ln in lines)]
        if more:
            rows.append(f"> {md(more_text(more, lang))}")
        # a blank line between rows: DingTalk's markdown joins single line breaks
        return {"msgtype": "markdown", "markdown": {"title": title, "text": "\n\n".join(rows)}}

    return pack(d, lang, render, fits, max_messages)


def fits(payload: dict[str, Any]) -> bool:
    return body_bytes(payload) <= MAX_BYTES


def answer_error(status: int, body: bytes) -> tuple[str | None, bool]:
    return errcode_answer(body, "errcode", RETRY_CODES)

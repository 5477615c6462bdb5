"""WeCom (企业微信) group robot: ``{"msgtype": "markdown", "markdown": {"content": …}}``.

Documented limit kept: ``content`` at most 4,096 bytes of UTF-8. The robot answers
``{"errcode": 0, "errmsg": "ok"}``; ``errcode`` 45009 means the 20 messages a minute
are used up (retried).
"""

from __future__ import annotations

from typing import Any

from ..service.digest import Digest
from .pack import md, md_line, pack
from .text import Line, more_text, since_text, title_text
from .webhooks import errcode_answer

MAX_CONTENT_BYTES = 4096
RETRY_CODES = frozenset({45009})


def payloads(d: Digest, lang: str, max_messages: int = 1) -> list[dict[str, Any]]:
    title = title_text(d, lang)

    def render(lines: list[Line], more: int) -> dict[str, Any]:
        rows = [f"## {md(title)}", f"> {md(since_text(d, lang))}", *(f"- {md_line(ln)}" for ln in lines)]
        if more:
            rows.append(f"> {md(more_text(more, lang))}")
        return {"msgtype": "markdown", "markdown": {"content": "\n".join(rows)}}

    return pack(d, lang, render, fits, max_messages)


def fits(payload: dict[str, Any]) -> bool:
    return len(payload["markdown"]["content"].encode("utf-8")) <= MAX_CONTENT_BYTES


def answer_error(status: int, body: bytes) -> tuple[str | None, bool]:
    return errcode_answer(body, "errcode", RETRY_CODES)

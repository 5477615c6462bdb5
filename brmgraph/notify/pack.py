"""Fitting a digest into a product's documented size limits: items fill up to
``max_messages`` messages in order; what does not fit ends the last one with
"and N more" (zh: "另有 N 项")."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..service.digest import Digest
from .text import Line, line

#: render(lines, more) -> payload; ``more``: how many items are left out (0: none)
Render = Callable[[list[Line], int], dict[str, Any]]


def body_bytes(payload: dict[str, Any]) -> int:
    """Size of the request body as sent (compact UTF-8 JSON)."""
    return len(dumps(payload))


def dumps(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def pack(d: Digest, lang: str, render: Render, fits: Callable[[dict[str, Any]], bool], max_messages: int = 1) -> list[dict[str, Any]]:
    """The messages of digest ``d``: each the largest run of the next items that
    ``fits``; after ``max_messages`` the rest are counted in the tail of the last."""
    lines = [line(it, lang) for it in d.items]
    n, limit = len(lines), max(1, max_messages)
    out: list[dict[str, Any]] = []
    i = 0
    while True:
        last = len(out) == limit - 1
        # the most items that fit (a binary search: a message only grows with its items)
        lo, hi = 0, n - i
        best = render([], n - i if last else 0)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            trial = render(lines[i : i + mid], n - i - mid if last else 0)
            if fits(trial):
                lo, best = mid, trial
            else:
                hi = mid - 1
        j = i + lo
        if j == i and i < n and not last:  # not even one item fits an empty message
            best = render([], n - i)
            j = n
        out.append(best)
        i = j
        if i >= n or last:
            return out


# ---------------------------------------------------------------- markdown for chat products
_MD = str.maketrans({"[": "［", "]": "］", "*": "＊", "_": "＿", "`": "'", "<": "‹", ">": "›", "#": "＃",
                     "\n": " ", "\r": " ", "|": "｜", "~": "～"})


def md(text: str) -> str:
    """User text made inert in the products' markdown (no links, emphasis or headings of
    its own): the markup characters become their full-width look-alikes."""
    return text.translate(_MD)


def md_line(ln: Line) -> str:
    """``**New flag** [Qian Rui (CRO)](url) · Huaxin Bank — Core platform — 4,800,000 · stance unknown``."""
    who = f"[{md(ln.who)}]({ln.url})" if ln.url else md(ln.who)
    parts = [f"**{md(ln.head)}** {who}", md(ln.where), md(ln.why)]
    return " · ".join(p for p in parts if p)

"""Sending with retries: an HTTP POST of JSON (standard library only), retried with
backoff on 429, 5xx, a dropped connection and the products' own "too fast" answers,
honouring ``Retry-After``; the total wait is capped. Nothing here prints a URL: a
webhook URL holds its token."""

from __future__ import annotations

import email.utils
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import capped

#: ``sleep(seconds)``: injectable, so tests wait for nothing
Sleep = Callable[[float], None]
#: answer_error(status, body) -> (error text or None, retry?) for a 2xx answer
AnswerCheck = Callable[[int, bytes], tuple["str | None", bool]]


@dataclass
class Retry:
    """How hard to try: ``tries`` attempts at most, waits of 1, 2, 4… seconds (or what
    ``Retry-After`` asks), ``max_wait`` seconds of waiting in all, ``timeout`` per try."""

    tries: int = 4
    max_wait: float = 60.0
    timeout: float = 10.0
    base: float = 1.0


@dataclass
class Outcome:
    ok: bool
    tries: int
    status: int | None = None
    error: str | None = None
    waited: float = 0.0


def retry_after(value: str | None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (a number or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def errcode_answer(body: bytes, key: str, retry_codes: frozenset[int]) -> tuple[str | None, bool]:
    """WeCom, DingTalk and Feishu answer 200 with ``{key: 0}`` on success, another code on failure."""
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        return f"the answer is not JSON: {capped(body.decode('utf-8', 'replace'), 100)}", False
    code = data.get(key, data.get("StatusCode", 0)) if isinstance(data, dict) else 0
    if code in (0, None):
        return None, False
    msg = data.get("errmsg") or data.get("msg") or data.get("StatusMessage") or ""
    return f"{key} {code}: {capped(str(msg), 100)}", code in retry_codes


def post_json(make: Callable[[], tuple[str, bytes]], answer_error: AnswerCheck, retry: Retry, sleep: Sleep) -> Outcome:
    """POST ``make()`` = (url, body) until it succeeds or ``retry`` is spent; ``make`` is
    called again for each try (a signature carries the time of its try)."""
    waited = 0.0
    error, status = "not sent", None
    for attempt in range(1, retry.tries + 1):
        url, body = make()
        req = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8",
                                              "User-Agent": "brmgraph-notify"})
        wait: float | None = None
        try:
            with urllib.request.urlopen(req, timeout=retry.timeout) as resp:  # noqa: S310 - http(s) checked by config
                status, answer = resp.status, resp.read(65536)
            problem, again = answer_error(status, answer)
            if problem is None:
                return Outcome(True, attempt, status, None, waited)
            error = problem
            if not again:
                return Outcome(False, attempt, status, error, waited)
        except urllib.error.HTTPError as exc:
            status = exc.code
            text = exc.read(200).decode("utf-8", "replace") if exc.fp is not None else ""
            error = f"HTTP {exc.code}" + (f": {capped(text, 100)}" if text.strip() else "")
            if exc.code != 429 and exc.code < 500:
                return Outcome(False, attempt, status, error, waited)
            wait = retry_after(exc.headers.get("Retry-After") if exc.headers else None)
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            error = f"cannot connect: {capped(str(reason), 100)}"
            status = None
        if attempt == retry.tries:
            break
        delay = retry.base * 2 ** (attempt - 1) if wait is None else wait
        if waited + delay > retry.max_wait:
            error += f" (a further wait of {delay:g} s would pass the {retry.max_wait:g} s allowed)"
            return Outcome(False, attempt, status, error, waited)
        sleep(delay)
        waited += delay
    return Outcome(False, retry.tries, status, error, waited)

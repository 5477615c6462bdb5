"""One notify run: compose the digest once, then for each channel filter it, fit it into
the product's messages, and send each message not yet recorded for this run id,
recording each one in the store as soon as it is sent (docs/spec.md §5.5)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..errors import StoreUnavailable
from ..service.digest import Digest, compose
from . import dingtalk, email, feishu, jsonhook, slack, teams, wecom
from .config import Channel
from .pack import dumps
from .webhooks import Outcome, Retry, Sleep, post_json

MODULES: dict[str, Any] = {"slack": slack, "teams": teams, "wecom": wecom, "dingtalk": dingtalk,
                           "feishu": feishu, "json": jsonhook, "email": email}


@dataclass
class Options:
    since: str  # canonical time text
    today: date
    run_id: str
    max_cost: int = 4
    base_url: str | None = None
    dry_run: bool = False
    send_empty: bool = False
    retry: Retry = field(default_factory=Retry)


@dataclass
class ChannelResult:
    channel: str
    kind: str
    target: str
    lang: str
    items: int
    messages: int
    sent: int = 0
    skipped: int = 0
    status: str = "sent"  # sent | already_sent | empty | failed | dry_run
    tries: int = 0
    error: str | None = None
    payloads: list[dict[str, Any]] | None = None

    def as_json(self) -> dict[str, Any]:
        d = {k: getattr(self, k) for k in ("channel", "kind", "target", "lang", "items", "messages", "sent",
                                            "skipped", "status", "tries", "error")}
        if self.payloads is not None:
            d["payloads"] = self.payloads
        return d


@dataclass
class Summary:
    run_id: str
    digest: Digest
    dry_run: bool
    channels: list[ChannelResult]

    @property
    def failed(self) -> list[str]:
        return [c.channel for c in self.channels if c.status == "failed"]

    def as_json(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "since": self.digest.since, "today": self.digest.today,
                "dry_run": self.dry_run, "counts": self.digest.counts(),
                "channels": [c.as_json() for c in self.channels], "failed": self.failed}


def payloads_for(ch: Channel, d: Digest, run_id: str) -> list[dict[str, Any]]:
    """The messages of channel ``ch`` for digest ``d`` (unsigned)."""
    mod = MODULES[ch.kind]
    if ch.kind == "json":
        return jsonhook.payloads(d, ch.lang, run_id=run_id, channel=ch.name)  # type: ignore[no-any-return]
    if ch.kind == "email":
        return email.payloads(d, ch.lang, mail_from=ch.mail_from, mail_to=ch.mail_to)
    return mod.payloads(d, ch.lang, ch.max_messages)  # type: ignore[no-any-return]


def _request(ch: Channel, payload: dict[str, Any], clock: Callable[[], float]) -> Callable[[], tuple[str, bytes]]:
    """(url, body) of one try, signed with the time of that try."""
    assert ch.url is not None

    def make() -> tuple[str, bytes]:
        url, body = ch.url or "", payload
        if ch.secret and ch.kind == "dingtalk":
            url = dingtalk.signed_url(url, ch.secret, int(clock() * 1000))
        elif ch.secret and ch.kind == "feishu":
            body = feishu.signed(payload, ch.secret, int(clock()))
        return url, dumps(body)

    return make


def shown_payload(ch: Channel, payload: dict[str, Any]) -> dict[str, Any]:
    """What ``--dry-run`` prints for one message: where it would go (redacted) and the body
    (a signature shown as ``***``)."""
    if ch.kind == "email":
        return {"smtp": ch.target(), **payload}
    body = dict(payload)
    if ch.secret and ch.kind == "feishu":
        body = {"timestamp": "***", "sign": "***", **body}
    url = ch.target() + ("&timestamp=***&sign=***" if ch.secret and ch.kind == "dingtalk" else "")
    return {"method": "POST", "url": url, "body": body}


def send_one(ch: Channel, payload: dict[str, Any], retry: Retry, sleep: Sleep, clock: Callable[[], float]) -> Outcome:
    if ch.kind == "email":
        assert ch.smtp is not None
        return email.send(ch.smtp, payload, retry, sleep)
    return post_json(_request(ch, payload, clock), MODULES[ch.kind].answer_error, retry, sleep)


def notify(store: Any, channels: list[Channel], opts: Options, *, sleep: Sleep = time.sleep,
           clock: Callable[[], float] = time.time, progress: Callable[[ChannelResult], None] | None = None,
           digest: Digest | None = None) -> Summary:
    """Compose the digest of ``store`` (an open :class:`~brmgraph.store.Store`) and deliver
    it to every channel; a failing channel never stops the others. ``sleep`` and
    ``clock`` are injectable (tests); ``progress`` is called as each channel ends."""
    d = digest or compose(store, since=opts.since, today=opts.today, max_cost=opts.max_cost, base_url=opts.base_url)
    done = store.notify_sends(opts.run_id)
    if not opts.dry_run and getattr(store, "readonly", False):
        raise StoreUnavailable(f"store {store.url} is read-only: notify records what it sends there (a re-run must "
                               "not send twice); open it with write permission, or use --dry-run")
    results = []
    for ch in channels:
        mine = d.filtered(customers=ch.customers, teams=ch.teams, min_amount=ch.min_amount)
        msgs = payloads_for(ch, mine, opts.run_id)
        r = ChannelResult(ch.name, ch.kind, ch.target(), ch.lang, len(mine.items), len(msgs))
        if not mine.items and not opts.send_empty:
            r.status, r.messages = "empty", 0
        elif opts.dry_run:
            r.status, r.payloads = "dry_run", [shown_payload(ch, p) for p in msgs]
            r.skipped = sum(1 for k in range(len(msgs)) if (ch.name, k) in done)
        else:
            _deliver(store, ch, msgs, done, opts, r, sleep, clock)
        results.append(r)
        if progress is not None:
            progress(r)
    return Summary(opts.run_id, d, opts.dry_run, results)


def _deliver(store: Any, ch: Channel, msgs: list[dict[str, Any]], done: set[tuple[str, int]], opts: Options,
             r: ChannelResult, sleep: Sleep, clock: Callable[[], float]) -> None:
    for k, payload in enumerate(msgs):
        if (ch.name, k) in done:
            r.skipped += 1
            continue
        out = send_one(ch, payload, opts.retry, sleep, clock)
        r.tries += out.tries
        if not out.ok:
            r.status, r.error = "failed", _scrub(out.error or "failed", ch)
            return
        try:
            store.notify_record(opts.run_id, ch.name, k, json.dumps({"kind": ch.kind, "items": r.items}))
        except StoreUnavailable as exc:
            r.status, r.error = "failed", f"message {k + 1} was sent but could not be recorded: {exc}"
            r.sent += 1
            return
        r.sent += 1
    if r.sent == 0 and r.skipped == len(msgs):
        r.status = "already_sent"


def _scrub(text: str, ch: Channel) -> str:
    """An error text with every secret of the channel replaced by ``***`` (belt and braces)."""
    for s in sorted(ch.secrets(), key=len, reverse=True):
        text = text.replace(s, "***")
    return text

"""``brmgraph notify``: the digest of what changed since T, sent to e-mail, Slack,
Teams, WeCom, DingTalk, Feishu or a JSON webhook (docs/spec.md §5.5). Presentation
only: the digest, the payloads and the sending live in :mod:`brmgraph.notify`."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import BadArgument, ExitCode, safe_line
from . import app
from .common import DEFAULT_MAX_COST, JsonOpt, Lang, MaxCostOpt, StoreOpt, parse_day, store_from, time_value

if TYPE_CHECKING:
    from ..notify import ChannelResult, Summary

_STATUS = {"sent": "sent", "already_sent": "already sent", "empty": "nothing to send", "failed": "FAILED",
           "dry_run": "dry run"}


@app.command("notify")
def notify_cmd(
    since: Annotated[str, typer.Option("--since", metavar="T", callback=time_value("--since"), help="Start of the window: a date 2024-05-01 or an ISO time.")],
    webhook: Annotated[
        list[str] | None,
        typer.Option("--webhook", metavar="KIND=URL",
                     help="Send to a webhook; KIND is slack, teams, wecom, dingtalk, feishu or json; URL may be "
                     "env:VAR (the URL holds a token: an environment variable keeps it out of the process list). "
                     "Repeatable. DingTalk and Feishu are signed with BRM_DINGTALK_SECRET / BRM_FEISHU_SECRET when set."),
    ] = None,
    smtp: Annotated[
        str | None,
        typer.Option("--smtp", metavar="URL", help="Send e-mail through smtp://host[:port][?starttls=auto|require|off] or "
                     "smtps://host[:port]; user and password from BRM_SMTP_USER / BRM_SMTP_PASSWORD."),
    ] = None,
    mail_to: Annotated[list[str] | None, typer.Option("--mail-to", metavar="ADDR", help="E-mail recipient (repeatable).")] = None,
    mail_from: Annotated[str | None, typer.Option("--mail-from", metavar="ADDR", help="E-mail sender (default brmgraph@localhost).")] = None,
    config: Annotated[
        str | None,
        typer.Option("--config", metavar="FILE", help="A TOML file of channels (several, each with its language, "
                     "filters and the environment variables that hold its secrets); see docs/guide.md."),
    ] = None,
    lang: Annotated[Lang, typer.Option("--lang", metavar="en|zh", help="Language of the digest (a channel of --config may set its own).")] = Lang.en,
    base_url: Annotated[
        str | None, typer.Option("--base-url", metavar="URL", help="Where brmgraph serve is reached; items link to its deal pages.")
    ] = None,
    run_id: Annotated[
        str | None, typer.Option("--run-id", metavar="ID", help="What a re-run must not send twice (default: today's date, UTC).")
    ] = None,
    today: Annotated[
        str | None, typer.Option("--today", metavar="YYYY-MM-DD", help="Today's date for cooling (default: today).")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print every message (secrets hidden); send and record nothing.")] = False,
    send_empty: Annotated[bool, typer.Option("--send-empty", help="Send a digest even when nothing changed.")] = False,
    max_wait: Annotated[
        float, typer.Option("--max-wait", min=0, metavar="SECONDS", help="Longest total wait between retries of one message.")
    ] = 60.0,
    max_cost: MaxCostOpt = DEFAULT_MAX_COST,
    as_json: JsonOpt = False,
    store: StoreOpt = None,
) -> None:
    """Send the digest of what changed since T: new and resolved flags and drift alerts,
    with names, deals and reasons, each linked to its deal page.

    A re-run with the same --run-id sends nothing twice (sends are recorded in the store);
    429 and 5xx answers are retried; a failing channel does not stop the others and
    makes the exit code 8.

    Example: brmgraph notify --since 2026-12-06 --webhook slack=env:SLACK_WEBHOOK_URL --base-url https://brm.example.com
    """
    from ..notify import Options, Retry, from_file, from_options, notify
    from ..service.digest import check_base_url

    channels = from_options(list(webhook or []), smtp, list(mail_to or []), mail_from, lang.value)
    defaults: dict[str, str] = {}
    if config is not None:
        more, defaults = from_file(config, lang.value)
        channels += more
    if not channels:
        raise BadArgument("no channel: give --webhook KIND=URL, --smtp URL --mail-to ADDR, or --config FILE")
    day = parse_day(today) or datetime.now(UTC).date()
    rid = run_id if run_id is not None else day.isoformat()
    if not rid.strip() or len(rid) > 100:
        raise BadArgument("--run-id must be 1-100 characters")
    opts = Options(since=since, today=day, run_id=rid, max_cost=max_cost,
                   base_url=check_base_url(base_url or defaults.get("base_url")), dry_run=dry_run,
                   send_empty=send_empty, retry=Retry(max_wait=max_wait))
    show = None if as_json else _progress
    with store_from(store, writes=True) as st:
        summary = notify(st, channels, opts, progress=show)
    if as_json:
        sys.stdout.write(json.dumps(summary.as_json(), ensure_ascii=False) + "\n")
    else:
        _print_end(summary)
    if summary.failed:
        typer.echo(safe_line(f"error: {len(summary.failed)} channel(s) failed: {', '.join(summary.failed)}"), err=True)
        raise typer.Exit(ExitCode.NOTIFY_FAILED)


def _progress(r: ChannelResult) -> None:
    what = f"{r.sent} of {r.messages} message(s) sent, {r.skipped} sent before" if r.status != "dry_run" else f"{r.messages} message(s)"
    tail = f" ({r.items} items)" + (f": {r.error}" if r.error else "")
    typer.echo(safe_line(f"{_STATUS.get(r.status, r.status):>15}  {r.channel}  {r.target}  {what}{tail}"))
    for k, p in enumerate(r.payloads or [], 1):
        typer.echo(f"--- {r.channel} message {k} of {len(r.payloads or [])}")
        typer.echo(json.dumps(p, ensure_ascii=False, indent=2))


def _print_end(s: Summary) -> None:
    c = s.digest.counts()
    typer.echo(safe_line(f"notify run {s.run_id}{' (dry run: nothing sent)' if s.dry_run else ''}: since {s.digest.since}, "
                         f"{c['new']} new flags, {c['resolved']} resolved, {c['alerts']} alerts; "
                         f"{len(s.channels)} channel(s), {len(s.failed)} failed"))

"""``brmgraph notify`` (docs/spec.md §5.5) against local receivers: a real HTTP server
and a real SMTP sink on 127.0.0.1 (tests/notify_receivers.py). Payload shapes per
product, signatures against independently computed HMACs, size limits on a 60-person
customer, retries, idempotence, a failing channel, redaction, dry runs, zh and en."""

from __future__ import annotations

import base64
import email
import email.policy
import hashlib
import hmac
import json
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

import pytest

from brmgraph.dataset import import_path
from brmgraph.notify import Options, Retry, compose, dingtalk, feishu, from_file, notify, slack, teams, wecom
from brmgraph.notify.config import Channel
from brmgraph.notify.email import Smtp
from brmgraph.store import Store, open_store
from brmgraph.store.history import parse_time

from .builders import run_cli
from .notify_receivers import http_receiver, smtp_sink
from .test_alerts import SINCE, TODAY, after_doc, before_doc

TOKEN = "T0KEN-9f8e7d6c5b4a39281706"  # stands for the secret part of every webhook URL
SECRET = "SEC-signing-secret-0123456789"
KINDS = ("slack", "teams", "wecom", "dingtalk", "feishu", "json")


def docs() -> tuple[dict[str, Any], dict[str, Any]]:
    """test_alerts' two states, plus a veto holder P7 uncovered before and covered after
    (a resolved flag), teams on the employees, and an amount on the deal."""
    b, a = before_doc(), after_doc()
    for d in (b, a):
        d["key_persons"].append({"id": "P7", "customer": "C1", "name": "Vic [boss]", "title": "CFO", "veto": "yes"})
        d["projects"][0]["decision_chain"].append({"person": "P7"})
        d["projects"][0]["amount"] = 1200000
        d["projects"][0]["stage"] = "proposal"
        for e in d["employees"]:
            e["team"] = "East"
    a["influences"].append({"source": "E1", "target": "P7", "strength": "strong"})
    return b, a


@pytest.fixture
def loaded(tmp_path: Path, sqlite_url: str) -> str:
    with open_store(sqlite_url, create=True) as st:
        load(st, tmp_path)
    return sqlite_url


def load(st: Store, tmp: Path) -> None:
    for name, doc, t in zip(("a.json", "b.json"), docs(), (SINCE, "2024-04-25")):
        f = tmp / name
        f.write_text(json.dumps(doc), encoding="utf-8")
        import_path(st, f, replace=True, effective=parse_time(t))


def opts(run_id: str = "r1", **kw: Any) -> Options:
    kw.setdefault("base_url", "https://brm.example.com")
    return Options(since=parse_time(SINCE), today=date.fromisoformat(TODAY), run_id=run_id, **kw)


def no_wait(log: list[float] | None = None):
    def sleep(s: float) -> None:
        if log is not None:
            log.append(s)
    return sleep


def channel(rec, kind: str, lang: str = "en", **kw: Any) -> Channel:
    return Channel(name=f"{kind}-{lang}", kind=kind, lang=lang, url=rec.url(kind, TOKEN) + "?key=" + TOKEN, **kw)


# ----------------------------------------------------------------------------- the digest


def test_digest_is_flags_since_and_alerts(loaded: str) -> None:
    """The digest holds exactly what `flags --since` and `alerts --since` print."""
    flags = [json.loads(x) for x in run_cli("flags", "--since", SINCE, "--store", loaded).out.splitlines()]
    events = [json.loads(x) for x in run_cli("alerts", "--since", SINCE, "--today", TODAY, "--store", loaded).out.splitlines()]
    assert {f["change"] for f in flags} == {"new", "resolved"} and events
    with open_store(loaded, create=False) as st:
        d = compose(st, since=parse_time(SINCE), today=date.fromisoformat(TODAY), max_cost=4,
                    base_url="https://brm.example.com/")
    assert [(f.project, f.person, f.change, list(f.reasons)) for f in d.flags] == [
        (f["project"], f["person"], f["change"], f["reasons"]) for f in flags]
    assert [(a.change, a.project, a.person, a.before, a.after) for a in d.alerts] == [
        (e["event"], e["project"], e["person"], e["before"], e["after"]) for e in events]
    j1 = next(f for f in d.flags if f.project == "J1")
    assert j1.url == "https://brm.example.com/deals/J1" and j1.amount == 1200000 and j1.teams == ("East",)
    cust = next(a for a in d.alerts if a.project is None)
    assert cust.url == "https://brm.example.com/customers/C1"
    # filters: other customers, another team, a bigger amount (customer-wide items stay)
    assert d.filtered(customers=["C9"]).items == ()
    assert d.filtered(teams=["West"]).items == ()
    big = d.filtered(min_amount=2_000_000)
    assert big.flags == () and big.alerts and all(a.project is None for a in big.alerts)


# ----------------------------------------------------------------------------- payload shapes


def test_each_product_gets_its_documented_payload(loaded: str) -> None:
    with http_receiver() as rec, open_store(loaded, create=False) as st:
        chans = [channel(rec, k, secret=SECRET if k in ("dingtalk", "feishu") else None) for k in KINDS]
        s = notify(st, chans, opts(), sleep=no_wait(), clock=lambda: 1_700_000_000.123)
        assert s.failed == [] and [c.status for c in s.channels] == ["sent"] * len(KINDS)
        got = {k: rec.to(k) for k in KINDS}
    assert all(len(v) == 1 for v in got.values())
    for r in rec.requests:
        assert r.headers["Content-Type"].startswith("application/json")
    n = len(s.digest.items)
    sl = got["slack"][0].json()
    assert sl["blocks"][0]["type"] == "header" and isinstance(sl["text"], str) and sl["text"]
    sections = [b for b in sl["blocks"] if b["type"] == "section"]
    assert len(sections) == n and "<https://brm.example.com/deals/J1|" in json.dumps(sl)
    tm = got["teams"][0].json()
    assert tm["type"] == "message"
    att = tm["attachments"][0]
    assert att["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert att["content"]["type"] == "AdaptiveCard" and att["content"]["version"] == "1.4"
    assert len(att["content"]["body"]) == n + 2
    wc = got["wecom"][0].json()
    assert wc["msgtype"] == "markdown" and "[Pat](https://brm.example.com/customers/C1)" in wc["markdown"]["content"]
    assert "Vic ［boss］ (CFO)" in wc["markdown"]["content"]  # user text cannot make markup
    # DingTalk: timestamp (ms) and sign in the query; sign = b64(HMAC-SHA256(secret, "ts\nsecret"))
    dt = got["dingtalk"][0]
    ts = dt.query["timestamp"][0]
    assert ts == "1700000000123"
    want = base64.b64encode(hmac.new(SECRET.encode(), f"{ts}\n{SECRET}".encode(), hashlib.sha256).digest()).decode()
    assert dt.query["sign"][0] == want
    assert dt.json()["msgtype"] == "markdown" and set(dt.json()["markdown"]) == {"title", "text"}
    # Feishu: timestamp (s) and sign in the body; sign = b64(HMAC-SHA256(key "ts\nsecret", empty))
    fs = got["feishu"][0].json()
    assert fs["timestamp"] == "1700000000" and fs["msg_type"] == "interactive"
    key = f"{fs['timestamp']}\n{SECRET}".encode()
    assert fs["sign"] == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    assert fs["card"]["header"]["title"]["content"].startswith("brmgraph digest")
    js = got["json"][0].json()
    assert js["brmgraph"] == "digest" and js["run_id"] == "r1" and js["counts"] == s.digest.counts()
    assert len(js["flags"]) + len(js["alerts"]) == n and js["audience"] == {"kind": "team"}


def test_published_dingtalk_example_signature() -> None:
    """The algorithm as DingTalk's documentation writes it in Python (quote_plus of the base64)."""
    ts, secret = 1577262236757, "this is secret"
    raw = hmac.new(secret.encode("utf-8"), f"{ts}\n{secret}".encode(), digestmod=hashlib.sha256).digest()
    url = dingtalk.signed_url("https://oapi.dingtalk.com/robot/send?access_token=x", secret, ts)
    assert unquote_plus(url.split("&sign=")[1]) == base64.b64encode(raw).decode()
    assert f"&timestamp={ts}&" in url


def test_zh_words(loaded: str) -> None:
    with http_receiver() as rec, open_store(loaded, create=False) as st:
        notify(st, [channel(rec, "wecom", "zh"), channel(rec, "slack", "zh")], opts(), sleep=no_wait())
    text = rec.to("wecom")[0].json()["markdown"]["content"]
    assert "关系日报" in text and "新增风险" in text and "已解除" in text and "未覆盖" in text
    assert "关系日报" in rec.to("slack")[0].json()["text"]


# ----------------------------------------------------------------------------- size limits


@pytest.fixture
def big(tmp_path: Path) -> str:
    """One customer, 60 key persons, all veto holders we do not reach, in 4 open deals: 240 flags."""
    persons = [{"id": f"P{i:02d}", "customer": "C1", "name": f"王{i:02d} 经理" * 3, "title": "副总裁" * 4, "veto": "yes"}
               for i in range(60)]
    doc = {"customers": [{"id": "C1", "name": "华信银行股份有限公司"}], "employees": [{"id": "E1", "name": "Eve"}],
           "key_persons": persons,
           "projects": [{"id": f"J{j}", "customer": "C1", "name": f"核心风险数据平台 {j}", "amount": 4800000,
                         "decision_chain": [{"person": p["id"]} for p in persons]} for j in range(4)]}
    f = tmp_path / "big.json"
    f.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'big.db'}"
    with open_store(url, create=True) as st:
        import_path(st, f, replace=True)
    return url


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_size_limits_on_a_big_customer(big: str, lang: str) -> None:
    with open_store(big, create=False) as st:
        d = compose(st, since="2000-01-01T00:00:00.000000Z", today=date(2026, 12, 7), max_cost=4,
                    base_url="https://brm.example.com")
    total = len(d.items)
    assert total == 240
    more = "另有 " if lang == "zh" else "and "

    def shown_and_more(n_shown: int, tail: str) -> None:
        tail = tail.removeprefix("> ")
        n_more = int(tail.split(more)[1].split()[0]) if tail.startswith(more) else 0
        assert n_shown + n_more == total, (n_shown, n_more)

    for m in (1, 3):
        msgs = slack.payloads(d, lang, m)
        assert all(len(p["blocks"]) <= 50 and len(p["text"]) <= 3000 for p in msgs) and len(msgs) == m
        shown = sum(sum(1 for b in p["blocks"] if b["type"] == "section") for p in msgs)
        shown_and_more(shown, msgs[-1]["blocks"][-1]["elements"][0]["text"])
        msgs = wecom.payloads(d, lang, m)
        assert len(msgs) == m and all(len(p["markdown"]["content"].encode()) <= 4096 for p in msgs)
        shown = sum(p["markdown"]["content"].count("\n- ") for p in msgs)
        shown_and_more(shown, msgs[-1]["markdown"]["content"].splitlines()[-1])
        msgs = dingtalk.payloads(d, lang, m)
        assert all(len(json.dumps(p, ensure_ascii=False, separators=(",", ":")).encode()) <= 20000 for p in msgs)
        shown = sum(p["markdown"]["text"].count("\n\n- ") for p in msgs)
        shown_and_more(shown, msgs[-1]["markdown"]["text"].split("\n\n")[-1])
        msgs = teams.payloads(d, lang, m)
        assert all(len(json.dumps(p, ensure_ascii=False, separators=(",", ":")).encode()) <= 28000 for p in msgs)
        tail = msgs[-1]["attachments"][0]["content"]["body"][-1]["text"]
        shown = sum(len(p["attachments"][0]["content"]["body"]) - 2 for p in msgs) - tail.startswith(more)
        shown_and_more(shown, tail)  # (each card: heading, since, items, and the tail on the last)
        msgs = feishu.payloads(d, lang, m)
        signed = [feishu.signed(p, SECRET, 1_700_000_000) for p in msgs]
        assert all(len(json.dumps(p, ensure_ascii=False, separators=(",", ":")).encode()) <= 20 * 1000 for p in signed)
        rows = [ln for p in msgs for ln in p["card"]["elements"][-1]["content"].split("\n")]
        shown_and_more(len(rows) - rows[-1].startswith(more), rows[-1])


# ----------------------------------------------------------------------------- reliability


def test_retries_honour_retry_after_and_the_cap(loaded: str) -> None:
    with http_receiver() as rec, open_store(loaded, create=False) as st:
        rec.script["slack"] = [(429, {"Retry-After": "7"}, b"rate_limited"), (503, {}, b"busy")]
        waits: list[float] = []
        s = notify(st, [channel(rec, "slack")], opts(), sleep=no_wait(waits))
        assert s.channels[0].status == "sent" and s.channels[0].tries == 3
        assert waits == [7.0, 2.0]  # Retry-After, then the backoff of the second try
        rec.script["teams"] = [(429, {"Retry-After": "120"}, b"")]
        waits.clear()
        s = notify(st, [channel(rec, "teams")], opts("r2", retry=Retry(max_wait=60)), sleep=no_wait(waits))
        c = s.channels[0]
        assert c.status == "failed" and waits == [] and "120 s" in c.error and c.tries == 1
        # WeCom's own "too many messages" code is retried; a 400 is not
        rec.script["wecom"] = [(200, {}, b'{"errcode":45009,"errmsg":"api freq out of limit"}')]
        assert notify(st, [channel(rec, "wecom")], opts("r3"), sleep=no_wait()).channels[0].tries == 2
        rec.script["json"] = [(400, {}, b"bad")]
        c = notify(st, [channel(rec, "json")], opts("r4"), sleep=no_wait()).channels[0]
        assert c.status == "failed" and c.tries == 1 and c.error == "HTTP 400: bad"


def test_a_rerun_sends_nothing_twice_and_a_failing_channel_stops_no_other(loaded: str) -> None:
    with http_receiver() as rec, open_store(loaded, create=False) as st:
        rec.script["teams"] = [(500, {}, b"")] * 4
        chans = [channel(rec, "slack"), channel(rec, "teams"), channel(rec, "wecom")]
        s = notify(st, chans, opts("night-1"), sleep=no_wait())
        assert [c.status for c in s.channels] == ["sent", "failed", "sent"] and s.failed == ["teams-en"]
        assert len(rec.to("slack")) == 1 and len(rec.to("teams")) == 4 and len(rec.to("wecom")) == 1
        # the re-run sends only what failed
        s = notify(st, chans, opts("night-1"), sleep=no_wait())
        assert [c.status for c in s.channels] == ["already_sent", "sent", "already_sent"]
        assert len(rec.to("slack")) == 1 and len(rec.to("teams")) == 5 and len(rec.to("wecom")) == 1
        assert st.notify_sends("night-1") == {("slack-en", 0), ("teams-en", 0), ("wecom-en", 0)}
        # another run id sends again
        notify(st, chans[:1], opts("night-2"), sleep=no_wait())
        assert len(rec.to("slack")) == 2


def test_cli_exit_code_summary_dry_run_and_redaction(loaded: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with http_receiver() as rec:
        rec.script["teams"] = [(500, {}, b"")] * 10
        monkeypatch.setenv("SLACK_HOOK", rec.url("slack", TOKEN))
        base = ["notify", "--since", SINCE, "--today", TODAY, "--store", loaded, "--run-id", "cli-1",
                "--webhook", "slack=env:SLACK_HOOK", "--webhook", f"teams={rec.url('teams', TOKEN)}?sig={TOKEN}",
                "--base-url", "https://brm.example.com"]
        dry = run_cli(*base, "--dry-run")
        assert dry.code == 0 and rec.requests == [] and TOKEN not in dry.out + dry.err
        assert '"blocks"' in dry.out and "AdaptiveCard" in dry.out and "/slack/***" in dry.out and "sig=***" in dry.out
        r = run_cli(*base, "--json", "--max-wait", "0")
        assert r.code == 8, r.err
        out = json.loads(r.out)
        assert out["failed"] == [c["channel"] for c in out["channels"] if c["kind"] == "teams"]
        assert {c["kind"]: c["status"] for c in out["channels"]} == {"slack": "sent", "teams": "failed"}
        assert "failed" in r.err and out["failed"][0] in r.err
        assert TOKEN not in r.out + r.err
        again = run_cli(*base, "--json", "--max-wait", "0")
        assert {c["kind"]: c["status"] for c in json.loads(again.out)["channels"]}["slack"] == "already_sent"
        assert len(rec.to("slack")) == 1
        bad = run_cli("notify", "--since", SINCE, "--store", loaded, "--webhook", f"discord=https://x/{TOKEN}")
        assert bad.code == 2 and TOKEN not in bad.err and bad.err.startswith("error: ")
        none = run_cli("notify", "--since", SINCE, "--store", loaded)
        assert none.code == 2 and "no channel" in none.err


def test_email_multipart_in_each_language(loaded: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with smtp_sink() as sink, open_store(loaded, create=False) as st:
        chans = [Channel(name=f"mail-{lang}", kind="email", lang=lang,
                         smtp=Smtp("127.0.0.1", sink.port, "off", "brm", "pw-" + TOKEN),
                         mail_from="brm@example.com", mail_to=("lead@example.com", "ops@example.com"))
                 for lang in ("en", "zh")]
        s = notify(st, chans, opts(), sleep=no_wait())
        assert s.failed == [] and len(sink.mails) == 2
        assert TOKEN not in json.dumps(s.as_json())
    for m, lang in zip(sink.mails, ("en", "zh")):
        assert m.auth == ("brm", "pw-" + TOKEN) and m.recipients == ["lead@example.com", "ops@example.com"]
        msg = email.message_from_bytes(m.data, policy=email.policy.default)
        assert msg.get_content_type() == "multipart/alternative"
        assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
        subject = str(msg["Subject"])
        assert ("关系日报" in subject) == (lang == "zh") and ("digest" in subject) == (lang == "en")
        html = msg.get_body(("html",)).get_content()
        assert 'href="https://brm.example.com/deals/J1"' in html and "Vic [boss]" in html
    # the CLI shortcut: credentials from the environment
    monkeypatch.setenv("BRM_SMTP_USER", "brm")
    monkeypatch.setenv("BRM_SMTP_PASSWORD", "pw-" + TOKEN)
    with smtp_sink() as sink:
        r = run_cli("notify", "--since", SINCE, "--today", TODAY, "--store", loaded, "--json",
                    "--smtp", f"smtp://127.0.0.1:{sink.port}?starttls=off", "--mail-to", "lead@example.com")
        assert r.code == 0, r.err
        assert len(sink.mails) == 1 and sink.mails[0].auth == ("brm", "pw-" + TOKEN) and TOKEN not in r.out
    r = run_cli("notify", "--since", SINCE, "--store", loaded, "--smtp", f"smtp://u:{TOKEN}@h", "--mail-to", "a@b.c")
    assert r.code == 2 and TOKEN not in r.err and "BRM_SMTP_PASSWORD" in r.err


def test_config_file(loaded: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with http_receiver() as rec:
        monkeypatch.setenv("DT_URL", rec.url("dingtalk") + "?access_token=" + TOKEN)
        monkeypatch.setenv("DT_SECRET", SECRET)
        monkeypatch.setenv("HOOK_URL", rec.url("json", TOKEN))
        cfg = tmp_path / "notify.toml"
        cfg.write_text('''
[defaults]
lang = "zh"
base_url = "https://brm.example.com"

[[channels]]
name = "east-dingtalk"
kind = "dingtalk"
url_env = "DT_URL"
secret_env = "DT_SECRET"
teams = ["East"]

[[channels]]
name = "big-deals"
kind = "json"
url_env = "HOOK_URL"
lang = "en"
min_amount = 5000000
''', encoding="utf-8")
        chans, _ = from_file(str(cfg), "en")
        assert [(c.name, c.lang) for c in chans] == [("east-dingtalk", "zh"), ("big-deals", "en")]
        r = run_cli("notify", "--since", SINCE, "--today", TODAY, "--store", loaded, "--config", str(cfg), "--json")
        assert r.code == 0, r.err
        assert TOKEN not in r.out and SECRET not in r.out
        out = {c["channel"]: c for c in json.loads(r.out)["channels"]}
        assert out["east-dingtalk"]["status"] == "sent" and "access_token=***" in out["east-dingtalk"]["target"]
        assert "关系日报" in rec.to("dingtalk")[0].json()["markdown"]["title"]
        assert "sign" in rec.to("dingtalk")[0].query
        body = rec.to("json")[0].json()  # min_amount: only the customer-wide alerts
        assert body["flags"] == [] and all(a["project"] is None for a in body["alerts"])
    for text, why in (
        (f'[[channels]]\nname="a"\nkind="slack"\nurl="https://hooks.slack.com/services/{TOKEN}"\n', "url_env"),
        ('[[channels]]\nname="a"\nkind="dingtalk"\nurl_env="DT_URL"\nsecret="x"\n', "secret_env"),
        ('[[channels]]\nname="a"\nkind="slack"\nurl_env="NOPE_UNSET"\n', "NOPE_UNSET is not set"),
        ('[[channels]]\nname="a"\nkind="fax"\n', "kind must be"),
        ('[[channels]]\nname="a"\nkind="slack"\nurl_env="HOOK_URL"\nlang="fr"\n', "lang must be"),
        ("[[channels]\n", "not a readable TOML"),
    ):
        cfg.write_text(text, encoding="utf-8")
        monkeypatch.setenv("DT_URL", "https://oapi.dingtalk.com/robot/send?access_token=" + TOKEN)
        r = run_cli("notify", "--since", SINCE, "--store", loaded, "--config", str(cfg))
        assert r.code == 2 and why in r.err and TOKEN not in r.err, (text, r.err)


def test_nothing_changed_sends_nothing(loaded: str) -> None:
    with http_receiver() as rec, open_store(loaded, create=False) as st:
        o = opts()
        o.since, o.today = parse_time("2024-04-26"), date(2024, 4, 26)
        s = notify(st, [channel(rec, "slack")], o, sleep=no_wait())
        assert s.channels[0].status == "empty" and rec.requests == []
        o.send_empty = True
        notify(st, [channel(rec, "slack")], o, sleep=no_wait())
        sent = rec.to("slack")
        assert len(sent) == 1 and not [b for b in sent[0].json()["blocks"] if b["type"] == "section"]
        assert sent[0].json()["text"].startswith("brmgraph digest 2024-04-26: 0 new flags")


def test_both_stores_record_sends(store: Store) -> None:
    assert store.notify_sends("r1") == set()
    store.notify_record("r1", "slack-en", 0, "{}")
    store.notify_record("r1", "slack-en", 0, "{}")  # again: no change
    store.notify_record("r1", "mail", 1, "{}")
    store.notify_record("r2", "slack-en", 0, "{}")
    assert store.notify_sends("r1") == {("slack-en", 0), ("mail", 1)}
    assert store.notify_sends("r2") == {("slack-en", 0)}


def test_end_to_end_subprocess(loaded: str) -> None:
    from .test_cli_core import brm

    with http_receiver() as rec:
        r = brm("notify", "--since", SINCE, "--today", TODAY, "--store", loaded, "--lang", "zh",
                "--webhook", f"feishu={rec.url('feishu', TOKEN)}")
        assert r.returncode == 0, r.stderr
        assert TOKEN not in r.stdout + r.stderr and "feishu-" in r.stdout
        card = rec.to("feishu")[0].json()
        assert card["msg_type"] == "interactive" and "sign" not in card


def test_redact_hides_the_tokens_of_each_product() -> None:
    from brmgraph.notify import redact

    cases = {
        "https://hooks.slack.com/services/T000/B000/XXXXsecretXXXX": "https://hooks.slack.com/services/***",
        "https://prod-00.westus.logic.azure.com:443/workflows/0a1b2c/triggers/manual/paths/invoke"
        "?api-version=2016-06-01&sp=%2Ftriggers&sig=s3cr3t": "https://prod-00.westus.logic.azure.com:443/workflows/***"
        "?api-version=***&sp=***&sig=***",
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***",
        "https://oapi.dingtalk.com/robot/send?access_token=abc": "https://oapi.dingtalk.com/robot/send?access_token=***",
        "https://open.feishu.cn/open-apis/bot/v2/hook/xxxxxxxx-xxxx": "https://open.feishu.cn/open-apis/bot/***",
        "https://user:pw@example.com/hooks/lettersonly": "https://example.com/hooks/***",
        "https://example.com/hook?x=1": "https://example.com/hook?x=***",
    }
    for url, want in cases.items():
        assert redact(url) == want


# ----------------------------------------------------------------------------- serve: /digest


def test_serve_shows_the_same_digest(loaded: str) -> None:
    """`brmgraph serve` shows the digest `notify` sends: /api/digest is its JSON, /digest
    its page in either language, and the digest's deal links lead to the deal's page."""
    from starlette.testclient import TestClient

    from brmgraph.notify.text import title_text
    from brmgraph.web import create_app

    with TestClient(create_app(loaded)) as web, open_store(loaded, create=False) as st:
        want = compose(st, since=parse_time(SINCE), today=date.today(), max_cost=4, base_url="http://testserver")
        got = web.get("/api/digest", params={"since": SINCE})
        assert got.status_code == 200 and got.json() == want.as_json()
        assert {f["change"] for f in got.json()["flags"]} == {"new", "resolved"}
        for lang in ("en", "zh"):
            page = web.get("/digest", params={"since": SINCE, "lang": lang})
            assert page.status_code == 200
            assert title_text(want, lang) in page.text
            assert "Vic [boss]" in page.text and 'href="http://testserver/deals/J1"' in page.text
        deal = web.get("/deals/J1", follow_redirects=False)
        assert deal.status_code == 307 and deal.headers["location"] == "/projects/J1"
        assert web.get("/digest", params={"lang": "fr"}).status_code == 400
        assert web.get("/api/digest", params={"since": "yesterday"}).status_code == 400

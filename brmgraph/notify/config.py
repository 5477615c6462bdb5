"""The channels of one run: from the command line's shortcuts (``--webhook KIND=URL``,
``--smtp URL --mail-to ADDR``) and from a TOML file (``--config``). Secrets — webhook
URLs (they hold tokens), signing secrets, SMTP passwords — come from environment
variables the file names; a file that writes one itself is refused. :func:`redact`
is the only way a target is shown."""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ..errors import BadArgument, NotFound, shown
from .email import Smtp
from .text import LANGS

WEBHOOK_KINDS = ("slack", "teams", "wecom", "dingtalk", "feishu", "json")
KINDS = (*WEBHOOK_KINDS, "email")
#: the signing secret of a ``--webhook`` shortcut (the file names its own variables)
SECRET_ENV = {"dingtalk": "BRM_DINGTALK_SECRET", "feishu": "BRM_FEISHU_SECRET"}
SMTP_USER_ENV, SMTP_PASSWORD_ENV = "BRM_SMTP_USER", "BRM_SMTP_PASSWORD"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_SECRET_KEYS = {"url", "secret", "password", "webhook", "token", "sign_secret"}
_KEYS = {"name", "kind", "url_env", "secret_env", "lang", "customers", "teams", "min_amount", "max_messages",
         "smtp", "user_env", "password_env", "mail_from", "mail_to"}


@dataclass
class Channel:
    name: str
    kind: str
    lang: str = "en"
    url: str | None = None  # secret: never shown (redact)
    secret: str | None = field(default=None, repr=False)
    smtp: Smtp | None = None
    mail_from: str = "brmgraph@localhost"
    mail_to: tuple[str, ...] = ()
    customers: list[str] | None = None
    teams: list[str] | None = None
    min_amount: float | None = None
    max_messages: int = 1

    def target(self) -> str:
        """Where it goes, safe to print."""
        if self.smtp is not None:
            return f"{self.smtp.shown()} → {', '.join(self.mail_to)}"
        return redact(self.url or "")

    def secrets(self) -> list[str]:
        out = [s for s in (self.url, self.secret, self.smtp.password if self.smtp else None) if s]
        if self.url:
            parts = urlsplit(self.url)
            out += [v for _, v in parse_qsl(parts.query) if len(v) >= 6]
            out += [seg for seg in parts.path.split("/") if len(seg) >= 12]
        return out


def redact(url: str) -> str:
    """A webhook URL with its tokens hidden: the path is kept up to the first segment
    that holds a digit or is longer than 20 characters (and, without a query, never its
    last segment), every query value becomes ``***`` (``https://oapi.dingtalk.com/robot/send?access_token=***``,
    ``https://hooks.slack.com/services/***``)."""
    try:
        p = urlsplit(url)
        host = p.hostname or ""
        port = f":{p.port}" if p.port else ""
    except ValueError:
        return "***"
    kept: list[str] = []
    segs = [s for s in p.path.split("/") if s]
    for n, s in enumerate(segs):
        # without a query the token can only be in the path: its last segment is never shown
        if any(c.isdigit() for c in s) or len(s) > 20 or (not p.query and n == len(segs) - 1):
            kept.append("***")
            break
        kept.append(s)
    query = "&".join(f"{k}=***" for k, _ in parse_qsl(p.query, keep_blank_values=True))
    return f"{p.scheme}://{host}{port}/{'/'.join(kept)}" + (f"?{query}" if query else "")


def _check_url(url: str, where: str) -> str:
    if not url.startswith(("https://", "http://")) or any(c.isspace() for c in url):
        raise BadArgument(f"{where}: the webhook URL must start with https:// or http:// (got {redact(url)})")
    return url


def _env(var: str, where: str, *, required: bool = True) -> str | None:
    if not isinstance(var, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", var):
        raise BadArgument(f"{where}: {shown(var)} is not an environment variable name")
    value = os.environ.get(var, "")
    if not value and required:
        raise BadArgument(f"{where}: the environment variable {var} is not set")
    return value or None


def short_name(kind: str, *parts: str) -> str:
    """A stable name for a shortcut channel: kind and 8 hex digits of a hash of its target."""
    return f"{kind}-{hashlib.sha256(chr(0).join(parts).encode()).hexdigest()[:8]}"


def parse_smtp(url: str, where: str, *, user_env: str | None = None, password_env: str | None = None) -> Smtp:
    """``smtp://[user@]host[:port][?starttls=auto|require|off]`` or ``smtps://[user@]host[:port]``."""
    try:
        p = urlsplit(url)
        port = p.port
    except ValueError:
        raise BadArgument(f"{where}: {shown(url)} is not an SMTP URL") from None
    if p.scheme not in ("smtp", "smtps") or not p.hostname:
        raise BadArgument(f"{where}: the SMTP URL must be smtp://host[:port] or smtps://host[:port]")
    if p.password is not None:
        raise BadArgument(f"{where}: put the SMTP password in the environment ({password_env or SMTP_PASSWORD_ENV}), "
                          "not in the URL")
    opts = dict(parse_qsl(p.query))
    starttls = opts.pop("starttls", "auto")
    if opts or starttls not in ("auto", "require", "off"):
        raise BadArgument(f"{where}: the SMTP URL takes only ?starttls=auto|require|off")
    tls = "ssl" if p.scheme == "smtps" else {"require": "starttls"}.get(starttls, starttls)
    user = p.username or _env(user_env or SMTP_USER_ENV, where, required=False)
    password = _env(password_env or SMTP_PASSWORD_ENV, where, required=password_env is not None)
    return Smtp(p.hostname, port or (465 if tls == "ssl" else 25), tls, user, password)


def from_options(webhooks: list[str], smtp: str | None, mail_to: list[str], mail_from: str | None,
                 lang: str) -> list[Channel]:
    """The channels of ``--webhook KIND=URL`` (URL or ``env:VAR``), ``--smtp`` and ``--mail-to``."""
    out: list[Channel] = []
    for spec in webhooks:
        kind, sep, url = spec.partition("=")
        kind = kind.strip().lower()
        if not sep or kind not in WEBHOOK_KINDS:
            raise BadArgument(f"--webhook must be KIND=URL with KIND one of {', '.join(WEBHOOK_KINDS)}, not "
                              f"{shown(kind if sep else redact(spec))}")
        if url.startswith("env:"):
            url = _env(url[4:], f"--webhook {kind}") or ""
        _check_url(url, f"--webhook {kind}")
        secret = os.environ.get(SECRET_ENV[kind]) if kind in SECRET_ENV else None
        out.append(Channel(name=short_name(kind, url), kind=kind, lang=lang, url=url, secret=secret or None))
    if smtp is not None or mail_to:
        if smtp is None or not mail_to:
            raise BadArgument("--smtp and --mail-to go together (the server and at least one address)")
        server = parse_smtp(smtp, "--smtp")
        to = tuple(_address(a, "--mail-to") for a in mail_to)
        sender = _address(mail_from or "brmgraph@localhost", "--mail-from")
        out.append(Channel(name=short_name("email", smtp, *to), kind="email", lang=lang, smtp=server,
                           mail_from=sender, mail_to=to))
    return out


def _address(a: str, where: str) -> str:
    if not isinstance(a, str) or not re.fullmatch(r"[^@\s<>,;\"]+@[^@\s<>,;\"]+", a):
        raise BadArgument(f"{where}: {shown(a)} is not an e-mail address")
    return a


def from_file(path: str, default_lang: str) -> tuple[list[Channel], dict[str, Any]]:
    """The channels of a TOML file and its ``[defaults]`` (``lang``, ``base_url``)."""
    p = Path(path)
    if not p.is_file():
        raise NotFound(f"--config: no file {path}")
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise BadArgument(f"{path}: not a readable TOML file ({exc})") from None
    unknown = set(data) - {"defaults", "channels"}
    if unknown:
        raise BadArgument(f"{path}: unknown top-level key {shown(sorted(unknown)[0])} (expected [defaults], [[channels]])")
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict) or set(defaults) - {"lang", "base_url"}:
        raise BadArgument(f"{path}: [defaults] takes lang and base_url only")
    lang = defaults.get("lang", default_lang)
    channels = data.get("channels", [])
    if not isinstance(channels, list) or not channels:
        raise BadArgument(f"{path}: no [[channels]]")
    out: list[Channel] = []
    for n, raw in enumerate(channels, 1):
        out.append(_channel(raw, f"{path}: channel {n}", lang))
    names = [c.name for c in out]
    dup = next((x for x in names if names.count(x) > 1), None)
    if dup:
        raise BadArgument(f"{path}: two channels are named {shown(dup)}")
    return out, defaults


def _channel(raw: Any, where: str, lang: str) -> Channel:
    if not isinstance(raw, dict):
        raise BadArgument(f"{where}: must be a table")
    secret_keys = sorted(set(raw) & _SECRET_KEYS)
    if secret_keys:
        k = secret_keys[0]
        raise BadArgument(f"{where}: {k!r} would write a secret in the file; name an environment variable "
                          f"instead ({'url_env' if k in ('url', 'webhook') else 'password_env' if k == 'password' else 'secret_env'})")
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise BadArgument(f"{where}: unknown key {shown(unknown[0])}")
    name, kind = raw.get("name"), raw.get("kind")
    if not isinstance(name, str) or not _NAME.match(name):
        raise BadArgument(f"{where}: name must be 1-64 letters, digits, '.', '_' or '-'")
    where = f"{where} ({name})"
    if kind not in KINDS:
        raise BadArgument(f"{where}: kind must be one of {', '.join(KINDS)}, not {shown(kind)}")
    ch = Channel(name=name, kind=kind, lang=raw.get("lang", lang))
    if ch.lang not in LANGS:
        raise BadArgument(f"{where}: lang must be en or zh, not {shown(ch.lang)}")
    for key in ("customers", "teams"):
        v = raw.get(key)
        if v is not None and (not isinstance(v, list) or not all(isinstance(x, str) for x in v)):
            raise BadArgument(f"{where}: {key} must be a list of ids")
        setattr(ch, key, v)
    v = raw.get("min_amount")
    if v is not None and (isinstance(v, bool) or not isinstance(v, int | float)):
        raise BadArgument(f"{where}: min_amount must be a number")
    ch.min_amount = None if v is None else float(v)
    m = raw.get("max_messages", 1)
    if isinstance(m, bool) or not isinstance(m, int) or not 1 <= m <= 20:
        raise BadArgument(f"{where}: max_messages must be a whole number from 1 to 20")
    ch.max_messages = m
    if kind == "email":
        if "smtp" not in raw or "mail_to" not in raw:
            raise BadArgument(f"{where}: an email channel needs smtp and mail_to")
        if "url_env" in raw or "secret_env" in raw:
            raise BadArgument(f"{where}: an email channel takes smtp, user_env, password_env, mail_from, mail_to")
        ch.smtp = parse_smtp(str(raw["smtp"]), where, user_env=raw.get("user_env"), password_env=raw.get("password_env"))
        to = raw["mail_to"] if isinstance(raw["mail_to"], list) else [raw["mail_to"]]
        ch.mail_to = tuple(_address(a, where) for a in to)
        ch.mail_from = _address(raw.get("mail_from", "brmgraph@localhost"), where)
    else:
        if "url_env" not in raw:
            raise BadArgument(f"{where}: name the environment variable that holds the webhook URL (url_env)")
        extra = sorted(set(raw) & {"smtp", "user_env", "password_env", "mail_from", "mail_to"})
        if extra:
            raise BadArgument(f"{where}: {extra[0]} is for email channels")
        ch.url = _check_url(_env(raw["url_env"], where) or "", where)
        if "secret_env" in raw:
            if kind not in SECRET_ENV:
                raise BadArgument(f"{where}: only dingtalk and feishu channels are signed (secret_env)")
            ch.secret = _env(raw["secret_env"], where)
    return ch

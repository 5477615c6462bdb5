"""E-mail: one multipart message (plain text and HTML) per digest, the subject in the
channel's language, sent over SMTP (``smtp://`` with STARTTLS when the server offers it
or the URL requires it, ``smtps://`` TLS from the start). Credentials come from the
environment, never from the URL."""

from __future__ import annotations

import html
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from ..errors import capped
from ..service.digest import Digest
from .text import empty_text, line, since_text, title_text
from .webhooks import Outcome, Retry, Sleep


@dataclass(frozen=True)
class Smtp:
    """Where to send: ``tls`` is "ssl" (smtps://), "starttls" (required), "auto" (when
    offered) or "off"."""

    host: str
    port: int
    tls: str = "auto"
    user: str | None = None
    password: str | None = None

    def shown(self) -> str:
        scheme = "smtps" if self.tls == "ssl" else "smtp"
        who = f"{self.user}:***@" if self.user and self.password else (f"{self.user}@" if self.user else "")
        return f"{scheme}://{who}{self.host}:{self.port}"


def payloads(d: Digest, lang: str, max_messages: int = 1, *, mail_from: str = "", mail_to: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    title = title_text(d, lang)
    lines = [line(it, lang) for it in d.items]
    rows = [f"- {ln.plain()}" for ln in lines] or [empty_text(lang)]
    text = "\n".join([title, since_text(d, lang), "", *rows])
    items = "".join(
        "<li><b>{}</b> {} · {} · {}</li>".format(
            html.escape(ln.head),
            f'<a href="{html.escape(ln.url)}">{html.escape(ln.who)}</a>' if ln.url else html.escape(ln.who),
            html.escape(ln.where), html.escape(ln.why))
        for ln in lines
    )
    page = (f'<!doctype html><html lang="{"zh" if lang == "zh" else "en"}"><meta charset="utf-8">'
            f"<body><h2>{html.escape(title)}</h2><p>{html.escape(since_text(d, lang))}</p>"
            f"<ul>{items or '<li>' + html.escape(empty_text(lang)) + '</li>'}</ul></body></html>")
    return [{"subject": title, "from": mail_from, "to": list(mail_to), "text": text + "\n", "html": page}]


def message(p: dict[str, Any]) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = p["subject"]
    msg["From"] = p["from"]
    msg["To"] = ", ".join(p["to"])
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=p["from"].rpartition("@")[2] or None)
    msg.set_content(p["text"])
    msg.add_alternative(p["html"], subtype="html")
    return msg


def send(smtp: Smtp, p: dict[str, Any], retry: Retry, sleep: Sleep) -> Outcome:
    """Send one message; connection failures and 4xx SMTP answers are retried."""
    waited, error = 0.0, "not sent"
    for attempt in range(1, retry.tries + 1):
        try:
            _deliver(smtp, message(p), retry.timeout)
            return Outcome(True, attempt, None, None, waited)
        except smtplib.SMTPResponseException as exc:
            error = f"SMTP {exc.smtp_code}: {capped(_text(exc.smtp_error), 100)}"
            if not 400 <= exc.smtp_code < 500:
                return Outcome(False, attempt, exc.smtp_code, error, waited)
        except smtplib.SMTPRecipientsRefused as exc:
            return Outcome(False, attempt, None, f"recipients refused: {', '.join(sorted(exc.recipients))}", waited)
        except (smtplib.SMTPException, OSError) as exc:
            error = f"SMTP: {capped(str(exc) or type(exc).__name__, 100)}"
        if attempt == retry.tries:
            break
        delay = retry.base * 2 ** (attempt - 1)
        if waited + delay > retry.max_wait:
            return Outcome(False, attempt, None, error, waited)
        sleep(delay)
        waited += delay
    return Outcome(False, retry.tries, None, error, waited)


def _text(raw: bytes | str) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


def _deliver(smtp: Smtp, msg: EmailMessage, timeout: float) -> None:
    context = ssl.create_default_context()
    client: smtplib.SMTP
    if smtp.tls == "ssl":
        client = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=timeout, context=context)
    else:
        client = smtplib.SMTP(smtp.host, smtp.port, timeout=timeout)
    with client:
        client.ehlo()
        if smtp.tls in ("starttls", "auto") and client.has_extn("starttls"):
            client.starttls(context=context)
            client.ehlo()
        elif smtp.tls == "starttls":
            raise smtplib.SMTPNotSupportedError("the server does not offer STARTTLS, which the URL requires")
        if smtp.user and smtp.password:
            client.login(smtp.user, smtp.password)
        client.send_message(msg)

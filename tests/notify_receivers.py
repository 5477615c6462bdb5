"""Local receivers for the notify tests: an HTTP server on 127.0.0.1 that records every
request and answers from a script (429, 500, the products' own answers), and a tiny SMTP
sink (EHLO, AUTH PLAIN, MAIL, RCPT, DATA) that keeps every message. No outside network."""

from __future__ import annotations

import base64
import json
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

#: what each product answers on success
OK_ANSWER = {
    "slack": (200, b"ok"),
    "teams": (202, b""),
    "wecom": (200, b'{"errcode":0,"errmsg":"ok"}'),
    "dingtalk": (200, b'{"errcode":0,"errmsg":"ok"}'),
    "feishu": (200, b'{"code":0,"msg":"success","data":{}}'),
    "json": (204, b""),
}


@dataclass
class Request:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)


@dataclass
class Receiver:
    base: str = ""
    requests: list[Request] = field(default_factory=list)
    #: path -> answers to give first, in order: (status, headers, body)
    script: dict[str, list[tuple[int, dict[str, str], bytes]]] = field(default_factory=dict)

    def url(self, kind: str, token: str = "") -> str:
        return f"{self.base}/{kind}/{token}" if token else f"{self.base}/{kind}"

    def to(self, kind: str) -> list[Request]:
        return [r for r in self.requests if r.path.split("/")[1] == kind]


@contextmanager
def http_receiver() -> Iterator[Receiver]:
    rec = Receiver()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            n = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(n)
            parts = urlsplit(self.path)
            with lock:
                rec.requests.append(Request(parts.path, parse_qs(parts.query), dict(self.headers), body))
                key = parts.path.split("/")[1]
                queue = rec.script.get(key) or []
                if queue:
                    status, headers, answer = queue.pop(0)
                else:
                    status, answer = OK_ANSWER.get(key, (200, b""))
                    headers = {}
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    rec.base = f"http://127.0.0.1:{server.server_address[1]}"
    with _serving(server):
        yield rec


@contextmanager
def _serving(server: socketserver.BaseServer) -> Iterator[None]:
    """``server`` answering in a thread of its own for the block."""
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Mail:
    sender: str
    recipients: list[str]
    data: bytes
    auth: tuple[str, str] | None


@dataclass
class SmtpSink:
    port: int = 0
    mails: list[Mail] = field(default_factory=list)


@contextmanager
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()

    class Handler(socketserver.StreamRequestHandler):
        def say(self, line: str) -> None:
            self.wfile.write(line.encode() + b"\r\n")

        def handle(self) -> None:
            self.say("220 sink ESMTP")
            sender, rcpts, auth = "", [], None
            while True:
                raw = self.rfile.readline()
                if not raw:
                    return
                cmd = raw.decode().rstrip("\r\n")
                verb = cmd.split(" ", 1)[0].upper()
                if verb in ("EHLO", "HELO"):
                    self.wfile.write(b"250-sink\r\n250-AUTH PLAIN\r\n250 8BITMIME\r\n")
                elif verb == "AUTH":
                    _, user, pw = base64.b64decode(cmd.split()[2]).split(b"\0")
                    auth = (user.decode(), pw.decode())
                    self.say("235 ok")
                elif verb == "MAIL":
                    sender = cmd.split(":", 1)[1].strip().split()[0].strip("<>")
                    self.say("250 ok")
                elif verb == "RCPT":
                    rcpts.append(cmd.split(":", 1)[1].strip().strip("<>"))
                    self.say("250 ok")
                elif verb == "DATA":
                    self.say("354 go on")
                    lines = []
                    while True:
                        ln = self.rfile.readline()
                        if ln in (b".\r\n", b".\n", b""):
                            break
                        lines.append(ln[1:] if ln.startswith(b"..") else ln)
                    sink.mails.append(Mail(sender, rcpts, b"".join(lines), auth))
                    sender, rcpts = "", []
                    self.say("250 queued")
                elif verb == "QUIT":
                    self.say("221 bye")
                    return
                else:
                    self.say("250 ok")

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    sink.port = server.server_address[1]
    with _serving(server):
        yield sink

"""A fake WeCom server on 127.0.0.1 for application messages (企业微信应用消息): it hands out
access tokens for the right organisation and secret (gettoken) and checks each message as WeCom
does (message/send: a current token, the application's agent id, one member it knows, markdown
within 2,048 bytes). A test can expire the tokens it gave or queue answers (a rate limit)."""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

PORTS = range(5210, 5220)  # this worktree's ports (coordination PROTOCOL)
CORP_ID = "ww1234567890abcdef"
AGENT_ID = "1000002"
SECRET = "Rk2vN8xQ-app-secret-0123456789abcdefghijklm"
MEMBERS = {"LiQiang", "ZhangWei"}


@dataclass
class WeCom:
    port: int = 0
    tokens: list[str] = field(default_factory=list)  # handed out, newest last
    expired: set[str] = field(default_factory=set)
    answers: list[dict] = field(default_factory=list)  # queued for message/send, then checks
    token_requests: int = 0
    received: list[dict] = field(default_factory=list)  # message bodies, whatever answered
    delivered: list[dict] = field(default_factory=list)  # those answered errcode 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def config(self) -> dict[str, str]:
        return {"WECOM_API_URL": self.url, "WECOM_CORP_ID": CORP_ID, "WECOM_AGENT_ID": AGENT_ID,
                "WECOM_SECRET": SECRET}


def _send_problem(wecom: WeCom, query, body) -> dict | None:
    token = (query.get("access_token") or [""])[0]
    if token not in wecom.tokens:
        return {"errcode": 40014, "errmsg": "invalid access_token"}
    if token in wecom.expired:
        return {"errcode": 42001, "errmsg": "access_token expired"}
    if body.get("agentid") != int(AGENT_ID):
        return {"errcode": 40056, "errmsg": "invalid agentid"}
    content = (body.get("markdown") or {}).get("content")
    if body.get("msgtype") != "markdown" or not content:
        return {"errcode": 40008, "errmsg": "invalid message type"}
    if len(content.encode()) > 2048:
        return {"errcode": 40058, "errmsg": "markdown.content exceed max length"}
    if body.get("touser") not in MEMBERS:
        return {"errcode": 81013, "errmsg": "user & party & tag all invalid"}
    return None


def _handler(wecom: WeCom):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # quiet
            pass

        def _answer(self, answer: dict) -> None:
            payload = json.dumps(answer).encode()
            self.send_response(200)  # WeCom answers its errors with HTTP 200 and an errcode
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self) -> None:  # noqa: N802
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            if parts.path != "/cgi-bin/gettoken":
                return self._answer({"errcode": 404, "errmsg": "no such api"})
            wecom.token_requests += 1
            if query.get("corpid") != [CORP_ID]:
                return self._answer({"errcode": 40013, "errmsg": "invalid corpid"})
            if query.get("corpsecret") != [SECRET]:
                return self._answer({"errcode": 40001, "errmsg": "invalid credential"})
            token = f"ACCESS-TOKEN-{len(wecom.tokens) + 1:04d}-" + "x" * 40
            wecom.tokens.append(token)
            return self._answer({"errcode": 0, "errmsg": "ok", "access_token": token,
                                 "expires_in": 7200})

        def do_POST(self) -> None:  # noqa: N802
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            if parts.path != "/cgi-bin/message/send":
                return self._answer({"errcode": 404, "errmsg": "no such api"})
            wecom.received.append(body)
            answer = _send_problem(wecom, query, body)
            if answer is None and wecom.answers:
                answer = wecom.answers.pop(0)
            if answer is None:
                answer = {"errcode": 0, "errmsg": "ok", "invaliduser": "", "msgid": "m1"}
                wecom.delivered.append(body)
            return self._answer(answer)

    return Handler


def start(wecom: WeCom) -> ThreadingHTTPServer:
    for port in PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                continue  # taken
        try:
            server = ThreadingHTTPServer(("127.0.0.1", port), _handler(wecom))
        except OSError:
            continue
        wecom.port = port
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server
    raise RuntimeError("no free port in 5210-5219")

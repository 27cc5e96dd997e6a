"""A fake WeCom and DingTalk robot on 127.0.0.1: it checks each request as the platform does
(JSON markdown message; DingTalk's timestamp and HMAC-SHA256 signature) and answers what the
test queues: a platform error code, HTTP 429, or success."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

PORTS = range(5151, 5160)  # this worktree's ports (coordination PROTOCOL)
WECOM_KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
DINGTALK_TOKEN = "6e2f0c3b9d1a4f7e8c5b2a1d0e9f8c7b6a5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f"
DINGTALK_SECRET = "SEC000000000000000000000000000000000000000000000000000000000000"


@dataclass
class Received:
    platform: str
    body: dict
    query: dict[str, list[str]]
    answered: int  # HTTP status
    errcode: int | None


@dataclass
class Robot:
    port: int = 0
    answers: list[tuple[int, dict | None]] = field(default_factory=list)  # queued, then OK
    received: list[Received] = field(default_factory=list)
    secret: str = DINGTALK_SECRET

    @property
    def wecom_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/cgi-bin/webhook/send?key={WECOM_KEY}"

    @property
    def dingtalk_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/robot/send?access_token={DINGTALK_TOKEN}"

    def accepted(self) -> list[Received]:
        return [r for r in self.received if r.answered == 200 and r.errcode == 0]


def _check_wecom(query, body) -> tuple[int, str] | None:
    """WeCom group robot: a key, and {"msgtype": "markdown", "markdown": {"content": ...}}
    of at most 4096 bytes."""
    if query.get("key") != [WECOM_KEY]:
        return 93000, "invalid webhook url"
    content = (body.get("markdown") or {}).get("content")
    if body.get("msgtype") != "markdown" or not content:
        return 40008, "invalid message type"
    if len(content.encode()) > 4096:
        return 40058, "markdown.content exceed max length 4096"
    return None


def _check_dingtalk(query, body, secret: str) -> tuple[int, str] | None:
    """DingTalk custom robot with signing: the token, a timestamp within an hour, and
    sign = Base64(HMAC-SHA256(key=secret, "<timestamp>\\n<secret>"))."""
    if query.get("access_token") != [DINGTALK_TOKEN]:
        return 300001, "token is not exist"
    try:
        timestamp = int(query["timestamp"][0])
        sign = query["sign"][0]  # parse_qs has URL-decoded it
    except (KeyError, ValueError, IndexError):
        return 310000, "sign not match"
    if abs(time.time() * 1000 - timestamp) > 3600 * 1000:
        return 310000, "timestamp too old"
    expected = base64.b64encode(hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(),
                                         hashlib.sha256).digest()).decode()
    if not hmac.compare_digest(sign, expected):
        return 310000, "sign not match"
    markdown = body.get("markdown") or {}
    if body.get("msgtype") != "markdown" or not markdown.get("title") or not markdown.get("text"):
        return 40035, "missing parameter"
    return None


def _handler(robot: Robot):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # quiet
            pass

        def do_POST(self) -> None:  # noqa: N802
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            body = json.loads(raw.decode())
            platform = "wecom" if parts.path.startswith("/cgi-bin/") else "dingtalk"
            status, answer = 200, {"errcode": 0, "errmsg": "ok"}
            problem = (_check_wecom(query, body) if platform == "wecom"
                       else _check_dingtalk(query, body, robot.secret))
            if problem is not None:
                answer = {"errcode": problem[0], "errmsg": problem[1]}
            elif robot.answers:
                status, queued = robot.answers.pop(0)
                answer = queued
            robot.received.append(Received(platform, body, query, status,
                                           answer.get("errcode") if answer else None))
            payload = json.dumps(answer or {}).encode()
            self.send_response(status)
            if 300 <= status < 400:  # a robot sending the server elsewhere
                self.send_header("Location", f"http://127.0.0.1:{robot.port}/elsewhere")
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    return Handler


def start(robot: Robot) -> ThreadingHTTPServer:
    for port in PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                continue  # taken (another test of this worktree)
        try:
            server = ThreadingHTTPServer(("127.0.0.1", port), _handler(robot))
        except OSError:
            continue
        robot.port = port
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server
    raise RuntimeError("no free port in 5151-5159")

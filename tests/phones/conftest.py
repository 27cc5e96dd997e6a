"""A fake SMS gateway on 127.0.0.1 that checks what the generic HTTP adapter sends."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

import pytest

from tests.servers import serving

TOKEN = "gateway-token-for-the-tests"


@dataclass
class Gateway:
    url: str = ""
    # Statuses to answer, in turn; then 200.
    answers: list[int] = field(default_factory=list)
    texts: list[dict] = field(default_factory=list)  # the JSON bodies accepted

    def last_code(self) -> str:
        return self.texts[-1]["params"]["code"]


def _handler(gateway: Gateway) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # the test's output stays quiet
            pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            # What a gateway would refuse: a wrong token, a body without its fields.
            status = gateway.answers.pop(0) if gateway.answers else 200
            if self.path != "/send" or self.headers.get("Authorization") != f"Bearer {TOKEN}":
                status = 401
            elif not {"to", "text", "template", "params"} <= body.keys():
                status = 400
            if status == 200:
                gateway.texts.append(body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

    return Handler


@pytest.fixture
def sms(app, monkeypatch) -> Gateway:
    gateway = Gateway()
    with serving(_handler(gateway)) as url:
        gateway.url = url
        for key, value in {"SMS_GATEWAY": "http", "SMS_HTTP_URL": f"{url}/send",
                           "SMS_HTTP_TOKEN": TOKEN, "SMS_HTTP_TEMPLATE": "SMS_0001",
                           "SMS_SIGN": "科研项目"}.items():
            monkeypatch.setitem(app.config, key, value)
        yield gateway

"""Where a text message goes: an SMS gateway chosen by `SMS_GATEWAY`.

A gateway is any class with `send(phone, text, code)` built from the app's configuration
(`Gateway(config)`); it raises `NotSent` when the message was not accepted. `http` is the
generic HTTP gateway below (README, "Phone verification"); a dotted `package.module:Class`
names one of the installation's own. Empty: no gateway, and the phone features are off.

What is sent is never logged: a failure logs the gateway's status and the number's last four
digits, never the body or the gateway's answer (which may echo the code).
"""

from __future__ import annotations

import importlib
import logging
from typing import Protocol

import requests
from flask import current_app

log = logging.getLogger(__name__)


class NotSent(Exception):
    """The gateway did not accept the message."""


class Gateway(Protocol):
    def __init__(self, config: dict) -> None: ...

    def send(self, phone: str, text: str, code: str) -> None: ...


def masked(phone: str) -> str:
    return "*" * (len(phone) - 4) + phone[-4:]


class HttpGateway:
    """POST a JSON message to `SMS_HTTP_URL`, with `Authorization: Bearer SMS_HTTP_TOKEN`:

        {"to": "+8613800138000", "text": "【Sign】Your code is 123456 ...",
         "template": "SMS_HTTP_TEMPLATE", "params": {"code": "123456", "minutes": 10}}

    A relay in front of a provider that sends only approved templates (Aliyun, Tencent Cloud)
    reads `template` and `params`; one that sends free text reads `text`. Any 2xx answer is
    success; anything else, or no answer within `SMS_HTTP_TIMEOUT` seconds, is `NotSent`.
    """

    def __init__(self, config: dict) -> None:
        self.url = config["SMS_HTTP_URL"]
        self.token = config["SMS_HTTP_TOKEN"]
        self.template = config["SMS_HTTP_TEMPLATE"]
        self.timeout = config["SMS_HTTP_TIMEOUT"]
        self.minutes = config["SMS_CODE_MINUTES"]

    def send(self, phone: str, text: str, code: str) -> None:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        body = {"to": phone, "text": text, "template": self.template,
                "params": {"code": code, "minutes": self.minutes}}
        try:
            answer = requests.post(self.url, json=body, headers=headers, timeout=self.timeout,
                                   allow_redirects=False)
        except requests.RequestException as error:
            log.warning("SMS to %s not sent: %s", masked(phone), type(error).__name__)
            raise NotSent from None
        if not 200 <= answer.status_code < 300:
            log.warning("SMS to %s not sent: the gateway answered %d", masked(phone),
                        answer.status_code)
            raise NotSent


GATEWAYS: dict[str, type] = {"http": HttpGateway}


def configured() -> bool:
    return bool(current_app.config["SMS_GATEWAY"])


def gateway() -> Gateway:
    name = current_app.config["SMS_GATEWAY"]
    if name in GATEWAYS:
        return GATEWAYS[name](current_app.config)
    module, _, attribute = name.partition(":")
    return getattr(importlib.import_module(module), attribute)(current_app.config)

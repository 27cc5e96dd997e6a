"""WeCom and DingTalk group robots: the message as each platform documents it, the DingTalk
signature, and what each answer means for the sender.

WeCom (企业微信) group robot: POST the webhook's address (…/cgi-bin/webhook/send?key=…) with
``{"msgtype": "markdown", "markdown": {"content": …}}``; the answer is HTTP 200 with
``{"errcode": 0, "errmsg": "ok"}``, or an error code: 45009 is the rate limit (20 messages a
minute per robot), -1 "system busy".

DingTalk custom robot: POST …/robot/send?access_token=… with ``&timestamp=<ms>&sign=<s>``
added, where s is the URL-encoded Base64 of HMAC-SHA256 over "<timestamp>\\n<secret>" keyed
with the secret, and ``{"msgtype": "markdown", "markdown": {"title": …, "text": …}}``; the
answer is ``{"errcode": 0, "errmsg": "ok"}`` or an error code: 130101 is the rate limit (20 a
minute), 310000 a bad signature, keyword or address, 300001 an unknown token.

Either may also answer HTTP 429 or 5xx from its gateway. Rate limits, busy servers, 429, 5xx
and broken connections are temporary (the sender retries with its backoff); anything else is
permanent. No address or secret is ever put in an answer, a log line or a page: `masked`
shows the host and the last four characters.

Nothing here touches the database: `tracker.reminders.delivery.send` hands the message here
and records the outcome.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime

from flask import current_app

from tracker.notifications.diagnoses import said
from tracker.reminders.mail import FAILED, RETRY, SENT, Outcome

TIMEOUT_SECONDS = 10
# Error codes of the JSON answer that mean "later", as the platforms document them.
TEMPORARY_CODES = {-1, 45009, 130101, 45033}
WECOM_LIMIT = 4096  # bytes of markdown content WeCom accepts
DINGTALK_LIMIT = 18000


def masked(value: str | None) -> str:
    """What a page may show of an address or secret: its host and last four characters."""
    if not value:
        return ""
    host = urllib.parse.urlsplit(value).hostname if "://" in value else None
    tail = value[-4:] if len(value) > 8 else ""
    return f"{host + '/' if host else ''}…{tail}"


def allowed(url: str) -> bool:
    """Only the platforms' hosts (WEBHOOK_HOSTS), over HTTPS unless the host is local: the
    server must not be made to post anywhere a user names."""
    parts = urllib.parse.urlsplit(url)
    hosts = current_app.config["WEBHOOK_HOSTS"]
    if parts.hostname not in hosts:
        return False
    return parts.scheme == "https" or (parts.scheme == "http"
                                      and parts.hostname in ("127.0.0.1", "localhost"))


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's signature of a request: Base64 of HMAC-SHA256("<ts>\\n<secret>"), keyed with
    the secret (URL-encoded when put in the query)."""
    text = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), text, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def fit(text: str, limit: int) -> str:
    data = text.encode()
    if len(data) <= limit:
        return text
    return data[:limit - 3].decode("utf-8", "ignore") + "…"


def wecom_body(title: str, text: str) -> dict:
    return {"msgtype": "markdown", "markdown": {"content": fit(text, WECOM_LIMIT)}}


def dingtalk_body(title: str, text: str) -> dict:
    return {"msgtype": "markdown", "markdown": {"title": title,
                                               "text": fit(text, DINGTALK_LIMIT)}}


def dingtalk_url(url: str, secret: str | None, now: datetime) -> str:
    if not secret:
        return url
    timestamp = int(now.timestamp() * 1000)
    sign = urllib.parse.quote_plus(dingtalk_sign(secret, timestamp))
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp}&sign={sign}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A robot answers; it never sends the server on to another address."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def post(url: str, body: dict, secrets: tuple[str, ...] = ()) -> Outcome:
    """POST the JSON to a user's robot; what the platform's answer means. `secrets` (the
    address, the secret) are scrubbed from anything kept of the answer."""
    if not allowed(url):
        return Outcome(FAILED, said("not_allowed"))
    return exchange(url, body, secrets)[0]


def exchange(url: str, body: dict | None, secrets: tuple[str, ...] = ()) -> tuple[Outcome,
                                                                                 dict]:
    """GET `url` (no `body`) or POST the JSON `body` to it, without following a redirect; the
    outcome by the platforms' conventions (HTTP status, then the answer's errcode) and the
    answer read as JSON. The diagnosis is kept as `diagnoses.said` writes it."""
    data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
    request = urllib.request.Request(
        url, data=data, method="GET" if body is None else "POST",
        headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with _OPENER.open(request, timeout=TIMEOUT_SECONDS) as response:
            raw = response.read(65536)
    except urllib.error.HTTPError as error:
        answer = f"HTTP {error.code} {error.reason}"
        error.close()
        temporary = error.code == 429 or error.code >= 500
        return Outcome(RETRY if temporary else FAILED,
                       said("http", _scrub(answer, secrets))), {}
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        return Outcome(RETRY, said("unreachable", _scrub(f"{type(error).__name__}: {reason}",
                                                         secrets)),
                       connection_lost=True), {}
    try:
        answer = json.loads(raw.decode("utf-8", "replace"))
        code = int(answer.get("errcode", -1))
        text = str(answer.get("errmsg", ""))
    except (ValueError, AttributeError, TypeError):
        return Outcome(RETRY, said("not_json")), {}
    if code == 0:
        return Outcome(SENT), answer
    temporary = code in TEMPORARY_CODES
    return Outcome(RETRY if temporary else FAILED,
                   said("busy" if temporary else "refused",
                        _scrub(f"errcode {code}: {text}"[:300], secrets))), answer


def _scrub(answer: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        if secret:
            answer = answer.replace(secret, masked(secret))
    return answer

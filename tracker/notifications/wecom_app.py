"""WeCom application messages (企业微信应用消息): a message from the tracker's own application
in the organisation's WeCom to one member, in their WeCom chat list, besides the group robots.

The operator sets the organisation (WECOM_CORP_ID), the tracker's application in it
(WECOM_AGENT_ID) and that application's secret (WECOM_SECRET); each user gives their WeCom
account ID (成员账号, `NotificationSettings.wecom_user`). As WeCom documents it:

1. GET {WECOM_API_URL}/cgi-bin/gettoken?corpid=…&corpsecret=… answers ``{"errcode": 0,
   "access_token": …, "expires_in": 7200}``. The token is kept (`_tokens`, per process) until
   five minutes before it expires: WeCom limits how often it may be fetched.
2. POST {WECOM_API_URL}/cgi-bin/message/send?access_token=… with ``{"touser": <account>,
   "msgtype": "markdown", "agentid": <agent>, "markdown": {"content": …}}`` answers
   ``{"errcode": 0, "invaliduser": ""}``. An expired or refused token (42001, 40014, 40001)
   is fetched again and the message sent once more; an account WeCom does not know comes back
   in ``invaliduser`` (or errcode 81013) and fails for good; rate limits and a busy server are
   retried by the sender's backoff, as for the robots (`webhooks.exchange`).

The secret and the token are never kept in an answer or a log line (scrubbed as the robots'
addresses are). Nothing here touches the database.
"""

from __future__ import annotations

import threading
import time
import urllib.parse

from flask import current_app

from tracker.notifications import webhooks
from tracker.notifications.diagnoses import said
from tracker.reminders.mail import FAILED, RETRY, SENT, Outcome

TOKEN_EXPIRED = {40001, 40014, 42001}  # invalid credential, invalid or expired access_token
UNKNOWN_USER = 81013  # every recipient invalid
TOKEN_MARGIN_SECONDS = 300
MARKDOWN_LIMIT = 2048  # bytes of an application message's markdown content

_tokens: dict[tuple[str, str, str], tuple[str, float]] = {}
_lock = threading.Lock()


def configured() -> bool:
    config = current_app.config
    return all(config[name] for name in ("WECOM_CORP_ID", "WECOM_AGENT_ID", "WECOM_SECRET"))


def body(account: str, text: str) -> dict:
    config = current_app.config
    return {"touser": account, "msgtype": "markdown", "agentid": int(config["WECOM_AGENT_ID"]),
            "markdown": {"content": webhooks.fit(text, MARKDOWN_LIMIT)}}


def _key() -> tuple[str, str, str]:
    config = current_app.config
    return (config["WECOM_API_URL"].rstrip("/"), config["WECOM_CORP_ID"], config["WECOM_SECRET"])


def _token(fresh: bool = False) -> tuple[str | None, Outcome | None]:
    """The application's access token (kept until it nearly expires), or why there is none."""
    key = _key()
    with _lock:
        kept = _tokens.get(key)
        if kept and not fresh and kept[1] > time.monotonic():
            return kept[0], None
    base, corp, secret = key
    url = (f"{base}/cgi-bin/gettoken?corpid={urllib.parse.quote(corp)}"
           f"&corpsecret={urllib.parse.quote(secret)}")
    outcome, answer = webhooks.exchange(url, None, (secret,))
    if outcome.result != SENT:
        if outcome.result == FAILED:  # WeCom refused the organisation or the secret
            return None, Outcome(FAILED, said("token", outcome.answer.split("] ", 1)[-1]))
        return None, outcome
    token = str(answer.get("access_token") or "")
    if not token:
        return None, Outcome(RETRY, said("not_json"))
    lifetime = int(answer.get("expires_in") or 7200)
    with _lock:
        _tokens[key] = (token, time.monotonic() + max(lifetime - TOKEN_MARGIN_SECONDS, 60))
    return token, None


def forget_tokens() -> None:
    """Drop the kept tokens (the settings changed; tests)."""
    with _lock:
        _tokens.clear()


def send(account: str | None, title: str, text: str) -> Outcome:
    """Send `text` (markdown) to the member `account` as the tracker's application."""
    if not configured():
        return Outcome(FAILED, said("app_unset"))
    if not account:
        return Outcome(FAILED, said("no_wecom_user"))
    message = body(account, text)
    for attempt in range(2):
        token, refused = _token(fresh=attempt > 0)
        if refused is not None:
            return refused
        url = (f"{_key()[0]}/cgi-bin/message/send?"
               f"access_token={urllib.parse.quote(token)}")
        outcome, answer = webhooks.exchange(url, message, (token, _key()[2]))
        code = int(answer.get("errcode") or 0) if answer else 0
        if code in TOKEN_EXPIRED and attempt == 0:
            continue  # the token expired early or was revoked: fetch another, send again
        if outcome.result == SENT and answer.get("invaliduser"):
            return Outcome(FAILED, said("unknown_user", str(answer["invaliduser"])[:100]))
        if code == UNKNOWN_USER:
            return Outcome(FAILED, said("unknown_user", outcome.answer.split("] ", 1)[-1]))
        return outcome
    return outcome


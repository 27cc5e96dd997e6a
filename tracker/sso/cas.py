"""CAS 3.0 sign-in: the browser goes to the CAS server's /login with our service address, comes
back with a ticket, and the server validates it at /p3/serviceValidate, answering the user and
their attributes (CAS protocol 3.0, section 2.5 and 2.6).

A small client of our own rather than python-cas: that library sends the validation without a
timeout (a stalled CAS server would hold a worker for ever), logs the whole answer, names and
e-mails included, at debug level, and reads `authenticationFailure` as an empty success. This
one is the three calls of the protocol: the login address, the validation (with a timeout,
redirects not followed, the XML read by the standard library's parser, which refuses external
entities and bounds entity expansion) and the logout address.

The user (`<cas:user>`) is the staff number unless `CAS_STAFF_NUMBER_ATTRIBUTE` names an
attribute for it; `CAS_EMAIL_ATTRIBUTE` and `CAS_NAME_ATTRIBUTE` name the others.
"""

from __future__ import annotations

from urllib.parse import urlencode
from xml.etree import ElementTree

import requests
from flask import current_app, url_for

from tracker.accounts.models import Provider
from tracker.reminders.mail import external_url
from tracker.sso.identities import Identity

NS = {"cas": "http://www.yale.edu/tp/cas"}


class Failed(Exception):
    """The ticket was not validated (logged with the CAS server's code, never shown)."""


def configured() -> bool:
    return bool(current_app.config["CAS_SERVER_URL"])


def _server(path: str) -> str:
    return current_app.config["CAS_SERVER_URL"].rstrip("/") + "/" + path


def service_url() -> str:
    """Our address the CAS server sends the ticket to; the validation must name it exactly."""
    return external_url(url_for("sso.cas_callback"))


def login_url() -> str:
    return _server("login") + "?" + urlencode({"service": service_url()})


def logout_url() -> str:
    return _server("logout") + "?" + urlencode({"service": external_url(url_for("auth.login"))})


def _attribute(attributes: ElementTree.Element | None, name: str) -> str:
    if attributes is None or not name:
        return ""
    found = attributes.find(f"cas:{name}", NS)
    return (found.text or "").strip() if found is not None else ""


def validate(ticket: str) -> Identity:
    """The identity the CAS server vouches for with `ticket`; Failed otherwise."""
    config = current_app.config
    if not ticket.startswith("ST-"):
        raise Failed
    try:
        answer = requests.get(_server("p3/serviceValidate"),
                              params={"ticket": ticket, "service": service_url()},
                              timeout=config["SSO_HTTP_TIMEOUT"], allow_redirects=False)
        answer.raise_for_status()
        root = ElementTree.fromstring(answer.content)
    except (requests.RequestException, ElementTree.ParseError) as error:
        current_app.logger.warning("CAS validation failed: %s", type(error).__name__)
        raise Failed from None
    success = root.find("cas:authenticationSuccess", NS)
    if success is None:
        failure = root.find("cas:authenticationFailure", NS)
        current_app.logger.warning("CAS refused the ticket: %s",
                                   failure.get("code") if failure is not None else "no answer")
        raise Failed
    user = (success.findtext("cas:user", "", NS) or "").strip()
    if not user:
        raise Failed
    attributes = success.find("cas:attributes", NS)
    staff = config["CAS_STAFF_NUMBER_ATTRIBUTE"]
    return Identity(
        provider=Provider.CAS, subject=user,
        email=_attribute(attributes, config["CAS_EMAIL_ATTRIBUTE"]),
        name=_attribute(attributes, config["CAS_NAME_ATTRIBUTE"]),
        staff_number=_attribute(attributes, staff) if staff else user,
    )

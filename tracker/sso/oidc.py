"""OpenID Connect sign-in: the authorization code flow with PKCE (S256), through Authlib.

The provider is found by discovery (`OIDC_ISSUER` + `/.well-known/openid-configuration`). Authlib
keeps the state, the nonce and the PKCE verifier in the session between the redirect and the
callback, exchanges the code at the token endpoint (the client's secret sent as HTTP Basic),
and checks the ID token: its signature against the provider's published keys, its issuer (the
configured one), its audience (our client id), its nonce and its times. The claims named by
`OIDC_EMAIL_CLAIM`, `OIDC_NAME_CLAIM` and `OIDC_STAFF_NUMBER_CLAIM` make the `Identity`.

Sign-out ends the provider's session too when it publishes an `end_session_endpoint` (RP-
initiated logout), handing it the ID token and sending the browser back to the login page.
"""

from __future__ import annotations

from urllib.parse import urlencode

from authlib.integrations.flask_client import OAuth, OAuthError
from flask import current_app, url_for
from joserfc.errors import JoseError
from werkzeug.wrappers import Response

from tracker.accounts.models import Provider
from tracker.reminders.mail import external_url
from tracker.sso.identities import Identity

_REGISTRY = "tracker.oidc"


def configured() -> bool:
    return bool(current_app.config["OIDC_ISSUER"] and current_app.config["OIDC_CLIENT_ID"])


def _client():
    """The Authlib client of the configured provider, made once per configuration (its
    discovered metadata and keys are kept with it)."""
    config = current_app.config
    key = tuple(config[k] for k in ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET",
                                    "OIDC_SCOPES"))
    made = current_app.extensions.get(_REGISTRY)
    if made is None or made[0] != key:
        oauth = OAuth(current_app._get_current_object())
        oauth.register(
            "oidc", client_id=config["OIDC_CLIENT_ID"],
            client_secret=config["OIDC_CLIENT_SECRET"],
            server_metadata_url=config["OIDC_ISSUER"].rstrip("/")
            + "/.well-known/openid-configuration",
            client_kwargs={"scope": config["OIDC_SCOPES"], "code_challenge_method": "S256",
                           "default_timeout": config["SSO_HTTP_TIMEOUT"]})
        made = current_app.extensions[_REGISTRY] = (key, oauth.create_client("oidc"))
    return made[1]


def redirect_to_provider() -> Response:
    return _client().authorize_redirect(external_url(url_for("sso.oidc_callback")))


class Failed(Exception):
    """The provider's answer could not be trusted or used (logged, never shown in detail)."""


def identity_from_callback() -> tuple[Identity, str]:
    """The identity the provider vouches for on this callback, and the ID token (for the
    sign-out); Failed when anything is amiss."""
    config = current_app.config
    try:
        token = _client().authorize_access_token(
            claims_options={"iss": {"essential": True, "values": [config["OIDC_ISSUER"]]}})
    except (OAuthError, JoseError, ValueError, OSError) as error:
        current_app.logger.warning("OIDC sign-in failed: %s", error)
        raise Failed from None
    claims = token.get("userinfo") or {}
    if not claims.get("sub"):
        raise Failed
    # An address the provider says it has not verified finds no account and makes none.
    verified = claims.get("email_verified") is not False
    return Identity(
        provider=Provider.OIDC, subject=str(claims["sub"]),
        email=str(claims.get(config["OIDC_EMAIL_CLAIM"]) or "") if verified else "",
        name=str(claims.get(config["OIDC_NAME_CLAIM"]) or ""),
        staff_number=str(claims.get(config["OIDC_STAFF_NUMBER_CLAIM"]) or ""),
    ), token.get("id_token", "")


def logout_url(id_token: str) -> str | None:
    """Where the browser ends the provider's session, or None when it offers no such thing."""
    try:
        endpoint = _client().load_server_metadata().get("end_session_endpoint")
    except (OAuthError, ValueError, OSError) as error:
        current_app.logger.warning("OIDC metadata unavailable at sign-out: %s", error)
        return None
    if not endpoint:
        return None
    query = {"client_id": current_app.config["OIDC_CLIENT_ID"],
             "post_logout_redirect_uri": external_url(url_for("auth.login"))}
    if id_token:
        query["id_token_hint"] = id_token
    return f"{endpoint}?{urlencode(query)}"

"""A small OpenID Connect provider on 127.0.0.1, written for the tests: discovery, an
authorization endpoint that signs in whoever the test names, a token endpoint that checks the
client's secret and the PKCE verifier against the challenge, ID tokens signed RS256 with a key
made for the run (joserfc, the library Authlib itself uses), its key set, and RP-initiated
logout. Each check it makes is one a real provider makes; `tamper` makes it misbehave."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

CLIENT_ID = "tracker-test"
CLIENT_SECRET = "oidc-client-secret-for-the-tests"


@dataclass
class Provider:
    issuer: str = ""
    # The person signed in at the provider: the claims of the ID token besides the standard ones.
    person: dict = field(default_factory=lambda: {"sub": "u-1001"})
    # "key": sign with a key the provider does not publish; "issuer": another issuer in the
    # token; "nonce": another nonce; "audience": another client's token.
    tamper: str = ""
    offers_logout: bool = True
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(
        2048, parameters={"kid": "test-key", "use": "sig", "alg": "RS256"}))
    codes: dict[str, dict] = field(default_factory=dict)
    # What the provider saw: the authorization requests, the verified token requests,
    # the logouts.
    authorizations: list[dict] = field(default_factory=list)
    exchanges: list[dict] = field(default_factory=list)
    logouts: list[dict] = field(default_factory=list)

    def id_token(self, nonce: str) -> str:
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": CLIENT_ID, "iat": now, "exp": now + 300,
                  "nonce": nonce, **self.person}
        key = self.key
        if self.tamper == "issuer":
            claims["iss"] = "http://127.0.0.1:1/elsewhere"
        elif self.tamper == "nonce":
            claims["nonce"] = "another-nonce"
        elif self.tamper == "audience":
            claims["aud"] = "another-client"
        elif self.tamper == "key":
            key = RSAKey.generate_key(2048, parameters={"kid": "test-key"})
        return jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, key)


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def handler(provider: Provider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def _json(self, status: int, body: dict) -> None:
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def _redirect(self, location: str) -> None:
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/.well-known/openid-configuration":
                metadata = {
                    "issuer": provider.issuer,
                    "authorization_endpoint": f"{provider.issuer}/authorize",
                    "token_endpoint": f"{provider.issuer}/token",
                    "jwks_uri": f"{provider.issuer}/jwks",
                    "response_types_supported": ["code"],
                    "subject_types_supported": ["public"],
                    "id_token_signing_alg_values_supported": ["RS256"],
                    "code_challenge_methods_supported": ["S256"],
                }
                if provider.offers_logout:
                    metadata["end_session_endpoint"] = f"{provider.issuer}/logout"
                self._json(200, metadata)
            elif url.path == "/jwks":
                self._json(200, {"keys": [provider.key.as_dict(private=False)]})
            elif url.path == "/authorize":
                provider.authorizations.append(query)
                if (query.get("client_id") != CLIENT_ID or query.get("response_type") != "code"
                        or query.get("code_challenge_method") != "S256"
                        or not query.get("code_challenge")
                        or "openid" not in query.get("scope", "").split()):
                    self._json(400, {"error": "invalid_request"})
                    return
                code = secrets.token_urlsafe(16)
                provider.codes[code] = query
                back = {"code": code, "state": query["state"]}
                self._redirect(f"{query['redirect_uri']}?{urlencode(back)}")
            elif url.path == "/logout":
                provider.logouts.append(query)
                self._redirect(query.get("post_logout_redirect_uri", provider.issuer))
            else:
                self._json(404, {"error": "not_found"})

        def do_POST(self) -> None:
            if urlsplit(self.path).path != "/token":
                self._json(404, {"error": "not_found"})
                return
            length = int(self.headers.get("Content-Length", 0))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
            if self.headers.get("Authorization") != f"Basic {basic}":
                self._json(401, {"error": "invalid_client"})
                return
            asked = provider.codes.pop(form.get("code", ""), None)  # a code works once
            if (asked is None or form.get("grant_type") != "authorization_code"
                    or form.get("redirect_uri") != asked["redirect_uri"]
                    or _challenge(form.get("code_verifier", "")) != asked["code_challenge"]):
                self._json(400, {"error": "invalid_grant"})
                return
            provider.exchanges.append(form)
            self._json(200, {"access_token": secrets.token_urlsafe(16), "token_type": "Bearer",
                             "expires_in": 300, "id_token": provider.id_token(asked["nonce"])})

    return Handler

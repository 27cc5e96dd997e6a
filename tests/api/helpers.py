"""Tokens and requests of the API tests."""

from __future__ import annotations

from tracker import db
from tracker.apitokens import services as tokens
from tracker.apitokens.models import TokenScope


def token_for(user, scope: TokenScope = TokenScope.WRITE, days: int = 30) -> str:
    _token, secret = tokens.create_token(user, "CI", scope, days)
    db.session.commit()
    return secret


def bearer(secret: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}", **headers}

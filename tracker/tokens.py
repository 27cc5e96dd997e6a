"""Bearer secrets (session cookies, calendar-feed addresses): made random, kept only as a hash.

A token has 256 bits of randomness, so a plain SHA-256 is as good as a slow hash here (no
dictionary to try) and lets the database find the row by its hash in one indexed lookup.
"""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()

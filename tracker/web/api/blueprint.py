"""The API's blueprint, apart so that every operation module can register on it."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

"""The API's documentation page for people, rendered from the same OpenAPI document, on the
site (in the reader's language, with no script and no CDN) rather than under /api/, where no
cookie is read."""

from __future__ import annotations

from flask import Blueprint, render_template

from tracker.web.api.spec import document, said, shown

docs_bp = Blueprint("api_docs", __name__)


@docs_bp.get("/help/api")
def docs() -> str:
    spec = document()
    return render_template("api/docs.html", spec=spec, said=said(spec), shown=shown)

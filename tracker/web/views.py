"""Pages that belong to no domain: home, language switch, health."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from tracker import db
from tracker.accounts.services import set_locale
from tracker.achievements.queries import contributions_of
from tracker.approvals.services import can_delegate
from tracker.dates import today
from tracker.incentives.services import grants_to
from tracker.pms.services import record_of
from tracker.web import health, work
from tracker.web.navigation import safe_next
from tracker.web.permissions import acting_user

bp = Blueprint("web", __name__)


@bp.get("/")
@login_required
def home() -> str:
    on = today()
    full = request.args.get("full")
    user = acting_user()
    return render_template("home.html", today=on, grants=grants_to(user),
                           contributions=contributions_of(user),
                           pm_record=record_of(user), delegates=can_delegate(user),
                           work=work.for_user(user, on, full if full in work.LISTS else None))


@bp.post("/language")
def set_language() -> Response:
    """The switch in the header. Remembered on the account when logged in."""
    locale = request.form.get("locale", "")
    if locale in current_app.config["LANGUAGES"]:
        session["locale"] = locale
        if current_user.is_authenticated and current_user.locale != locale:
            set_locale(acting_user(), locale)
            db.session.commit()
    return redirect(safe_next(request.form.get("next")) or url_for("web.home"))


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """The database, the scheduler's last runs and files missing on disk (web/health.py)."""
    body, status = health.report()
    return jsonify(body), status

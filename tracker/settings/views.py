"""/admin/settings: HQ admins edit every setting of the catalogue on one page, each change
validated and audited by tracker.settings.services."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from tracker.reminders.rules import RULES
from tracker.settings import services as settings
from tracker.settings.catalogue import (
    BUDGETS,
    CATALOGUE,
    DOMAIN,
    NETWORK,
    NOTIFICATIONS,
    SESSIONS,
)
from tracker.settings.forms import settings_form
from tracker.settings.models import SettingValue
from tracker.web.actions import submit
from tracker.web.permissions import acting_user, requires

bp = Blueprint("settings", __name__)

# The page's sections before the reminder ladders (which come by rule).
GROUPS = [("domain", _l("Projects and equity"), DOMAIN),
          ("network", _l("Institute network"), NETWORK),
          ("budgets", _l("Indirect costs (national budget template)"), BUDGETS),
          ("sessions", _l("Sign-in"), SESSIONS),
          ("notifications", _l("Notifications"), NOTIFICATIONS)]




@bp.route("/admin/settings", methods=["GET", "POST"])
@requires(SettingValue.can_change)
def edit() -> Response | tuple[str, int]:
    actor = acting_user()
    form = settings_form({key: settings.get(key) for key in CATALOGUE},
                         request.form if request.method == "POST" else None)
    return submit(form, lambda: settings.save(actor, {key: form[key].data for key in CATALOGUE}),
                  lambda changed: _("Saved: %(n)d changed.", n=changed),
                  url_for("settings.edit"),
                  lambda: render_template("settings/edit.html", form=form, groups=GROUPS,
                                          rules=RULES), record=settings.page())

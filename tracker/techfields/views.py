"""/admin/fields/: HQ admins keep the list of technical fields, each with how many institutes,
projects and needs are counted in it."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from tracker import db
from tracker.organisations.models import Institute, TechnologyNeed
from tracker.projects.models import Project
from tracker.techfields import services
from tracker.techfields.forms import TechnicalFieldForm
from tracker.techfields.models import TechnicalField
from tracker.web.actions import submit
from tracker.web.permissions import acting_user, loaded, requires

bp = Blueprint("techfields", __name__, url_prefix="/admin/fields")
FIELDS = ("code", "name", "name_en", "active")


def _counts(model: type) -> dict[int | None, int]:
    return dict(db.session.execute(select(model.field_id, func.count(model.id))
                                   .group_by(model.field_id)).tuples().all())


@bp.get("/")
@requires(TechnicalField.can_edit)
def index() -> str:
    fields = db.session.scalars(select(TechnicalField).order_by(TechnicalField.code)).all()
    return render_template("techfields/index.html", fields=fields, institutes=_counts(Institute),
                           projects=_counts(Project), needs=_counts(TechnologyNeed))


def _field_or_404(field_id: int) -> TechnicalField:
    field = loaded(TechnicalField, field_id, may=None)
    return field


def _values(form: TechnicalFieldForm) -> dict:
    return {name: getattr(form, name).data for name in FIELDS}


@bp.route("/new", methods=["GET", "POST"])
@requires(TechnicalField.can_edit)
def new() -> str | Response | tuple[str, int]:
    form = TechnicalFieldForm()
    return submit(form, lambda: services.save_field(acting_user(), None,
                                                    **_values(form)),
                  _("Technical field added."), url_for("techfields.index"),
                  lambda: render_template("techfields/form.html", form=form, field=None))


@bp.route("/<int:field_id>/edit", methods=["GET", "POST"])
@requires(TechnicalField.can_edit)
def edit(field_id: int) -> str | Response | tuple[str, int]:
    field = _field_or_404(field_id)
    form = TechnicalFieldForm(obj=field)
    return submit(form, lambda: services.save_field(acting_user(), field,
                                                    **_values(form)),
                  _("Saved."), url_for("techfields.index"),
                  lambda: render_template("techfields/form.html", form=form, field=field),
                  record=field)

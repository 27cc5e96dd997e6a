"""The history of one object, and the whole trail for HQ."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from tracker import db
from tracker.audit.columns import audit_columns, described
from tracker.audit.family import members as family_of
from tracker.audit.models import AuditRecord
from tracker.display.history import describe
from tracker.display.history_names import model_of, name_of, name_recorded
from tracker.display.words import ACTIONS, OBJECTS
from tracker.export import responses as exports
from tracker.web.navigation import keyset_page, paginate, text_arg
from tracker.web.permissions import acting_user, requires

bp = Blueprint("audit", __name__)


@bp.get("/history/<object_type>/<int:object_id>")
@login_required
def history(object_type: str, object_id: int) -> str | Response:
    """What happened to one object, newest first; only for those who may see the object."""
    model = model_of(object_type)
    if model is None:
        abort(404)
    user = acting_user()
    obj = db.session.get(model, object_id)
    if not AuditRecord.can_view_history(user, obj):
        abort(404)
    # Its own records and those of the records that belong to it (tracker/audit/family.py).
    family = family_of(object_type, object_id)
    query = (
        select(AuditRecord)
        .where(or_(and_(AuditRecord.object_type == object_type,
                        AuditRecord.object_id == object_id),
                   *[and_(AuditRecord.object_type == kind, AuditRecord.object_id.in_(ids),
                          *([AuditRecord.action.in_(only[0])] if only else []))
                     for kind, ids, *only in family]))
        .options(selectinload(AuditRecord.actor))
        .order_by(AuditRecord.id.desc())
    )
    if obj is None and db.session.scalar(select(AuditRecord.id).where(
            AuditRecord.object_type == object_type, AuditRecord.object_id == object_id)
            .limit(1)) is None:
        abort(404)  # never existed
    columns = audit_columns(show_object=bool(family), link_objects=False,
                            see_address=AuditRecord.can_see_address(user))
    if fmt := exports.requested():
        return exports.send(columns, described(exports.stream(query), user),
                            f"history-{object_type}-{object_id}", fmt, title=_("History"))
    page = paginate(query)
    name = (name_of(obj, object_type, object_id) if obj is not None
            else name_recorded(page.items, object_type, object_id))
    return render_template("audit/history.html", obj=obj, object_type=object_type, page=page,
                           lines=describe(page.items, user), name=name,
                           columns=columns)


@bp.get("/audit/")
@requires(AuditRecord.can_list)
def trail() -> str | Response:
    """Every record, for HQ admins and observers (auditors)."""
    query = select(AuditRecord).options(selectinload(AuditRecord.actor)).order_by(
        AuditRecord.id.desc()
    )
    action = text_arg("action", 60)
    if action:
        query = query.where(AuditRecord.action.startswith(action))
    object_type = text_arg("object_type", 40)
    if object_type:
        query = query.where(AuditRecord.object_type == object_type)
    columns = audit_columns(show_object=True,
                            see_address=AuditRecord.can_see_address(acting_user()))
    if fmt := exports.requested():
        return exports.send(columns, described(exports.stream(query)), "audit-trail", fmt,
                            title=_("Audit trail"))
    # A million records at full size: no count of them, and no offset (page 1,000 would
    # skip 50,000 records): each page starts where the one before it stopped.
    page = keyset_page(query, AuditRecord.id, per_page=50)
    return render_template("audit/trail.html", page=page, lines=describe(page.items),
                           action=action, actions=ACTIONS, objects=OBJECTS,
                           object_type=object_type, columns=columns)

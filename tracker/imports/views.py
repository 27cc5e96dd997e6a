"""The import pages of HQ admins: upload, the result of a run, templates and error files."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker import db
from tracker.audit.columns import changes_said
from tracker.audit.models import UnsavedRecord
from tracker.display import history
from tracker.imports import column_notes, jobs, notices, prerequisites, sheets, shortened
from tracker.imports.columns import KINDS
from tracker.imports.forms import CancelForm, ImportCheckedForm, ImportForm
from tracker.imports.models import ImportRun
from tracker.web.actions import submit
from tracker.web.permissions import acting_user, loaded, requires

bp = Blueprint("imports", __name__, url_prefix="/admin/import")

RECENT = 20
# How often the page of a queued or running import reloads itself.
REFRESH_SECONDS = 3


def _run_or_404(run_id: int) -> ImportRun:
    run = loaded(ImportRun, run_id)
    return run


def _upload_page(form: ImportForm):
    def page() -> str:
        runs = db.session.scalars(select(ImportRun).options(selectinload(ImportRun.actor))
                                  .order_by(ImportRun.id.desc()).limit(RECENT)).all()
        return render_template("imports/upload.html", form=form, runs=runs,
                               kinds=list(KINDS.values()),
                               refused=prerequisites.refused(list(KINDS.values())),
                               how_to_fill=column_notes.shown)
    return page


@bp.route("/", methods=["GET", "POST"])
@requires(ImportRun.can_import)
def upload():
    actor = acting_user()
    form = ImportForm()
    return submit(
        form,
        # Queued, never run in the request: a large file would hold it open for minutes.
        lambda: jobs.queue(actor, form.kind.data, form.file.data.filename or "",
                           form.file.data.read(), dry_run=form.dry_run.data,
                           locale=str(get_locale() or "") or None,
                           grants=form.grants.data and (form.grants.data.filename or "",
                                                        form.grants.data.read())),
        lambda run: _("Import #%(id)d is waiting to run: this page follows it.", id=run.id),
        lambda run: url_for("imports.show", run_id=run.id),
        _upload_page(form))


def _changes(run: ImportRun, reader) -> list[tuple[int, str, str, list[tuple[str, str]]]]:
    """Each row the run created or updated, an update with what it changes in the words of
    the history (fields, before and after), so that a dry run says what it would do."""
    rows = [(entry[0], entry[1], entry[2], entry[3] if len(entry) > 3 else [])
            for entry in run.changes or []]
    lines = iter(history.describe([UnsavedRecord(*record) for *_row, records in rows
                                   for record in records], reader))
    return [(row, change, name, [_said(next(lines), name) for _record in records])
            for row, change, name, records in rows]


def _said(line: history.Line, name: str) -> tuple[str, str]:
    """What happened (and to what, when not the row's own record), and its fields' changes as
    the history says them."""
    what = line.action if line.name in ("", name) else f"{line.action} · {line.what}: {line.name}"
    return what, changes_said(line)


def _run_page(run: ImportRun, form: CancelForm | None = None,
              checked_form: ImportCheckedForm | None = None) -> str:
    """Cancel where the model's predicate (who) and `jobs.cancel_refusal` (when) both allow
    it, the refusal's sentence where only who does; what an ended run did (`jobs.ended_said`)."""
    user = acting_user()
    cancelling = jobs.cancel_refusal(run)
    return render_template("imports/run.html", run=run, kind=KINDS[run.kind],
                           cancel_form=form or CancelForm(),
                           can_cancel=run.can_cancel(user) and cancelling is None,
                           cancel_refused=run.can_cancel(user) and cancelling,
                           checked_form=checked_form or ImportCheckedForm(),
                           can_import_checked=run.can_import_checked(user)
                           and jobs.checked_refusal(run) is None,
                           outcome=jobs.ended_said(run),
                           changes=_changes(run, user),
                           readings=shortened.lines(run.readings),
                           notices=notices.lines(run.notices),
                           refresh=REFRESH_SECONDS if run.is_open else None)


@bp.get("/<int:run_id>")
@requires(ImportRun.can_import)
def show(run_id: int) -> str:
    return _run_page(_run_or_404(run_id))


@bp.post("/<int:run_id>/cancel")
@requires(ImportRun.can_import)
def cancel(run_id: int):
    run = _run_or_404(run_id)
    form = CancelForm()
    return submit(form, lambda: jobs.request_cancel(acting_user(), run),
                  _("Import #%(id)d is being cancelled: nothing of it is kept.", id=run.id),
                  url_for("imports.show", run_id=run.id), lambda: _run_page(run, form))


@bp.post("/<int:run_id>/import")
@requires(ImportRun.can_import)
def import_checked(run_id: int):
    """A dry run's file imported for real, as it was checked, without uploading it again."""
    checked = _run_or_404(run_id)
    form = ImportCheckedForm()
    return submit(form, lambda: jobs.import_checked(acting_user(), checked),
                  lambda run: _("Import #%(id)d is waiting to run: this page follows it.",
                                id=run.id),
                  lambda run: url_for("imports.show", run_id=run.id),
                  lambda: _run_page(checked, checked_form=form))


@bp.get("/<int:run_id>/errors.csv")
@requires(ImportRun.can_import)
def errors(run_id: int) -> Response:
    run = _run_or_404(run_id)
    return Response(sheets.errors_csv(run), mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename=import-{run.id}-errors.csv"})


@bp.get("/templates/<kind>.<fmt>")
@requires(ImportRun.can_import)
def template(kind: str, fmt: str) -> Response:
    if kind not in KINDS or fmt not in sheets.TEMPLATE_FORMATS:
        abort(404)
    body, mimetype = sheets.template(KINDS[kind], fmt)
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename={kind}.{fmt}"})

"""The one shape of a POST that changes something: validate, one service call, commit, flash,
redirect.

Every view that changes something answers through `submit` (a form, on its own page or on an
object's page) or `press` (a button on an object's page that sends no input). No view catches a
refusal itself (`tests/test_views_shape.py` fails when one does), so a refusal reads the same on
every page: input the form refuses and an `Invalid` from the service go beside their field
(400), a `Refused` goes above the page, shown again with the form as the user filled it (409),
and nothing is saved. `Forbidden` and `NotFound` reach the app's error handlers (403, 404).

Four rules of trust live here too, for every form at once (backed by `tracker.edits`):
- a form editing a versioned record (`SeenVersion`) is refused (409) when the record moved
  since the form was filled, with what was saved meanwhile listed above the user's input;
- a form editing a record that saves nothing new (the audit trail got no record: every
  change writes one) is refused as unchanged (400, `tracker.corrections.unchanged`, the one
  message of every correction), instead of saying "Saved." over nothing;
- a form that creates or records something (`OneTime`) saves once, however often it is sent;
- a recording of money or equity (`preview=`) is first run as a dry run and shown for
  confirmation; only the confirmed sending is saved.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any, TypeVar

from flask import abort, current_app, flash, g, redirect, request
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from tracker import db
from tracker.audit import services as audit
from tracker.corrections import unchanged
from tracker.db import utcnow
from tracker.display.preview import Preview
from tracker.edits import services as edits
from tracker.errors import Forbidden, Invalid, NotFound, Refused, found_until_stopped
from tracker.files import services as files
from tracker.web.forms import Button, Form, OneTime, SeenVersion, new_token, page_has_errors
from tracker.web.permissions import acting_user

T = TypeVar("T")
# Text or a path, or a function of what the service call returned (the new object's page).
OrFromResult = T | Callable[[Any], T]


def submit(form: Form, call: Callable[[], Any], done: OrFromResult[str | tuple[str, str]],
           to: OrFromResult[str], page: Callable[[], str], *, record: Any = None,
           preview: Callable[[Any], Preview | None] | None = None,
           shown: Callable[[Any], str] | None = None) -> Response | str | tuple[str, int]:
    """Run `call` when `form` validates; then commit, flash `done` and redirect to `to`.

    `page` renders the page the form is on, with `form` as it was filled: the form's own page
    (shown as such for a GET), or the page of the object the form was posted from. `record` is
    the versioned record a `SeenVersion` form edits. With `preview`, a valid form is first run
    as a dry run (`call` in a savepoint rolled back, `preview(result)` describing it) and shown
    with a button to confirm (unless `preview` finds nothing to confirm: None). With `shown`,
    success answers with the page `shown(result)` instead of a redirect: a secret shown once (a
    new access token) must never sit in a flash message (the session cookie) or an address.
    """
    if not form.is_submitted():
        _stamp(form, record)
    elif isinstance(form, OneTime):
        sent_once_before()  # saved already: said so, whatever its fields would say now
    if request.method == "POST" and (refused := g.pop("refused_before", None)) is not None:
        return _refused(form, refused, page)  # not possible now (`refuse_sent`): said above it
    if not form.validate_on_submit():
        refused = request.method == "POST" and _service_problems(form, call)
        return page(), (409 if refused else 400 if request.method == "POST" else 200)
    try:
        if preview is not None and not request.form.get("confirmed"):
            form.preview = _dry_run(form, call, preview)
            if form.preview is not None:  # None: nothing to confirm, record it now
                return page(), 200
        claimed, keys = _claim(form, record)
        if claimed is not None:
            location = claimed.location or request.path
            same_content = claimed.token != form.once.data[:64]
            db.session.rollback()
            flash(_("This form had already been sent: it was saved once, here. To record a "
                    "second one just like it, change something in it (a note) and send it.")
                  if same_content else
                  _("This form had already been sent: it was saved once, here."), "success")
            return redirect(location)
        if record is not None and isinstance(form, SeenVersion):
            _check_version(form, call, record)
        written = audit.written()
        result = call()
        db.session.flush()
        if (record is not None or isinstance(form, SeenVersion)) and audit.written() == written:
            raise unchanged()  # an edit that changed nothing: nothing to save, nor to audit
        for key in keys:
            edits.record_location(key, _given(to, result))
    except Invalid as invalid:
        db.session.rollback()
        form.failed = True
        for problem in invalid.each():  # every problem the service found, each in its place
            if not form.show_error(problem):
                flash(problem.message, "error")
        page_has_errors()
        return page(), 400
    except (Refused, StaleDataError) as error:
        db.session.rollback()
        refused = _refusal(error, form, record)
        if isinstance(refused, edits.Stale):
            form.meanwhile, form.meanwhile_yours = refused.changes, refused.yours
            _stamp(form, record)  # saving again now replaces what they saved, knowingly
        return _refused(form, refused, page)
    db.session.commit()
    said = _given(done, result)  # a sentence, or (sentence, "error") for a run that failed
    flash(*(said if isinstance(said, tuple) else (said, "success")))
    if shown is not None:
        return shown(result)
    return redirect(_given(to, result))


def saved_if_changed(changed: bool) -> str:
    """What a page of one's own choices (notification settings, reminder preferences) says
    once sent: those forms are sent whole, changed or not, and a sending that changed nothing
    says so rather than "Saved." (their services return whether anything changed, and write
    no audit record when nothing did)."""
    return _("Saved.") if changed else _("No change.")


def _refused(form: Form, refused: Refused, page: Callable[[], str]) -> tuple[str, int]:
    """A refusal said above the page, the form shown again as the user filled it (409)."""
    form.failed = True
    _say(refused)
    page_has_errors()
    return page(), 409


def _say(refused: Refused) -> None:
    """A refusal said above the page, with what to undo first linked under it as the
    refusal's own page links it (`DomainError.undo`: a void its service refused,
    `tracker.voids.Blocker.refused`; base.html)."""
    flash(refused.message, "error")
    g.refused_undo = refused.undo


def press(call: Callable[[], Any], done: OrFromResult[str], to: OrFromResult[str],
          page: Callable[[], str]) -> Response | tuple[str, int]:
    """A button on an object's page: a form with no fields (its CSRF token is checked app-wide),
    whose refusal is shown above the page."""
    return submit(Button(), call, done, to, page)


def _service_problems(form: Form, call: Callable[[], Any]) -> bool:
    """A form refused for its fields also shows, in the same answer, what the service finds
    wrong with the fields that passed: `call` is run as a dry run (a savepoint rolled back)
    on what the form could read, and each `Invalid` of a field still without an error is put
    beside it. A `Refused` is said above the page and makes the answer a refusal (returns
    True): the action is not possible now, whatever the fields. The service may not get to
    its end on incomplete input (a value it cannot compare): the answer then has the fields'
    errors and what the service's checks had found until it stopped (`found_until_stopped`).
    A form's files are checked in the dry run but not written (`files.checking_only`), since
    a file is kept outside the database that the savepoint rolls back."""
    found: list[tuple[str, str]] = []
    savepoint = db.session.begin_nested()
    try:
        with (warnings.catch_warnings(), files.checking_only(),
              found_until_stopped() as found):
            warnings.simplefilter("ignore")  # a None id the form could not read is no news
            call()
    except Invalid as invalid:
        _beside_sound_fields(form, invalid.problems)
    except (Forbidden, NotFound):
        # Not theirs to do, or to know of, whatever they typed: a person who may not act
        # hears so (403, 404), not what their input lacked.
        raise
    except Refused as refused:
        # The action is refused whatever the fields say (the milestone went under review
        # since the page was loaded, and the page no longer shows the form): said above the
        # page, as any refusal (409), or the answer would show no error at all.
        _say(refused)
        return True
    except Exception:  # noqa: BLE001 - any other failure on incomplete input: the fields'
        # own errors, and what the service's checks had found before it stopped on a value
        # the form could not read (`found_until_stopped`)
        _beside_sound_fields(form, found)
    finally:
        savepoint.rollback()
    return False


def _beside_sound_fields(form: Form, problems: list[tuple[str, str]]) -> None:
    """Each problem the service found beside its field, unless the form refused that field
    already (its own error says what to fix first)."""
    for name, message in problems:
        field = form.field_named(name)
        if field is None or not field.errors:
            form.show_error(Invalid(name, message))


def _given(value: OrFromResult[str], result: Any) -> str:
    return value(result) if callable(value) else value


def _check_version(form: Form, call: Callable[[], Any], record: Any) -> None:
    """Refuse a save made on a stale copy (`edits.check_version`), unless the record can no
    longer be saved at all: then the service's own reason (it was accepted, frozen, withdrawn
    meanwhile), found by a dry run of `call`, wins over "someone else saved", whose advice to
    save again could only be refused in turn."""
    try:
        edits.check_version(acting_user(), record, *form.seen())
    except edits.Stale as stale:
        try:
            with _trial(form):
                call()
        except edits.Stale:
            pass
        except Refused as refused:
            raise refused from None
        except (Invalid, StaleDataError):
            pass  # the fields' problems are for the save they will make on the new version
        raise stale from None


def _refusal(error: Exception, form: Form, record: Any) -> Refused:
    """A `StaleDataError` is the UPDATE losing the race the version check had passed."""
    if isinstance(error, Refused):
        return error
    if record is not None and isinstance(form, SeenVersion):
        return edits.stale(acting_user(), record, form.seen()[1])
    return Refused(_("Someone else changed this at the same moment; nothing of yours was saved. "
                     "Reload the page and try again."))


def _dry_run(form: Form, call: Callable[[], Any],
             preview: Callable[[Any], Preview | None]) -> Preview | None:
    with _trial(form):
        return preview(call())


@contextmanager
def _trial(form: Form) -> Iterator[None]:
    """Run what it wraps as a dry run, in a savepoint rolled back; `form.dry_run` is set
    meanwhile, so that the service leaves out what a savepoint can't take back (an uploaded
    file is written to disk, and its stream read once)."""
    savepoint = db.session.begin_nested()
    form.dry_run = True
    try:
        with files.checking_only():
            yield
    finally:
        form.dry_run = False
        savepoint.rollback()


def _stamp(form: Form, record: Any) -> None:
    """Give a form as it is rendered its one-time token and the version it shows."""
    if isinstance(form, OneTime) and not form.once.data:
        form.once.data = new_token()
    if isinstance(form, SeenVersion) and record is not None:
        form.version.data = str(record.version)
        form.seen_at.data = utcnow().isoformat()


def _claim(form: Form, record: Any) -> tuple[Any, list[str]]:
    """The claim of an earlier sending of this form, if any, and the keys this sending claims:
    its one-time token, and for a form creating a record (no `record` edited) what it sent."""
    if not (isinstance(form, OneTime) and form.once.data):
        return None, []
    actor = acting_user()
    token = form.once.data[:64]
    if (used := edits.claim_token(actor, token)) is not None:
        return used, []
    if record is not None or not form.same_content_is_resent:
        return None, [token]  # an edit sent twice saves the same values twice: harmless
    key = _content_key(actor.id)
    return edits.claim_content(actor, key, _window()), [token, key]


def sent_once_before() -> None:
    """A form sent again (a double click, Back and send) after it was saved lands where its
    first sending went, saying it was saved once, whatever the record it acted on has become
    since: gone (an instalment removed), voided or withdrawn by it (a refusal before the form,
    `refuse_sent`), corrected by it (a field its correction now requires). Returns when it was
    not sent before; otherwise answers with the redirect."""
    token = (_sent_token() or "")[:64] if request.method == "POST" else ""
    actor = acting_user()
    used = edits.claim_of(actor, token) if token else None
    if used is not None and used.location:
        flash(_("This form had already been sent: it was saved once, here."), "success")
        abort(redirect(used.location))


def _sent_token() -> str | None:
    """The one-time token a form sent, under its own name or a prefixed form's."""
    return next((value for name, value in request.form.items()
                 if name == "once" or name.endswith("-once")), None)


def refuse_sent(refusal: Refused) -> None:
    """An edit posted when it is no longer possible (its record voided or withdrawn in another
    tab since the page was loaded): `submit` says `refusal` above the form as the user filled
    it (409), their input kept, instead of a bare refusal page."""
    g.refused_before = refusal


def sent_before(token: str | None) -> bool:
    """Whether a creating form's sending is one already saved (its token claimed, or the same
    content sent within the window), asked before what `submit` does is begun: files a form
    keeps before it is saved are not kept again for a sending that will be taken as the first."""
    actor = acting_user()
    return bool(token) and edits.token_claimed(token) or edits.content_claimed(
        actor, _content_key(actor.id), _window())


def _window() -> timedelta:
    return timedelta(minutes=current_app.config["RESEND_WINDOW_MINUTES"])


# Fields that change with each rendering of a form, not with what the user sent.
RENDERED = {"csrf_token", "once", "version", "seen_at", "confirmed"}


def _content_key(user_id: int) -> str:
    """A digest of who sent what where: the address, every field but RENDERED, and each file's
    name and bytes (read, then rewound for the service). Worked out once a request: a view
    asks `sent_before` ahead of `submit`, and a post's photos are not read twice."""
    if (known := g.get("content_key")) is not None:
        return known
    digest = hashlib.sha256(f"{user_id}\n{request.path}\n".encode())
    for name, value in sorted((k, v) for k, v in request.form.items(multi=True)
                              if k not in RENDERED):
        digest.update(f"{name}={value}\n".encode())
    for name, upload in sorted(request.files.items(multi=True), key=lambda item: item[0]):
        digest.update(f"{name}:{upload.filename}\n".encode())
        upload.stream.seek(0)
        while chunk := upload.stream.read(1024 * 1024):
            digest.update(chunk)
        upload.stream.seek(0)
    g.content_key = "c" + digest.hexdigest()[:63]
    return g.content_key

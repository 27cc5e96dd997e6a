"""The one shape of a POST that changes something: validate, one service call, commit, flash,
redirect.

Every view that changes something answers through `submit` (a form, on its own page or on an
object's page) or `press` (a button on an object's page that sends no input). No view catches a
refusal itself (`tests/test_views_shape.py` fails when one does), so a refusal reads the same on
every page: input the form refuses and an `Invalid` from the service go beside their field
(400), a `Refused` goes above the page, shown again with the form as the user filled it (409),
and nothing is saved. `Forbidden` and `NotFound` reach the app's error handlers (403, 404).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import flash, redirect, request
from werkzeug.wrappers import Response

from tracker import db
from tracker.errors import Invalid, Refused
from tracker.web.forms import Form

T = TypeVar("T")
# Text or a path, or a function of what the service call returned (the new object's page).
OrFromResult = T | Callable[[Any], T]


def submit(form: Form, call: Callable[[], Any], done: OrFromResult[str],
           to: OrFromResult[str], page: Callable[[], str]) -> Response | tuple[str, int]:
    """Run `call` when `form` validates; then commit, flash `done` and redirect to `to`.

    `page` renders the page the form is on, with `form` as it was filled: the form's own page
    (shown as such for a GET), or the page of the object the form was posted from.
    """
    if not form.validate_on_submit():
        return page(), (400 if request.method == "POST" else 200)
    try:
        result = call()
    except Invalid as invalid:
        db.session.rollback()
        if not form.show_error(invalid):
            flash(invalid.message, "error")
        return page(), 400
    except Refused as refused:
        db.session.rollback()
        flash(refused.message, "error")
        return page(), 409
    db.session.commit()
    flash(_given(done, result), "success")
    return redirect(_given(to, result))


def press(call: Callable[[], Any], done: OrFromResult[str], to: OrFromResult[str],
          page: Callable[[], str]) -> Response | tuple[str, int]:
    """A button on an object's page: a form with no fields (its CSRF token is checked app-wide),
    whose refusal is shown above the page."""
    return submit(Form(), call, done, to, page)


def _given(value: OrFromResult[str], result: Any) -> str:
    return value(result) if callable(value) else value

"""The one shape of a form page's POST: validate, one service call, commit, redirect."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, request
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from tracker import db
from tracker.errors import Invalid, Refused
from tracker.web.forms import show_error


def submit(form: FlaskForm, call: Callable[[], Any], done: str, target: Callable[[Any], str],
           render: Callable[[], str]) -> Response | tuple[str, int]:
    """Run `call` when `form` validates; `target(result)` is where to go after the commit.

    An `Invalid` refusal goes beside its field (400, nothing saved); a `Refused` one above the
    page with the form as the user filled it (409, nothing saved); `Forbidden` reaches the app's
    error handler (403).
    """
    if form.validate_on_submit():
        try:
            result = call()
        except Invalid as invalid:
            db.session.rollback()
            show_error(form, invalid)
        except Refused as refused:
            db.session.rollback()
            flash(refused.message, "error")
            return render(), 409
        else:
            db.session.commit()
            flash(done, "success")
            return redirect(target(result))
    status = 400 if request.method == "POST" else 200
    return render(), status

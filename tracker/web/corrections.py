"""The forms of every correction: a reversal (dated, with a reason) of a payment, a
disbursement or a share entry, a reason alone (voiding a founders' table, detaching a company
from a project) and a withdrawal of a record made by mistake (a reason, on the version shown).
Every reversal's page is drawn and posted by `reversal_page`, its record loaded by
`reversible` (a correction's by `correctable`). The services say what may be corrected and
how."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from tracker.dates import today
from tracker.voids import Blocker
from tracker.web.actions import refuse_sent, sent_once_before, submit
from tracker.web.fields import DateField
from tracker.web.forms import Form, OneTime, SeenVersion
from tracker.web.permissions import acting_user, found

CORRECTED = _l("Why the record was wrong: kept with the correction, and shown beside the "
               "corrected record on its page and in its history.")
WITHDRAWN = _l("Why it was recorded by mistake: the record stays on its page, marked, with "
               "this reason, who gave it and when, and in its history.")
SUPERSEDED = _l("Why the decision was wrong: shown with the correction beside the decision it "
                "supersedes, which stays on the page, and in the history.")
REVERSED = _l("Why the entry was wrong: kept with the reversing entry, shown beside it and in "
              "the history.")


def reason_field(description: str = CORRECTED, *, required: bool = True) -> TextAreaField:
    """Why a record was wrong: every correction asks it (a reversal, a voiding, a record's
    terms corrected) and its page and history show it; `description` says where, as it is
    for that kind of correction. Not `required` by the form where only the service can tell,
    by the record's state when it saves, whether it corrects at all."""
    return TextAreaField(_l("Reason"),
                         validators=[DataRequired() if required else Optional(),
                                     Length(max=2000)],
                         description=description)


class ReasonForm(OneTime, Form):
    reason = reason_field()


class WithdrawForm(SeenVersion, OneTime, Form):
    """A record made by mistake, withdrawn or voided on the version its page showed: a
    correction saved meanwhile is shown above the reason, which stays as typed (409)."""

    reason = reason_field(WITHDRAWN)


class DecisionCorrectionForm(SeenVersion, OneTime, Form):
    """A decision recorded by mistake, superseded by its opposite: the reason, on the version
    of the record the page showed (a change request, the milestone of a re-baseline)."""

    reason = reason_field(SUPERSEDED)


class ReverseForm(OneTime, Form):
    reason = reason_field(REVERSED)
    on_date = DateField(_l("Reversed on"), validators=[InputRequired()], default=today,
                        description=_l("From this date on the entry no longer counts; before "
                                       "it, it still does. Give the original's own date when "
                                       "it should never have counted."))


class ShareReverseForm(ReverseForm):
    """Shares reversed (a share entry, a round, a conversion) drop out of every cap table
    (`tracker.companies.ledger.standing`): the date records when the mistake was corrected,
    not from when the shares stop counting."""

    on_date = DateField(_l("Reversed on"), validators=[InputRequired()], default=today,
                        description=_l("Reversed shares count in no cap table, on any date: "
                                       "the date says when the mistake was corrected."))


def offered(refusal: str | Blocker | None, back: str, *, keep_input: bool = False) -> None:
    """A correction's form is shown only for what can be corrected: otherwise (Back, an old
    link, another tab) the reason it can't, as its service would refuse it sent, answers 409
    before the form, linking to `back`, the page that lists the record (a bookmarked form has
    no referrer). `refusal` is the service's own reason (`..._refusal(record)`), None when it
    can. Posted, the very form that was saved, sent again (Back, a double click), says it was
    saved once (`sent_once_before`); with `keep_input`, an edit's form sent from a tab opened
    before its record was voided or withdrawn is shown as filled, the reason above it
    (`submit`), as a correction the service refuses is. A void's refusal is a `Blocker`: what
    to undo before (each of its `links`) is linked under its own words beside `back`."""
    if refusal is None:
        return
    refused = (refusal if isinstance(refusal, Blocker) else Blocker(refusal)).refused(back)
    if request.method != "POST":
        raise refused
    sent_once_before()
    if not keep_input:
        raise refused
    refuse_sent(refused)


def reversible(record: Any, refusal: Callable[[Any], str | None], user: Any,
               back: Callable[[Any], str], *,
               may: Callable[[Any, Any], bool] | None = None) -> Any:
    """The record whose reversal's form is asked for, loaded as a correction's is
    (`correctable`): 404 when it is not there or not the user's to see, 403 when they see it
    but may not reverse it (`may(record, user)`: its model's `can_reverse`, the predicate the
    page offering the reversal asks, `tracker.reversals.offered_to`, unless the view names
    another), refused before the form when it can't be reversed (`offered`, the form as sent
    not kept), linking to `back(record)`. A page that is an HQ role's alone says so with
    `requires` on the view, 403 before anything is loaded."""
    return correctable(record, may or _reverses, refusal, user, back, keep_input=False)


def _reverses(record: Any, user: Any) -> bool:
    return record.can_reverse(user)


def correction_page(form: Form, back: str, title: str, facts: list[tuple[str, str]],
                    explanation: str, button: str) -> str:
    """The page of every correction's, reversal's, withdrawal's and void's form
    (corrections/correct.html): its `title`, the record's `facts`, what the correction does
    (`explanation`), the form with its `button`, and the way `back` to the record's page."""
    return render_template("corrections/correct.html", form=form, back=back, title=title,
                           facts=facts, explanation=explanation, button=button)


def reversal_page(form: ReverseForm | ReasonForm, reverse: Callable[..., Any], record: Any, *,
                  done: str, back: str, title: str, facts: list[tuple[str, str]],
                  explanation: str, button: str) -> Any:
    """The page of every reversal's form, posted as every form is (`submit`): `reverse(user,
    record, reason=..., on=...)`, the service, reverses `record` with the form's reason and
    its date (a `ReasonForm` asks none: the service dates it the day it is recorded); saved,
    `done` is flashed on `back`. The page shows `facts` about the record, what reversing does
    (`explanation`) and the button's words."""
    def call() -> Any:
        dated = {"on": form.on_date.data} if isinstance(form, ReverseForm) else {}
        return reverse(acting_user(), record,
                       reason=form.reason.data or "", **dated)

    return submit(form, call, done, back, lambda: correction_page(
        form=form, back=back, title=title, facts=facts, explanation=explanation, button=button))


def reason_page(form: WithdrawForm | ReasonForm, act: Callable[[Any, Any, str], Any],
                record: Any, *, done: str, back: str, title: str, facts: list[tuple[str, str]],
                explanation: str, button: str) -> Any:
    """The page of every correction whose form asks the reason alone (a void, a withdrawal,
    an instalment removed, an outcome withdrawn), posted as every form is (`submit`):
    `act(user, record, reason)`, the service, with the form's reason; saved, `done` is flashed
    on `back`. A `WithdrawForm` is sent on the version of `record` its page showed. The page
    shows `facts` about the record, what the correction does (`explanation`) and the button's
    words. Its record is loaded first by `correctable` (or refused by `offered`)."""
    return submit(form, lambda: act(acting_user(), record, form.reason.data or ""), done, back,
                  lambda: correction_page(form=form, back=back, title=title, facts=facts,
                                          explanation=explanation, button=button),
                  record=record if isinstance(form, SeenVersion) else None)


def correctable(record: Any, may: Callable[[Any, Any], bool],
                refusal: Callable[[Any], str | Blocker | None], user: Any,
                back: Callable[[Any], str], *, keep_input: bool = True) -> Any:
    """The record whose correction or withdrawal form is asked for: 404 when it is not there
    or not the user's to see, 403 when its own predicate (`may(record, user)`: its model's
    `can_correct`, `can_withdraw` or `can_void`) says they may not; its form is refused before
    it is drawn when `refusal(record)` says why not (409, linking to `back(record)`; a void's
    `Blocker` also to what is undone first). A form sent meanwhile (the milestone went under
    review in another tab) hears the same reason above the form as sent, unless it is the very
    form that was saved (`offered`); not `keep_input`, the reason alone. Every reversal's,
    correction's and void's form is loaded here (`reversible` calls it)."""
    found(record)
    if not may(record, user):
        abort(403)
    offered(refusal(record), back(record), keep_input=keep_input)
    return record


def decision_correction(form: DecisionCorrectionForm, call: Callable[[], Any], *, undo: bool,
                        done: str, back: str, facts: list, approve: str, explanation: str,
                        record: Any) -> Any:
    """The page of a decision's correction (`DecisionCorrectionForm`), posted as every form
    is (`tracker.web.actions.submit`): `undo` an approval, or `approve` (the button's words)
    what was refused or rejected."""
    return submit(form, call, done, back, lambda: correction_page(
        form=form, back=back, facts=facts,
        title=_("Correct the decision"), button=_("Undo the approval") if undo else approve,
        explanation=explanation), record=record)

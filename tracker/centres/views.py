"""The centres at a glance (HQ: status and figures of every centre, the dormant ones on
asking) and HQ's actions on a centre's agreement: record a term or renew it, correct a term,
record a payment of the enterprise."""

from __future__ import annotations

from dataclasses import dataclass, replace

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from tracker import db
from tracker.centres import services
from tracker.centres.figures import CentreFigures, figures, statuses
from tracker.centres.forms import CentrePaymentForm, TermForm
from tracker.centres.models import CentreAgreement, CentrePayment
from tracker.centres.status import CentreStatus
from tracker.dates import today
from tracker.display.formatting import day, money
from tracker.export import responses as exports
from tracker.export.columns import Column, Kind
from tracker.organisations.models import JointInnovationCentre
from tracker.settings import catalogue
from tracker.settings import services as settings
from tracker.web.actions import submit
from tracker.web.corrections import ReverseForm, offered, reversal_page, reversible
from tracker.web.navigation import choice_arg, paginate
from tracker.web.permissions import acting_user, loaded, requires

bp = Blueprint("centres", __name__)

TERM_FIELDS = ("signed_on", "starts_on", "ends_on", "committed", "note")



@dataclass
class Line:
    centre: JointInnovationCentre
    figures: CentreFigures


def _centre_link(line: Line) -> str:
    return url_for("organisations.centre", object_id=line.centre.id)


OVERVIEW_COLUMNS = [
    Column(_l("Joint innovation centre"), lambda r: r.centre.shown("name"), width=30,
           link=_centre_link),
    Column(_l("Enterprise"), lambda r: r.centre.enterprise.shown("name"), width=30),
    Column(_l("Status"), lambda r: r.figures.status, Kind.LABEL, 14,
           tone=lambda r: "warn" if r.figures.status in (CentreStatus.DORMANT,
                                                         CentreStatus.EXPIRED) else None),
    Column(_l("Term ends on"), lambda r: r.figures.current.ends_on if r.figures.current
           else None, Kind.DATE, 14),
    Column(_l("Last need raised"), lambda r: r.figures.last_need, Kind.DATE, 14),
    Column(_l("Needs raised"), lambda r: r.figures.needs_raised, Kind.INT, 10),
    Column(_l("Needs matched"), lambda r: r.figures.needs_matched, Kind.INT, 10),
    Column(_l("Projects"), lambda r: r.figures.projects, Kind.INT, 10),
    Column(_l("Contract value"), lambda r: r.figures.contract_value, Kind.MONEY, 16),
    Column(_l("Committed by the enterprise"), lambda r: r.figures.committed, Kind.MONEY, 16),
    Column(_l("Paid by the enterprise"), lambda r: r.figures.paid, Kind.MONEY, 16),
]


@bp.get("/centres/overview")
@requires(CentreAgreement.can_see)
def overview() -> str | Response:
    """Every centre with its status and figures, a page at a time (the page's centres and
    five statements for their figures; every centre in the file); `status` keeps those in one
    status (`?status=dormant`: HQ's list of dormant centres), chosen from the centres' terms
    and last needs (`figures.statuses`) before the page is read."""
    status = choice_arg("status", _l("Status"), {s.value for s in CentreStatus})
    on = today()
    query = (select(JointInnovationCentre).options(selectinload(JointInnovationCentre.enterprise))
             .order_by(JointInnovationCentre.name, JointInnovationCentre.id))
    if status:  # the centres in that status, from their terms and last needs only
        found = statuses(on)
        if status == CentreStatus.NO_AGREEMENT:
            query = query.where(JointInnovationCentre.id.not_in(
                [c for c, s in found.items() if s != CentreStatus.NO_AGREEMENT]))
        else:
            query = query.where(JointInnovationCentre.id.in_(
                [c for c, s in found.items() if s == status]))
    # A page of centres with their figures; every centre in the file.
    page = None if exports.requested() else paginate(query)
    centres = page.items if page else db.session.scalars(query).all()
    found = figures(on, [c.id for c in centres])
    lines = [Line(c, found.get(c.id) or CentreFigures()) for c in centres]
    if fmt := exports.requested():
        return exports.send(OVERVIEW_COLUMNS, lines, "joint-innovation-centres-status", fmt,
                            title=_("Joint innovation centres at a glance"))
    return render_template("centres/overview.html", page=replace(page, items=lines),
                           columns=OVERVIEW_COLUMNS, status=status, statuses=list(CentreStatus),
                           months=settings.get(catalogue.CENTRE_DORMANT_MONTHS))


def _centre(centre_id: int) -> JointInnovationCentre:
    centre = loaded(JointInnovationCentre, centre_id)
    return centre


def _agreement(agreement_id: int) -> CentreAgreement:
    agreement = loaded(CentreAgreement, agreement_id)
    return agreement


def _on_centre_page(paid: CentrePayment) -> str:
    return url_for("organisations.centre", object_id=paid.agreement.centre_id)


def _to_centre(centre_id: int):
    return lambda _saved: url_for("organisations.centre", object_id=centre_id)


@bp.route("/centres/<int:centre_id>/agreements/new", methods=["GET", "POST"])
@requires(CentreAgreement.can_record)
def new_agreement(centre_id: int) -> Response | tuple[str, int]:
    centre = _centre(centre_id)
    renews = services.latest_term(centre)
    form = TermForm()
    return submit(
        form, lambda: services.record_agreement(
            acting_user(), centre, **{name: getattr(form, name).data for name in TERM_FIELDS}),
        services.recorded_said, _to_centre(centre.id),
        lambda: render_template("centres/term_form.html", form=form, centre=centre,
                                renews=renews, agreement=None))


@bp.route("/centres/agreements/<int:agreement_id>/edit", methods=["GET", "POST"])
@requires(CentreAgreement.can_record)
def edit_agreement(agreement_id: int) -> Response | tuple[str, int]:
    agreement = _agreement(agreement_id)
    form = TermForm(obj=agreement)
    return submit(
        form, lambda: services.save_agreement(
            acting_user(), agreement, **{name: getattr(form, name).data for name in TERM_FIELDS}),
        _("Saved."), _to_centre(agreement.centre_id),
        lambda: render_template("centres/term_form.html", form=form, centre=agreement.centre,
                                renews=agreement.renews, agreement=agreement),
        record=agreement)


@bp.route("/centres/agreements/<int:agreement_id>/payments/new", methods=["GET", "POST"])
@requires(CentreAgreement.can_record)
def new_payment(agreement_id: int) -> Response | tuple[str, int]:
    agreement = _agreement(agreement_id)
    offered(services.pay_refusal(agreement),
            url_for("organisations.centre", object_id=agreement.centre_id))
    form = CentrePaymentForm()
    return submit(
        form, lambda: services.record_payment(
            acting_user(), agreement, paid_on=form.paid_on.data, amount=form.amount.data,
            note=form.note.data or ""),
        _("Payment recorded."), _to_centre(agreement.centre_id),
        lambda: render_template("centres/payment_form.html", form=form, agreement=agreement))


@bp.route("/centres/payments/<int:payment_id>/reverse", methods=["GET", "POST"])
@requires(CentreAgreement.can_record)
def reverse_payment(payment_id: int) -> Response | tuple[str, int]:
    paid = reversible(db.session.get(CentrePayment, payment_id), services.payment_refusal,
                      acting_user(), _on_centre_page)
    agreement, back = paid.agreement, _on_centre_page(paid)
    form = ReverseForm()
    facts = [(_("Joint innovation centre"), agreement.centre.shown("name")),
             (_("Term"), f"{day(agreement.starts_on)} – {day(agreement.ends_on)}"),
             (_("Paid on"), day(paid.paid_on)), (_("Amount"), money(paid.amount)),
             (_("Note"), paid.note or "—")]
    return reversal_page(
        form, services.reverse_payment, paid,
        done=_("Payment reversed: both stay on the centre's page."), back=back,
        title=_("Reverse a centre's payment"), facts=facts, button=_("Reverse the payment"),
        explanation=_("A reversing payment of the negated amount is written beside this one; "
                      "what the enterprise has paid under the term, and what is outstanding, "
                      "follow."))

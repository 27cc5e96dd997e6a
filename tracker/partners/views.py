"""What a co-funder paid, recorded and reversed from the allocation-investment agreement's
funding page (tracker/funding/views.py shows it)."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from tracker import db
from tracker.dates import today
from tracker.display.formatting import day, money
from tracker.funding.forms import DisbursementForm
from tracker.funding.models import CoFunder
from tracker.partners import co_funding
from tracker.partners.payment_models import CoFunderPayment
from tracker.web.actions import submit
from tracker.web.corrections import ReverseForm, offered, reversal_page, reversible
from tracker.web.permissions import acting_user, loaded, requires

bp = Blueprint("co_funding", __name__)



def _co_funder(co_funder_id: int) -> CoFunder:
    return loaded(CoFunder, co_funder_id, may=CoFunder.can_see)


def _back(co_funder: CoFunder) -> str:
    return url_for("funding.show", project_id=co_funder.agreement.project_id) + "#co-funders"


@bp.route("/funding/co-funders/<int:co_funder_id>/pay", methods=["GET", "POST"])
@requires(CoFunder.can_record_payment)
def pay(co_funder_id: int) -> Response | tuple[str, int]:
    co_funder = _co_funder(co_funder_id)
    offered(co_funding.pay_refusal(co_funder), _back(co_funder))
    form = DisbursementForm()
    if not form.is_submitted():
        form.paid_on.data = today()
    name = co_funder.partner.shown("name")

    def call():
        return co_funding.record_payment(acting_user(), co_funder, amount=form.amount.data,
                                         paid_on=form.paid_on.data,
                                         reference=form.reference.data or "")

    return submit(form, call, _("Payment by %(name)s recorded.", name=name), _back(co_funder),
                  lambda: render_template(
                      "funding/form.html", form=form, project=co_funder.agreement.project,
                      title=_("Payment by %(name)s", name=name),
                      reason=None))


@bp.route("/funding/co-funder-payments/<int:payment_id>/reverse", methods=["GET", "POST"])
@requires(CoFunder.can_record_payment)
def reverse(payment_id: int) -> Response | tuple[str, int]:
    paid = reversible(db.session.get(CoFunderPayment, payment_id), co_funding.payment_refusal,
                      acting_user(), lambda paid: _back(paid.co_funder))
    co_funder = paid.co_funder
    back = _back(co_funder)
    form = ReverseForm()
    facts = [(_("Co-funder"), co_funder.partner.shown("name")), (_("Paid on"), day(paid.paid_on)),
             (_("Amount"), money(paid.amount)), (_("Payment reference"), paid.reference or "—")]
    return reversal_page(
        form, co_funding.reverse_payment, paid,
        done=_("Payment reversed: both stay on the funding page."), back=back,
        title=_("Reverse a co-funder's payment"), facts=facts, button=_("Reverse the payment"),
        explanation=_("A reversing payment of the negated amount is written beside this one; "
                      "what the co-funder has paid, and what it still owes, follow."))

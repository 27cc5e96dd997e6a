"""The committee's forms voiding an agreement or a tranche recorded by mistake (a module of
its own so that tracker/funding/views.py stays under 400 lines; on the funding blueprint).
Each is offered only when its void is possible: otherwise what stands in the way answers 409
before the form, linking to where it is reversed first (`tracker.funding.voids`)."""

from __future__ import annotations

from flask_babel import gettext as _
from werkzeug.wrappers import Response

from tracker import db
from tracker.display.formatting import day, money
from tracker.funding import services, voids
from tracker.funding.models import FundingAgreement, Tranche
from tracker.funding.views import _to_funding, bp
from tracker.web.corrections import WithdrawForm, correctable, reason_page
from tracker.web.permissions import acting_user, requires


@bp.route("/funding/<int:agreement_id>/void", methods=["GET", "POST"])
@requires(FundingAgreement.can_decide)
def void_agreement(agreement_id: int) -> Response | tuple[str, int]:
    agreement = correctable(db.session.get(FundingAgreement, agreement_id),
                            FundingAgreement.can_void, voids.agreement_void_refusal, acting_user(),
                            lambda agreement: _to_funding(agreement.project), keep_input=False)
    return reason_page(
        WithdrawForm(), voids.void_agreement, agreement,
        done=_("Agreement voided: it stays in the history and counts no more."),
        back=_to_funding(agreement.project), title=_("Void an allocation-investment agreement"),
        facts=[(_("Project"), agreement.project.name),
               (_("Committed by HQ"), money(agreement.committed)),
               (_("Signed on"), day(agreement.signed_on)),
               (_("Tranches"), str(len(agreement.standing_tranches)))],
        button=_("Void the agreement"), explanation=_(
            "An agreement recorded by mistake (the wrong project, entered twice, never signed) "
            "is voided with its tranches: it stays on the funding page and in the history, "
            "marked, and no longer counts in any total, list, report or reminder. The project "
            "may then be funded by another agreement."))


@bp.route("/funding/tranches/<int:tranche_id>/void", methods=["GET", "POST"])
@requires(FundingAgreement.can_decide)
def void_tranche(tranche_id: int) -> Response | tuple[str, int]:
    tranche = correctable(db.session.get(Tranche, tranche_id), Tranche.can_void,
                          voids.tranche_void_refusal, acting_user(),
                          lambda tranche: _to_funding(tranche.agreement.project),
                          keep_input=False)
    return reason_page(
        WithdrawForm(), voids.void_tranche, tranche,
        done=_("Tranche voided: it stays on the funding page and plans nothing more."),
        back=_to_funding(tranche.agreement.project),
        title=_("Void tranche %(n)d", n=tranche.number),
        facts=[(_("Tranche"), str(tranche.number)),
               (_("Released when"), services.condition_text(tranche)),
               (_("Amount"), money(tranche.amount))],
        button=_("Void the tranche"), explanation=_(
            "A tranche recorded by mistake is voided: it stays on the funding page and in the "
            "history, marked, and is no longer planned, paid, reminded of or counted."))

"""The forms correcting or voiding a licence or assignment of IP recorded wrong (a module of
its own so that tracker/companies/views.py stays under 400 lines; on the companies blueprint).
A voided deal is corrected by no one; a void is offered only when nothing depends on the deal,
else what does answers 409 before the form, linking to where it is undone first
(`tracker.companies.deal_voids`)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from tracker import db
from tracker.companies import deal_voids, deals
from tracker.companies.forms import IpDealCorrectionForm
from tracker.companies.ip_models import IpDeal
from tracker.companies.views import _form_page, _to_company, bp
from tracker.display.formatting import day, number
from tracker.display.labels import label
from tracker.web.actions import submit
from tracker.web.corrections import WithdrawForm, correctable, reason_page
from tracker.web.permissions import acting_user


def _on_ip_table(deal: IpDeal) -> str:
    """The company's IP table, which lists the deal."""
    return _to_company(deal.company) + "#ip"


@bp.route("/companies/ip/<int:ip_deal_id>/edit", methods=["GET", "POST"])
@login_required
def edit_ip_deal(ip_deal_id: int) -> Response | tuple[str, int]:
    deal = correctable(db.session.get(IpDeal, ip_deal_id), IpDeal.can_correct,
                       deal_voids.correction_refusal, acting_user(), _on_ip_table)
    back = _on_ip_table(deal)
    company = deal.company
    form = IpDealCorrectionForm(obj=deal, deal=deal, achievements=deals.register_choices(company))
    return submit(form, lambda: deals.save_ip_deal(acting_user(), deal, **form.terms()),
                  _("Licence or assignment of IP corrected."), back,
                  lambda: _form_page(company, form, _("Correct the licence or assignment")),
                  record=deal)


@bp.route("/companies/ip/<int:ip_deal_id>/void", methods=["GET", "POST"])
@login_required
def void_ip_deal(ip_deal_id: int) -> Response | tuple[str, int]:
    deal = correctable(db.session.get(IpDeal, ip_deal_id), IpDeal.can_void,
                       deal_voids.void_refusal, acting_user(), _on_ip_table, keep_input=False)
    return reason_page(
        WithdrawForm(), deal_voids.void_ip_deal, deal,
        done=_("Licence or assignment voided: it stays in the history and counts no more."),
        back=_on_ip_table(deal), title=_("Void a licence or assignment"),
        facts=[(_("Achievement and its rights"), deal.name), (_("Kind"), label(deal.kind)),
               (_("Licensee or assignee"), deal.licensee), (_("Signed on"), day(deal.signed_on)),
               (_("Equity (shares)"), number(deal.equity_shares))],
        button=_("Void the licence or assignment"),
        explanation=_("A licence or assignment recorded by mistake (entered twice, never "
                      "signed, for the wrong company) is voided: it stays on the company's "
                      "page and in the history, marked, and counts for nothing more."))

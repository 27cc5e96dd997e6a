"""The form recording what was paid for an issue recorded without it, and the voiding of a
founders' table (a module of its own so that tracker/companies/views.py stays under 400 lines;
on the companies blueprint). Offered on the share ledger beside each such issue; any other
entry answers 409 before the form, with why (`corrections.paid_refusal`); a table with
anything after it, likewise (`corrections.founders_void_refusal`)."""

from __future__ import annotations

from flask_babel import gettext as _
from werkzeug.wrappers import Response

from tracker import db
from tracker.companies import corrections
from tracker.companies.forms import PaidForm
from tracker.companies.models import Company, ShareEntry
from tracker.companies.views import _to_company, bp, load_company
from tracker.display.formatting import day, number
from tracker.display.labels import label
from tracker.web.actions import submit
from tracker.web.corrections import ReasonForm, correctable, correction_page
from tracker.web.permissions import acting_user, requires


@bp.route("/companies/entries/<int:entry_id>/paid", methods=["GET", "POST"])
@requires(Company.can_manage)
def record_paid(entry_id: int) -> Response | tuple[str, int]:
    entry = correctable(db.session.get(ShareEntry, entry_id), ShareEntry.can_record_paid,
                        corrections.paid_refusal, acting_user(),
                        lambda entry: _to_company(entry.company), keep_input=False)
    form = PaidForm()
    back = _to_company(entry.company)
    facts = [(_("Company"), entry.company.name), (_("Date"), day(entry.on_date)),
             (_("To"), entry.to_holder.shown_name), (_("Shares"), number(entry.shares)),
             (_("Paid with"), label(entry.acquired_by))]
    return submit(form, lambda: corrections.record_paid(acting_user(), entry, form.paid.data,
                                                        form.reason.data),
                  _("What was paid is recorded: these shares count in HQ's cost."), back,
                  lambda: correction_page(
                      form, back, _("Record what was paid for an issue"), facts,
                      _("This issue was recorded before what was paid for shares was asked. "
                        "Recorded now, once, with why, it counts in HQ's cost and multiple; "
                        "the entry and its history show it."), _("Record what was paid")))


@bp.route("/companies/<int:company_id>/founders/void", methods=["GET", "POST"])
@requires(Company.can_manage)
def void_founders(company_id: int) -> Response | tuple[str, int]:
    company = correctable(load_company(company_id), Company.can_void_founders,
                          corrections.founders_void_refusal, acting_user(), _to_company,
                          keep_input=False)  # who may void it, before its state
    form, table = ReasonForm(), company.founders_table()  # what the voiding reverses
    facts = [(_("Company"), company.name), (_("Incorporated on"), day(table[0].on_date)),
             *[(e.to_holder.shown_name, number(e.shares)) for e in table]]
    return submit(form, lambda: corrections.void_founders(acting_user(), company,
                                                          form.reason.data or ""),
                  _("The founders' table is voided: record it again."), _to_company(company),
                  lambda: correction_page(
                      form, _to_company(company), _("Void the founders' table"), facts,
                      _("Each line is reversed on its own date, so the table never counted; "
                        "it stays in the ledger, marked void, and the cap table at "
                        "incorporation can be recorded again."), _("Void the table")))

"""Forms of the achievement and IP register. They check input; the rules are the services'."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import (
    FieldList,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from tracker.achievements.deal_models import ReceiptFor, RoyaltyBase, TransferKind
from tracker.achievements.models import (
    FIELDS_OF_KIND,
    KIND_FIELDS,
    KNOW_HOW_STATUS_LABELS,
    STATUSES_OF_KIND,
    Jurisdiction,
    PatentType,
    RightKind,
    RightStatus,
)
from tracker.display.formatting import day
from tracker.display.labels import label
from tracker.web.fields import (
    DateField,
    NumberField,
    Range,
    WholeNumberField,
    amount_field,
    row_id,
)
from tracker.web.forms import Form, OneTime, SeenVersion

CONTRIBUTOR_ROWS = 8  # the rows of a new achievement's form
MORE_ROWS = 4  # added by its "More rows" button, which saves nothing


def _choices(values, empty=None) -> list[tuple]:
    first = [("", empty)] if empty is not None else []
    return first + [(v.value, label(v)) for v in values]


class ContributorRow(Form):
    user_id = SelectField(_l("User"), coerce=row_id, choices=[], default=0)
    name = StringField(_l("Or a person named"), validators=[Optional(), Length(max=100)])
    share_pct = NumberField(_l("Share (%)"), validators=[
        Optional(), Range(min=Decimal("0"), max=Decimal("100"))])

    @property
    def filled(self) -> bool:
        return bool(self.user_id.data) or bool((self.name.data or "").strip()) or \
            self.share_pct.data is not None


class AchievementForm(OneTime, SeenVersion, Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    # As many rows as were sent or recorded: none is ever dropped (a ninth contributor was,
    # silently, when the list stopped at 8); `rows` asks for at least so many.
    contributors = FieldList(FormField(ContributorRow), _l("Contributors"),
                             min_entries=CONTRIBUTOR_ROWS)

    def __init__(self, *args, users=(), rows: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self._choices = [(0, _l("Not a user"))] + [(u.id, u.name) for u in users]
        self.add_rows(rows - len(self.contributors))

    def add_rows(self, n: int) -> None:
        """`n` more empty rows, offering the same users."""
        for _i in range(max(n, 0)):
            self.contributors.append_entry()
        for row in self.contributors:
            row.form.user_id.choices = self._choices

    def numbered_rows(self) -> list[tuple[int, ContributorRow]]:
        """The filled rows with their place in the table (a problem is shown in its row)."""
        return [(i, row.form) for i, row in enumerate(self.contributors) if row.form.filled]


class MoveForm(OneTime, Form):
    project = StringField(_l("Code of the right project"),
                          validators=[DataRequired(), Length(max=40)],
                          description=_l("Such as JITRI-2026-0042: its project manager or an "
                                         "HQ admin keeps its register."))
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)],
                           description=_l("Why it was recorded against the wrong project: "
                                          "kept in the history of the achievement."))


class RightForm(OneTime, SeenVersion, Form):
    """A right's fields; `only_for` leaves those its kind (or kinds, while it is being changed)
    records, and the statuses it can have: know-how is offered no patent type, number or
    dates (the service refuses them)."""

    kind = SelectField(_l("Kind"), choices=[])
    patent_type = SelectField(_l("Patent type"), choices=[])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    number = StringField(_l("Application or registration number"),
                         validators=[Optional(), Length(max=50)],
                         description=_l("Such as CN202410123456.7 or 2024SR0123456: spaces "
                                        "and the office's prefix do not make it another."))
    jurisdiction = SelectField(_l("Jurisdiction"), choices=[], default=Jurisdiction.CN.value)
    status = SelectField(_l("Status"), choices=[])
    filed_on = DateField(_l("Filed on"), validators=[Optional()])
    granted_on = DateField(_l("Granted or registered on"), validators=[Optional()])
    attorney_costs = amount_field(_l("Attorney costs (CNY)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = _choices(RightKind)
        self.patent_type.choices = _choices(PatentType, _l("Choose"))
        self.jurisdiction.choices = _choices(Jurisdiction)
        self.status.choices = _choices(RightStatus)

    def only_for(self, kinds: set[RightKind], held: set[str] = frozenset()) -> RightForm:
        """Drop the fields none of `kinds` records, unless the right `held` a value in one
        (shown, to be emptied: the service refuses it), and the statuses none can have."""
        for name in KIND_FIELDS:
            if name not in held and not any(name in FIELDS_OF_KIND[k] for k in kinds):
                delattr(self, name)
        statuses = [s for s in RightStatus if any(s in STATUSES_OF_KIND[k] for k in kinds)]
        self.status.choices = [(s.value, KNOW_HOW_STATUS_LABELS[s] if kinds == {
            RightKind.KNOW_HOW} else label(s)) for s in statuses]
        return self


class AnnuityForm(OneTime, Form):
    year_no = WholeNumberField(_l("Patent year"), validators=[InputRequired(),
                                                              Range(min=1, max=30)])
    due_on = DateField(_l("Due on"), validators=[InputRequired()])
    fee = amount_field(_l("Fee (CNY)"))


class AnnuityEditForm(OneTime, Form):
    """An unpaid annuity's due date and fee, corrected."""

    due_on = DateField(_l("Due on"), validators=[InputRequired()])
    fee = amount_field(_l("Fee (CNY)"))


class AnnuityPaidForm(OneTime, Form):
    """The fee paid to the patent office (缴费), not money received."""

    paid_on = DateField(_l("Fee paid on"), validators=[InputRequired()])
    amount = amount_field(_l("Fee paid (CNY)"))
    late_fee_reason = StringField(
        _l("Surcharge for late payment"), validators=[Optional(), Length(max=500)],
        description=_l("Only when more than the fee was paid: why (paid late, with the "
                       "office's surcharge)."))


class TransferForm(OneTime, SeenVersion, Form):
    enterprise_id = SelectField(_l("Licensee or assignee"), coerce=int, choices=[], default=0)
    kind = SelectField(_l("Kind of deal"), choices=[])
    signed_on = DateField(_l("Signed on"), validators=[InputRequired()])
    ends_on = DateField(_l("Ends on"), validators=[Optional()],
                        description=_l("No royalty report is owed for a period after it."))
    upfront = amount_field(_l("Upfront payment (CNY)"), required=False)
    upfront_due_on = DateField(
        _l("Upfront payment due on"), validators=[Optional()],
        description=_l("The project manager is reminded once it is late and not received."))
    royalty_pct = NumberField(_l("Royalty rate (%)"), validators=[
        Optional(), Range(min=Decimal("0"), max=Decimal("100"))])
    royalty_base = SelectField(_l("Royalty base"), choices=[])
    minimum_royalty = amount_field(_l("Minimum royalty per period (CNY)"), required=False)
    reporting_months = SelectField(_l("Reporting period"), coerce=int, default=0, choices=[])
    report_days = WholeNumberField(_l("Report due, days after the period"), default=30,
                                   validators=[Optional(), Range(min=0, max=366)])
    payment_days = WholeNumberField(_l("Royalty due, days after the report"), default=30,
                                    validators=[Optional(), Range(min=0, max=366)])
    contributor_pct = NumberField(_l("Contributors' share of the net income (%)"),
                                  validators=[InputRequired(),
                                              Range(min=Decimal("0"), max=Decimal("100"))])
    override_reason = TextAreaField(
        _l("Reason for a share below the minimum"), validators=[Optional(), Length(max=2000)],
        description=_l("Only when the contributors' share is below the minimum of the "
                       "settings (article 45): the deal is refused without it."))
    ip_deal_id = SelectField(_l("The spin-off's record of this deal"), coerce=int, default=0,
                             choices=[], description=_l(
                                 "When the licensee is the project's company: its IP deal."))

    def __init__(self, *args, enterprises=(), ip_deals=(), minimum=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.enterprise_id.choices = [(0, _l("Choose"))] + [
            (e.id, e.name) for e in enterprises]
        self.kind.choices = _choices(TransferKind)
        self.royalty_base.choices = _choices(RoyaltyBase, _l("No royalty"))
        self.reporting_months.choices = [
            (0, _l("No royalty reports")), (1, _l("Monthly")), (3, _l("Quarterly")),
            (6, _l("Half-yearly")), (12, _l("Yearly"))]
        self.ip_deal_id.choices = [(0, _l("None"))] + [(d.id, d.name) for d in ip_deals]
        if minimum is not None:
            self.contributor_pct.description = _l(
                "At least %(minimum)s%% (article 45, a setting).", minimum=minimum)


class ReportForm(OneTime, Form):
    # The start of the period the page offered (`report_period`): a stale form is refused.
    period = HiddenField()
    received_on = DateField(_l("Report received on"), validators=[InputRequired()])
    base_amount = amount_field(_l("Base reported (CNY)"), description=_l(
        "The sales or profit the royalty is a percentage of."))


class IncomeForm(OneTime, Form):
    received_on = DateField(_l("Received on"), validators=[InputRequired()])
    amount = amount_field(_l("Amount received (CNY)"))
    costs = amount_field(_l("Costs deducted (CNY)"), required=False, description=_l(
        "Taxes, fees and costs of the transfer: the rest is the net income."))
    pays = SelectField(_l("It pays"), choices=[], validators=[DataRequired()],
                       description=_l("Only a receipt of the upfront payment counts towards "
                                      "it; a royalty is paid against its report."))
    report_id = SelectField(_l("For the report of"), coerce=int, default=0, choices=[],
                            description=_l("A royalty only: the report whose royalty it pays."))
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)])

    def __init__(self, *args, reports=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.pays.choices = _choices(ReceiptFor, _l("Choose"))
        self.report_id.choices = [(0, _l("None: not a royalty"))] + [
            (r.id, f"{day(r.period_start)} – {day(r.period_end)}") for r in reports]

"""Forms of the company pages. They check input; the rules of the domain are the services'."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from tracker.companies.deals import EquityLine
from tracker.companies.ip_models import IpDealKind
from tracker.companies.lines import IssueLine
from tracker.companies.models import Acquisition, ExitKind, HolderType
from tracker.display.labels import label
from tracker.web.corrections import reason_field
from tracker.web.fields import (
    DateField,
    MoneyField,
    MultiCheckboxField,
    NumberField,
    OfferedField,
    Range,
    WholeNumberField,
    amount_field,
    credit_code_field,
    row_id,
)
from tracker.web.forms import Form, OneTime, SeenVersion

HOLDING_ROWS = 8
INVESTOR_ROWS = 5
MAX_SHARES = Decimal("1e18")


def _choices(values) -> list[tuple]:
    return [(v, label(v)) for v in values]


def _shares(text, required: bool = True, description: str = "") -> WholeNumberField:
    first = InputRequired() if required else Optional()
    return WholeNumberField(text, kind=Decimal, description=description, validators=[
        first, Range(min=Decimal("0"), max=MAX_SHARES)])


def _paid(required: bool = False) -> MoneyField:
    """What an issue typed in was paid: optional, as the entries recorded before it was asked
    have none (a multiple over shares some of which carry no cost is not given); `required`
    where it is recorded afterwards for such an entry (`PaidForm`)."""
    return amount_field(_l("Paid for the shares (CNY)"), required=required, description=_l(
        "The cash paid, or the agreed value of the IP or asset contributed.") if required
        else _l("The cash paid, or the agreed value of the IP or asset contributed. Empty "
                "when not known: HQ's return multiple is then not given."))


class CompanyForm(OneTime, SeenVersion, Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    uscc = credit_code_field(_l("18 characters, as on the business licence; empty until "
                                "the company is registered."))
    registered_on = DateField(_l("Registration date"), validators=[Optional()], past=True)
    registered_capital = amount_field(_l("Registered capital (CNY)"), required=False)
    legal_representative = StringField(_l("Legal representative"),
                                       validators=[Optional(), Length(max=100)])
    project_ids = SelectMultipleField(_l("Projects it comes from"), coerce=int, choices=[])

    no_choice = {"project_ids": _l("No project has reached the investment decision: a company "
                                   "is recorded only for a project at or past it.")}

    def __init__(self, *args, projects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.project_ids.choices = [(p.id, p.name) for p in projects]


class HoldingRow(Form):
    # Rows left empty may come without their selects: the defaults keep them valid.
    name = OfferedField(_l("Holder"), validators=[Optional(), Length(max=200)])
    kind = SelectField(_l("Holder type"), choices=[], coerce=HolderType,
                       default=HolderType.TEAM)
    shares = _shares(_l("Shares"), required=False)
    acquired_by = SelectField(_l("Paid with"), choices=[], coerce=Acquisition,
                              default=Acquisition.CASH)
    paid = _paid()
    technology = StringField(_l("Technology (for IP)"), validators=[Optional(), Length(max=200)])
    lock_up_until = DateField(_l("Locked up until"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = _choices(HolderType)
        self.acquired_by.choices = _choices([Acquisition.CASH, Acquisition.IP])

    @property
    def filled(self) -> bool:
        return bool((self.name.data or "").strip()) or self.shares.data is not None

    def line(self, row: int) -> IssueLine:
        return IssueLine(name=self.name.data or "", kind=self.kind.data,
                         shares=self.shares.data or Decimal("0"),
                         acquired_by=self.acquired_by.data, paid=self.paid.data,
                         technology=self.technology.data or "",
                         lock_up_until=self.lock_up_until.data, row=row)


class IncorporationForm(OneTime, Form):
    on_date = DateField(_l("Incorporated on"), validators=[InputRequired()])
    total_shares = _shares(_l("Shares issued in total"))
    holdings = FieldList(FormField(HoldingRow), min_entries=HOLDING_ROWS,
                         max_entries=HOLDING_ROWS)

    def filled_rows(self) -> list[HoldingRow]:
        return [row.form for row in self.holdings if row.form.filled]

    def numbered_rows(self) -> list[tuple[int, HoldingRow]]:
        """The filled rows with their place in the table (a problem is shown in its row)."""
        return [(i, row.form) for i, row in enumerate(self.holdings) if row.form.filled]


class IssueForm(OneTime, Form):
    name = OfferedField(_l("Holder"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Holder type"), choices=[], coerce=HolderType)
    shares = _shares(_l("Shares"))
    acquired_by = SelectField(_l("Paid with"), choices=[], coerce=Acquisition)
    paid = _paid()
    technology = StringField(_l("Technology (for IP)"), validators=[Optional(), Length(max=200)])
    lock_up_until = DateField(_l("Locked up until"), validators=[Optional()])
    on_date = DateField(_l("Issued on"), validators=[InputRequired()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = _choices(HolderType)
        self.acquired_by.choices = _choices([Acquisition.CASH, Acquisition.IP])

    def line(self) -> IssueLine:
        return IssueLine(name=self.name.data, kind=self.kind.data, shares=self.shares.data,
                         acquired_by=self.acquired_by.data, paid=self.paid.data,
                         technology=self.technology.data or "",
                         lock_up_until=self.lock_up_until.data)


class TransferForm(OneTime, Form):
    from_holder_id = SelectField(_l("From"), coerce=int, choices=[])
    name = OfferedField(_l("To"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Holder type"), choices=[], coerce=HolderType)
    shares = _shares(_l("Shares"))
    on_date = DateField(_l("Transferred on"), validators=[InputRequired()])
    lock_up_until = DateField(_l("Locked up until"), validators=[Optional()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])

    no_choice = {"from_holder_id": _l("Nobody holds shares to transfer.")}

    def __init__(self, *args, holders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.from_holder_id.choices = [(h.id, h.shown_name) for h in holders]
        self.kind.choices = _choices(HolderType)


class InvestorRow(Form):
    name = OfferedField(_l("Investor"), validators=[Optional(), Length(max=200)])
    kind = SelectField(_l("Holder type"), choices=[], coerce=HolderType,
                       default=HolderType.INVESTOR)
    amount = amount_field(_l("Amount (CNY)"), required=False)
    lead = BooleanField(_l("Lead"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = [HolderType.INVESTOR, *[k for k in HolderType if k is not HolderType.INVESTOR]]
        self.kind.choices = _choices(kinds)

    @property
    def filled(self) -> bool:
        return bool((self.name.data or "").strip()) or self.amount.data is not None


class RoundForm(OneTime, Form):
    name = StringField(_l("Round"), validators=[DataRequired(), Length(max=100)],
                       description=_l("Angel, A, B+ ..."))
    on_date = DateField(_l("Closed on"), validators=[InputRequired()])
    pre_money = amount_field(_l("Pre-money valuation (CNY)"))
    amount = amount_field(_l("Amount raised (CNY)"))
    investors = FieldList(FormField(InvestorRow), min_entries=INVESTOR_ROWS,
                          max_entries=INVESTOR_ROWS)

    def filled_rows(self) -> list[InvestorRow]:
        return [row.form for row in self.investors if row.form.filled]

    def numbered_rows(self) -> list[tuple[int, InvestorRow]]:
        """The filled rows with their place in the table (a problem is shown in its row)."""
        return [(i, row.form) for i, row in enumerate(self.investors) if row.form.filled]


EQUITY_HELP = _l("Shares the company issues for the IP (a contribution for equity), on its "
                 "cap table on the signing date, paid with the IP. None: a deal for money "
                 "only.")
ARTICLE_45_HELP = _l("Article 45: the contributors of a technology get at least half of the "
                     "equity it earns (the settings' minimum); less is warned of before it is "
                     "recorded.")


def _holder(text) -> OfferedField:
    return OfferedField(text, validators=[Optional(), Length(max=200)])


class IpDealForm(OneTime, Form):
    achievement_id = SelectField(_l("Achievement"), coerce=row_id, choices=[],
                                 description=_l("From the register: an achievement of the "
                                                "company's projects or of their institutes."))
    right_ids = MultiCheckboxField(_l("Its rights the deal names"), coerce=row_id, choices=[],
                                   description=_l("None: the achievement as a whole."))
    kind = SelectField(_l("Kind"), choices=[], coerce=IpDealKind)
    licensee = StringField(_l("Licensee or assignee"),
                           validators=[DataRequired(), Length(max=200)])
    exclusive = BooleanField(_l("Exclusive"))
    field_of_use = StringField(_l("Field of use"), validators=[Optional(), Length(max=200)])
    upfront = amount_field(_l("Upfront payment (CNY)"), required=False)
    royalty_pct = NumberField(_l("Royalty rate (%)"), validators=[
        Optional(), Range(min=Decimal("0"), max=Decimal("100"))])
    signed_on = DateField(_l("Signed on"), validators=[InputRequired()])
    # The shares it gives for the IP (作价入股), each to a holder named (`EquityLine`).
    institute_shares = _shares(_l("Shares given to the institute"), required=False,
                               description=EQUITY_HELP)
    institute_holder = _holder(_l("The institute as a holder"))
    team_shares = _shares(_l("Shares given to the contributors"), required=False,
                          description=ARTICLE_45_HELP)
    team_holder = _holder(_l("The contributors as a holder (R&D team)"))

    def __init__(self, *args, achievements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.achievement_id.choices = [(a.id, f"{a.project.code} · {a.title}")
                                       for a in achievements]
        self.right_ids.choices = [(r.id, f"{a.title} · {r.name}") for a in achievements
                                  for r in a.standing_rights]
        self.kind.choices = _choices(IpDealKind)

    def terms(self) -> dict:
        """The deal as `deals.record_ip_deal` takes it, with the shares for the IP."""
        return {**self.deal_terms(), "equity": [
            EquityLine(of, getattr(self, f"{of}_holder").data or "",
                       getattr(self, f"{of}_shares").data) for of in ("institute", "team")]}

    def deal_terms(self) -> dict:
        """The deal's own terms, recorded or corrected."""
        return {"achievement_id": self.achievement_id.data, "right_ids": self.right_ids.data or [],
                "kind": self.kind.data, "licensee": self.licensee.data or "",
                "exclusive": self.exclusive.data, "field_of_use": self.field_of_use.data or "",
                "upfront": self.upfront.data, "royalty_pct": self.royalty_pct.data,
                "signed_on": self.signed_on.data}


class IpDealCorrectionForm(SeenVersion, IpDealForm):
    """A deal recorded wrong, corrected: filled from it, with the reason. Shares it issued on
    the ledger are reversed there (`deals.save_ip_deal` keeps them); the number a deal typed
    before F44 gave, off the ledger, is corrected here."""

    institute_shares = institute_holder = team_shares = team_holder = None
    equity_shares = _shares(_l("Shares given for it"), required=False)
    reason = reason_field()

    def __init__(self, *args, deal=None, **kwargs):
        super().__init__(*args, **kwargs)
        if deal is not None and not self.is_submitted():
            self.right_ids.data = [r.id for r in deal.rights]

    def terms(self) -> dict:
        return {**self.deal_terms(), "equity_shares": self.equity_shares.data,
                "reason": self.reason.data or ""}


class ExitForm(OneTime, Form):
    kind = SelectField(_l("Exit"), choices=[], coerce=ExitKind)
    on_date = DateField(_l("Dated"), validators=[InputRequired()])
    proceeds = amount_field(_l("Proceeds (CNY)"))
    accelerate = BooleanField(_l("Unvested incentive options vest in full at the exit"),
                              description=_l("Otherwise they lapse at the exit. Either way no "
                                             "option is exercised after it."))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = _choices(ExitKind)


class PaidForm(OneTime, Form):
    """What was paid for an issue recorded without it (before migration 0097), with why it is
    recorded now (`corrections.record_paid`)."""

    paid = _paid(required=True)
    reason = reason_field()

"""Forms of the contract pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, FileField, FormField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from tracker.contracts.models import ContractType
from tracker.display.labels import label
from tracker.money import CENT
from tracker.names import typed_code
from tracker.web.corrections import reason_field
from tracker.web.fields import DateField, RowList, amount_field, row_id
from tracker.web.forms import Form, OneTime, SeenVersion

INSTALMENT_ROWS = 6


class InstalmentRow(Form):
    due_date = DateField(_l("Due date"), validators=[Optional()])
    amount = amount_field(_l("Amount (CNY)"), required=False, least=CENT)


class TermsForm(OneTime, SeenVersion, Form):
    """A contract's own terms: recorded with its schedule (`ContractForm`), corrected alone."""

    number = StringField(_l("Contract number"), validators=[Length(max=60)],
                         filters=[typed_code],
                         description=_l("As written on the contract; unique in the institute."))
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    enterprise_id = SelectField(_l("Counterparty enterprise"), coerce=row_id, choices=[])
    type = SelectField(_l("Type"), choices=[], coerce=ContractType)
    amount = amount_field(_l("Amount (CNY)"), least=CENT)
    signed_on = DateField(_l("Signed on"), validators=[InputRequired()])

    no_choice = {"enterprise_id": _l("No enterprise is recorded yet: a contract's counterparty "
                                     "is one of them (Enterprises).")}

    def __init__(self, *args, enterprises=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.enterprise_id.choices = [(e.id, e.name) for e in enterprises]
        self.type.choices = [(t, label(t)) for t in ContractType]

    def terms(self) -> dict:
        """The terms as the services take them."""
        return {"enterprise_id": self.enterprise_id.data, "title": self.title.data or "",
                "number": self.number.data, "type": self.type.data,
                "amount": self.amount.data, "signed_on": self.signed_on.data}


class TermsCorrectionForm(TermsForm):
    """The terms of a recorded contract corrected, with the reason (`corrections.save_contract`)."""

    reason = reason_field()

    def terms(self) -> dict:
        return {**super().terms(), "reason": self.reason.data or ""}


class ContractForm(TermsForm):
    instalments = RowList(FormField(InstalmentRow), min_entries=INSTALMENT_ROWS,
                          max_entries=INSTALMENT_ROWS)

    def schedule(self) -> list:
        return [(row.due_date.data, row.amount.data) for row in self.instalments
                if row.due_date.data is not None and row.amount.data is not None]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for row in self.instalments:
            if (row.due_date.data is None) != (row.amount.data is None) and not (
                    row.due_date.errors or row.amount.errors):
                row.amount.errors = [*row.amount.errors,
                                     _l("Give both the due date and the amount.")]
                valid = False
        return valid


class InstalmentForm(OneTime, SeenVersion, Form):
    """One instalment added to a recorded contract's schedule, or corrected: a correction of
    the schedule, with its reason."""

    due_date = DateField(_l("Due date"), validators=[InputRequired()])
    amount = amount_field(_l("Amount (CNY)"), least=CENT)
    reason = reason_field()


class PaymentForm(OneTime, Form):
    received_on = DateField(_l("Received on"), validators=[InputRequired()])
    amount = amount_field(_l("Amount received (CNY)"), least=CENT)


class RegistrationForm(OneTime, SeenVersion, Form):
    number = StringField(_l("Registration number"),
                         validators=[DataRequired(), Length(max=60)],
                         description=_l("As printed on the registration certificate."))
    registered_on = DateField(_l("Date of registration"), validators=[InputRequired()])
    value = amount_field(_l("Technology transaction value (CNY)"), least=CENT,
                   description=_l("As the office approved it: the part of the contract's "
                                      "amount that is technology; it may be less than the "
                                      "amount."))
    certificate = FileField(_l("Registration certificate (optional)"),
                            description=_l("PDF, PNG or JPG. A certificate already kept stays "
                                           "unless you send another."))

    def upload(self):
        """The certificate as (stream, name), or None when no file was sent."""
        data = self.certificate.data
        return (data.stream, data.filename) if data and getattr(data, "filename", "") else None

    def correction_reason(self) -> str:
        return ""

    def takes_off(self) -> bool:
        return False


class RegistrationCorrectionForm(RegistrationForm):
    """A registration recorded already, corrected: with the reason, which the service asks
    for by the contract's state when it saves (`register_contract`), not the form: a first
    registration's form sent from a tab opened before another registered it is refused as
    stale, and sent again after it was saved it says so (`tracker.web.actions.submit`), never
    "Reason: required" for a reason it was never shown."""

    remove_certificate = BooleanField(
        _l("Take the certificate off the registration"),
        description=_l("It was not this registration's certificate: the registration shows "
                       "none (or the new one), and the file stays in its history."))
    reason = reason_field(required=False)

    def __init__(self, *args, contract=None, **kwargs):
        super().__init__(*args, **kwargs)
        if contract is None or contract.certificate_id is None:  # nothing to take off
            del self.remove_certificate

    def correction_reason(self) -> str:
        return self.reason.data or ""

    def takes_off(self) -> bool:
        return "remove_certificate" in self and bool(self.remove_certificate.data)

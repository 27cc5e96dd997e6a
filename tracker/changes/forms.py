"""The forms of change control: one per kind of change, and HQ's decision."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from tracker.web.fields import DateField, amount_field
from tracker.web.forms import Form, OneTime, SeenVersion


class _Change(OneTime, Form):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=5000)])


# The "to" choice of a move into a line that does not exist yet, named in `new_line`.
NEW_LINE = 0


class MoveForm(_Change):
    from_line_id = SelectField(_l("From the line"), coerce=int, choices=[])
    to_line_id = SelectField(_l("To the line"), coerce=int, choices=[])
    new_line = StringField(_l("Name of the new line"), validators=[Optional(), Length(max=100)],
                           description=_l("When the money goes to a new line: it is created "
                                          "when the move takes effect."))
    amount = amount_field(_l("Amount (CNY)"))

    no_choice = {"from_line_id": _l("The project has no budget line to move money from.")}

    def __init__(self, *args, lines=(), cap=None, **kwargs):
        """`cap`: for a budget by a template, its cap on indirect costs in words; its lines
        are its categories (no new line)."""
        super().__init__(*args, **kwargs)
        self.from_line_id.choices = [(b.id, b.name) for b in lines]
        self.to_line_id.choices = list(self.from_line_id.choices)
        if cap is None:
            self.to_line_id.choices.append((NEW_LINE, _l("A new line (named below)")))
        else:
            self.new_line.render_kw = {"disabled": True}
            self.new_line.description = _l("The budget follows a template: its lines are its "
                                           "categories.")
            self.amount.description = cap

    @property
    def target(self) -> int | None:
        """The line the money goes to, None for a new one."""
        return None if self.to_line_id.data == NEW_LINE else self.to_line_id.data


class TotalForm(_Change):
    budget_total = amount_field(_l("New budget total (CNY)"))


class PersonForm(_Change):
    """A member to add or remove, or the PM to hand the project to."""

    user_id = SelectField(_l("Person"), coerce=int, choices=[])

    def __init__(self, *args, people=(), label=None, nobody=None, **kwargs):
        """`nobody`: why nobody may be chosen, said instead of the form when nobody may."""
        super().__init__(*args, **kwargs)
        self.user_id.choices = [(p.id, p.name) for p in people]
        self.no_choice = {"user_id": nobody or _l("Nobody can be chosen.")}
        if label is not None:
            self.user_id.label.text = label


class RouteForm(_Change):
    technical_route = TextAreaField(_l("New technical route"),
                                    validators=[DataRequired(), Length(max=10000)])


class EndDateForm(_Change):
    end_date = DateField(_l("New end date"), validators=[InputRequired()])


class DecideForm(OneTime, SeenVersion, Form):
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=5000)],
                           description=_l("Required to refuse."))

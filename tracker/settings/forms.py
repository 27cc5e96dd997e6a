"""The settings page's form: one number per setting of the catalogue, bounded as it says."""

from __future__ import annotations

from decimal import Decimal

from wtforms.validators import InputRequired

from tracker.display import history
from tracker.settings.catalogue import CATALOGUE
from tracker.web.fields import NumberField, Range, WholeNumberField
from tracker.web.forms import Form, OneTime, SeenVersion


class SettingsForm(SeenVersion, OneTime, Form):
    """A field per setting (added below), named by its key: whole numbers for counts of days,
    decimals (two places) for percentages."""

    def meanwhile_lines(self) -> list[dict]:
        """Each setting saved meanwhile by its label, with its value then."""
        return [{"at": line.at, "actor": line.actor, "action": line.action,
                 "fields": [(line.name, change.after) for change in line.changes]}
                for line in history.describe(self.meanwhile)]


for _key, _definition in CATALOGUE.items():
    setattr(SettingsForm, _key, (WholeNumberField if _definition.kind is int else NumberField)(
        _definition.label, validators=[
            InputRequired(),
            *([Range(_definition.minimum, message=_definition.minimum_why)]
              if _definition.minimum_why is not None else []),
            Range(_definition.minimum, _definition.maximum)]))


def settings_form(values: dict[str, Decimal | int], formdata=None) -> SettingsForm:
    """The form filled with the settings' values, or with what was sent."""
    return SettingsForm(formdata=formdata, data=None if formdata else values)

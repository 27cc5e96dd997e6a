"""The settings page's form: one number per setting of the catalogue, bounded as it says."""

from __future__ import annotations

from decimal import Decimal

from wtforms import IntegerField
from wtforms.validators import InputRequired

from tracker.display import history
from tracker.settings.catalogue import CATALOGUE
from tracker.web.fields import NumberField, Range
from tracker.web.forms import Form, SeenVersion


def settings_form(values: dict[str, Decimal | int], formdata=None) -> Form:
    """A field per setting, named by its key: whole numbers for counts of days, decimals (two
    places) for percentages."""

    class SettingsForm(SeenVersion, Form):
        def meanwhile_lines(self) -> list[dict]:
            """Each setting saved meanwhile by its label, with its value then."""
            return [{"at": line.at, "actor": line.actor, "action": line.action,
                     "fields": [(line.name, change.after) for change in line.changes]}
                    for line in history.describe(self.meanwhile)]

    for key, definition in CATALOGUE.items():
        field = IntegerField if definition.kind is int else NumberField
        floor = ([Range(definition.minimum, message=definition.minimum_why)]
                 if definition.minimum_why is not None else [])
        setattr(SettingsForm, key, field(definition.label, validators=[
            InputRequired(), *floor, Range(definition.minimum, definition.maximum)]))
    return SettingsForm(formdata=formdata, data=None if formdata else values)

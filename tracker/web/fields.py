"""Form fields the domain needs and WTForms lacks."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import DateField as WTDateField
from wtforms import DecimalField, FieldList, IntegerField, SelectMultipleField, StringField
from wtforms.form import BaseForm
from wtforms.utils import unset_value
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from tracker import dates
from tracker.display.formatting import money, not_a_date, number, year
from tracker.numbers import amount_text, number_text
from tracker.organisations import uscc

# A day as `strptime("%Y-%m-%d")` reads it and `date.fromisoformat` too (DateField).
ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

# The largest amount a form accepts: fifteen significant digits stay exact in SQLite too.
MAX_AMOUNT = Decimal("999999999999.99")


def row_id(value) -> int:
    """A select's choice of a row by id (coerce=row_id): a number past the database's integer
    names no row (-1), instead of reaching the database and failing there (a 500 on SQLite)."""
    number = int(value)
    return number if -1 < number < 2**31 else -1


class NumberText(TextInput):
    """Every number field's input: a text input, not `type=number`, which keeps what was typed
    from the server: Chromium drops the keys it does not take (62,5 was saved as 625, 1,5 as
    15, −5 as 5, without a word) and, by the HTML standard, a browser that keeps text it cannot
    read as a number sends the field empty. The server reads a number as people write it
    (`ungrouped`), says what is wrong with the others, and checks the bounds (`Range`). A
    phone offers a keypad by `inputmode` (GOV.UK's text input guidance): digits for a whole
    number, digits and a point for a decimal, neither for a field that takes a negative number
    (the keypads have no minus sign)."""

    def __call__(self, field, **kwargs):
        if field.flags.min is not None and field.flags.min >= 0:
            kwargs.setdefault("inputmode", "numeric" if getattr(field, "places", 0) == 0
                              else "decimal")
        kwargs.setdefault("spellcheck", "false")
        return super().__call__(field, **kwargs)


class NumberField(DecimalField):
    """A plain number such as 3 or 62.5, with at most `places` decimals (default two): what a
    Numeric column of that scale stores without rounding. NaN and Infinity, which Decimal
    parses, are refused here rather than failing a comparison later."""

    widget = NumberText()
    not_a_number = _l("Enter a number such as 3 or 62.5.")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("places", 2)
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or not valuelist[0].strip():
            return
        try:
            value = Decimal(self._typed(valuelist[0].strip()))
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            raise ValueError(self.not_a_number)
        if value.as_tuple().exponent < -self.places:
            raise ValueError(self._too_precise())
        self._check(value)
        self.data = value

    def _typed(self, text: str) -> str:
        """The number as Decimal reads it: a typographic minus sign as a hyphen, without its
        thousands separators (`ungrouped`)."""
        return number_text(text)

    def _too_precise(self) -> str:
        if self.places == 0:
            return _l("Must be a whole number.")
        return _l("At most %(n)d decimal places.", n=self.places)

    def _check(self, value: Decimal) -> None:
        """What else the value must be (a subclass's bound); ValueError when it is not."""


class WholeNumberField(NumberField):
    """A whole number (a percentage, months, days, a score, a TRL, a count of shares): read as
    every number field reads one (`ungrouped`: 1,000 is a thousand, 1,5 is refused saying how
    to write it), and refused when it is not whole (62.5). Every form's whole number is one
    (tests/test_whole_numbers.py); a year is a `YearField`. Its data is an int, or a Decimal
    for a quantity that is a Numeric column and is divided by others (shares: int / int would
    be a float)."""

    not_a_number = _l("Must be a whole number.")

    def __init__(self, *args, kind: type = int, **kwargs):
        super().__init__(*args, places=0, **kwargs)
        self.kind = kind

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None:
            self.data = self.kind(self.data)

    def _value(self) -> str:
        if self.raw_data or not isinstance(self.data, int):
            return super()._value()
        return str(self.data)  # DecimalField writes it through a float: 10**18 loses digits


class MoneyField(NumberField):
    """An amount in CNY: accepts `1,234,567.89` and `1234567.89` (grouped as any number,
    `ungrouped`), at most two decimals."""

    not_a_number = _l("Enter an amount such as 1234567.89.")

    def _typed(self, text: str) -> str:
        return amount_text(text)

    def _too_precise(self) -> str:
        return _l("At most two decimal places (fen).")

    def _check(self, value: Decimal) -> None:
        if abs(value) > MAX_AMOUNT:
            raise ValueError(gettext("The amount is too large: at most %(max)s.",
                                     max=money(MAX_AMOUNT)))


def amount_field(label, *, required: bool = True, least: Decimal = Decimal("0"),
           validators: list | tuple = (), **kwargs) -> MoneyField:
    """Every form's amount of money, the one rule of its bounds: required or not; at least 0,
    or `least` (CENT for a payment, an instalment, a pool: something paid); at most
    MAX_AMOUNT. No form takes a negative amount: a payment, a value, a price, a fee or a
    budget is never below zero, and money recorded wrong is not typed negative to correct it:
    a reversing entry the service writes negates it (`tracker.reversals`), or the record is
    corrected to its right amount. So every amount's keypad has the point and no minus sign
    (`NumberText`: inputmode=decimal)."""
    return MoneyField(label, validators=[InputRequired() if required else Optional(),
                                         Range(min=least, max=MAX_AMOUNT), *validators],
                      **kwargs)


def credit_code_field(description) -> StringField:
    """A unified social credit code's field, on every form that asks for one: read as
    `uscc.normalise` reads it (typed in groups, in lower case, pasted with spaces: its 18
    characters have one reading), as the import reads its cells, before its length is checked."""
    return StringField(_l("Unified social credit code"), validators=[Optional(), Length(max=18)],
                       filters=[lambda text: uscc.normalise(text) if text else text],
                       description=description)


class DateField(WTDateField):
    """A date within the range of business dates (`tracker.dates`): every form's date field.
    `earliest` reaches further back for founding dates; `past` refuses a day after today, for
    the date of something that has happened (the column says `info={dates.PAST: True}`)."""

    def __init__(self, *args, earliest: date = dates.EARLIEST, past: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.earliest = earliest
        self.past = past
        # The browser's picker offers the range this field accepts, from the same bounds.
        self.flags.min = earliest.isoformat()
        self.flags.max = (lambda: dates.today().isoformat()) if past else dates.LATEST.isoformat()

    def process_formdata(self, valuelist):
        try:
            if not self._iso_day(valuelist):
                super().process_formdata(valuelist)
        except ValueError:
            if not " ".join(valuelist or ()).strip():
                raise  # nothing given: the field's validators say what they require
            raise ValueError(not_a_date(" ".join(valuelist))) from None
        if self.data is not None:
            reason = dates.out_of_range(self.data, self.earliest) or (
                dates.in_future(self.data) if self.past else None)
            if reason:
                self.data = None
                raise ValueError(reason)

    def _iso_day(self, valuelist) -> bool:
        """A day given as YYYY-MM-DD, read without `strptime` (which cost more than the rest
        of the field: an import reads one a cell): what `strptime` makes of it, or False to
        let it read the input."""
        if (self.strptime_format != ["%Y-%m-%d"] or not valuelist or len(valuelist) > 1
                or not ISO_DAY.fullmatch(valuelist[0])):
            return False
        try:
            self.data = date.fromisoformat(valuelist[0])
        except ValueError:
            return False
        return True


class YearField(IntegerField):
    """A year (a recognition's, a report's): within the years of business dates unless told
    otherwise, and said as a year in its message ("from 1991 to 2100", never "1,991"). Every
    form's year is one (tests/test_years.py); Range is for amounts. Unlike a `WholeNumberField`
    it reads digits alone: nobody groups a year's (2,024), and one so typed is told which
    years the field takes, as one outside them is (its input a `NumberText`: a browser's
    number input would send it empty)."""

    widget = NumberText()

    def __init__(self, *args, earliest: int = dates.EARLIEST.year,
                 latest: int = dates.LATEST.year, **kwargs):
        super().__init__(*args, **kwargs)
        self.earliest, self.latest = earliest, latest
        self.flags.min, self.flags.max = earliest, latest  # its keypad: digits (NumberText)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(self._years()) from None

    def pre_validate(self, form):
        if self.data is not None and not self.earliest <= self.data <= self.latest:
            raise ValidationError(self._years())

    def _years(self) -> str:
        return gettext("Enter a year from %(earliest)s to %(latest)s.",
                       earliest=year(self.earliest), latest=year(self.latest))


def year_input(name: str, value: int | None, **attrs) -> Markup:
    """A list's year filter (`?year=`, read by `navigation.year_arg`), drawn by a `YearField`
    as every form's year is: a text input with a keypad of digits. A browser's number input
    dropped the keys it did not take or sent what it could not read empty, and the list went
    unfiltered without a word; now the server reads what was typed and says what is wrong."""
    form = BaseForm([(name, YearField())])
    form.process(data={name: value or None})
    return form[name](**attrs)


class Range(NumberRange):
    """WTForms' NumberRange saying which bound was crossed, with the bound written as the pages
    write numbers (an amount's as money: "At least ¥0.01."): "At least 0.01.", not "Number must
    be between 0.01 and 1E+15." Every form
    uses this one (tests/test_views_shape.py)."""

    def __call__(self, form, field):
        data = field.data
        finite = data is not None and not (isinstance(data, Decimal) and not data.is_finite())
        below = finite and self.min is not None and data < self.min
        above = finite and self.max is not None and data > self.max
        if finite and not below and not above:
            return
        if self.message is not None:
            raise ValidationError(self.message)
        shown = money if isinstance(field, MoneyField) else number  # an amount as the pages
        if below or self.max is None:
            raise ValidationError(gettext("At least %(min)s.", min=shown(self.min)))
        if above or self.min is None:
            raise ValidationError(gettext("At most %(max)s.", max=shown(self.max)))
        raise ValidationError(gettext("A number from %(min)s to %(max)s.", min=shown(self.min),
                                      max=shown(self.max)))


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes (shown as a fieldset: templates/macros/forms.html)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class _OfferedInput(TextInput):
    """A text input with the names its field offers in a datalist: one is chosen as it is
    typed, and any other can be typed."""

    def __call__(self, field, **kwargs):
        if not field.offered:
            return super().__call__(field, **kwargs)
        kwargs.setdefault("list", f"{field.id}-offered")
        options = "".join(f'<option value="{escape(name)}">' for name in field.offered)
        return Markup(f'{super().__call__(field, **kwargs)}'
                      f'<datalist id="{field.id}-offered">{options}</datalist>')


class OfferedField(StringField):
    """Free text that offers names the app knows (`offer`): a shareholder, typed or chosen."""

    widget = _OfferedInput()
    offered: tuple[str, ...] = ()


def offer(form, names: Callable[[], list[str]]) -> None:
    """Offer `names()` in every `OfferedField` of `form`, its rows' included; asked for once,
    and only by a form that has such a field."""
    asked = cache(names)
    for field in form:
        if isinstance(field, OfferedField):
            field.offered = tuple(asked())
        for entry in field.entries if hasattr(field, "entries") else ():
            if hasattr(entry, "form"):
                offer(entry.form, asked)


class RowList(FieldList):
    """A list of rows (`FieldList` of `FormField`s) whose rows are kept when its form is
    filled again (`form.process(formdata=...)`: the import's batches fill one form for every
    row of a file, `tracker.imports.bulk.Batch.refilled`): each row's form is filled again
    instead of being made anew, which cost more than the rest of the form. What it holds is
    what `FieldList.process` makes of the same input; input it would renumber (rows
    missing between others), given data, or rows with a default go the `FieldList` way."""

    def process(self, formdata, data=unset_value, extra_filters=None):
        rows = getattr(self, "entries", None)
        if not rows or not formdata or extra_filters or (data is not unset_value and data):
            return super().process(formdata, data, extra_filters)
        indices = sorted(set(self._extract_indices(self.name, formdata)))
        if self.max_entries:
            indices = indices[: self.max_entries]
        if indices != list(range(len(indices))) or any(row.default is not None for row in rows):
            return super().process(formdata, data, extra_filters)
        try:
            data = self.default()
        except TypeError:
            data = self.default
        self.object_data = data
        count = max(len(indices), self.min_entries)
        self.entries = rows[:count]
        for row in self.entries:  # as FormField.process fills a new one: no data, no object
            row.object_data = row._obj = None
            row.form.process(formdata)
        self.last_index = len(self.entries) - 1
        while len(self.entries) < count:
            self._add_entry(formdata)
        return None

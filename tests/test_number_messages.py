"""A number out of range is told which bound it crossed, written as the pages write numbers
(found: "Number must be between 0.01 and 1E+15" on the spending, change and funding forms)."""

from __future__ import annotations

import ast
from decimal import Decimal

import pytest
from flask_babel import force_locale
from wtforms import DecimalField, IntegerField

from tests.source import TRACKER, modules, nodes
from tracker.web.fields import Range
from tracker.web.forms import Form

pytestmark = pytest.mark.no_db  # reads the forms and the catalogue only: run once (pyproject.toml)

ROOT = TRACKER


class _Amounts(Form):
    amount = DecimalField(validators=[Range(min=Decimal("0.01"), max=Decimal("1e15"))])
    level = IntegerField(validators=[Range(1, 9)])


@pytest.mark.parametrize(("locale", "amount", "level", "expected"), [
    ("en", "-3", "12", ("At least 0.01.", "At most 9.")),
    ("en", "2000000000000000", "0", ("At most 1,000,000,000,000,000.", "At least 1.")),
    ("zh_CN", "-3", "12", ("不少于 0.01。", "不超过 9。")),
])
def test_the_message_names_the_bound_crossed_in_the_readers_words(app, locale, amount, level,
                                                                  expected):
    with app.test_request_context(method="POST", data={"amount": amount, "level": level}), \
            force_locale(locale):
        form = _Amounts()
        assert not form.validate()
        assert (form.amount.errors[0], form.level.errors[0]) == expected
        assert "E+" not in str(form.errors)


def test_no_form_uses_wtforms_own_number_range():
    offenders = []
    for path in modules():
        for node in nodes(path):
            if isinstance(node, ast.ImportFrom) and node.module == "wtforms.validators" and any(
                    alias.name == "NumberRange" for alias in node.names):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == ["web/fields.py"]

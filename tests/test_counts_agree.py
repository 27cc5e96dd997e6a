"""Each count of a message agrees with its noun, in a message that has two or more counts
("%(have)d of %(n)d scorecards submitted" read "1 of 1 scorecards submitted" on a review's page;
"%(n)d scorecards and %(m)d declarations" "1 scorecards and 1 declarations"). One `ngettext`
chooses its form by one count, `num`: a noun follows that count alone; a message counting two
things says each through its own `ngettext` ("%(scorecards)s and %(declarations)s"). The counts
of shares, days and other units are tests/test_plural_chinese.py's; Chinese has one form."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale

import tracker
from tracker.experts import panels

pytestmark = pytest.mark.no_db  # reads the catalogue, and a template's sentence

CATALOGUE = Path(tracker.__file__).parent / "translations/zh/LC_MESSAGES/messages.po"
COUNT = re.compile(r"%\((\w+)\)d")
# A count followed by a noun in the plural ("3 experts"); not by a verb ("1 is", "2 has") nor
# "as" (the assessment of 2025 as HQ judged it).
COUNTED = re.compile(r"%\((\w+)\)d ((?:outside )?[a-z]+s)\b")
VERBS = {"is", "was", "has", "needs", "gives", "as"}
# A count that is never one, said in the plural: a limit the code sets, tens or more (WTForms'
# Length formats the first two, not ngettext).
NEVER_ONE = {"At most %(max)d characters: this has %(length)d.", "At most %(n)d characters.",
             "Use at least %(n)d characters.", "At most %(n)d conditions a decision.",
             "At most %(n)d contributors.", "At most %(n)d holders at incorporation.",
             "At most %(n)d instalments.", "At most %(n)d investors a round."}
CODE_LENGTH = "A project code is at most %(n)d letters"  # 40, the column's


def _counted(text: str) -> list[tuple[str, str]]:
    return [(name, noun) for name, noun in COUNTED.findall(text)
            if noun.split()[-1] not in VERBS]


def test_a_message_with_two_counts_says_a_noun_only_after_the_count_it_is_chosen_by():
    with CATALOGUE.open("rb") as f:
        messages = [m.id for m in read_po(f) if m.id]
    wrong = []
    for message in messages:
        forms = message if isinstance(message, tuple) else (message,)
        if len(set(COUNT.findall(forms[-1]))) < 2 or message in NEVER_ONE:
            continue
        chosen_by = "num" if isinstance(message, tuple) else None
        wrong += [f"{forms[-1]} ({name}: {noun})" for form in forms
                  for name, noun in _counted(form) if name != chosen_by]
    assert wrong == []


def test_a_count_that_may_be_one_is_said_through_a_plural():
    """A single count too, where it may be one: a quorum of one ("Choose at least 1
    evaluators", "once 1 evaluators have submitted"), a patent with one annuity ("lists 1
    annuities"); found by a skim of every demo role's pages."""
    with CATALOGUE.open("rb") as f:
        singular = [m.id for m in read_po(f) if m.id and not isinstance(m.id, tuple)]
    wrong = [text for text in singular if _counted(text) and text not in NEVER_ONE
             and not text.startswith(CODE_LENGTH)]
    assert wrong == []


def test_the_finder_finds_what_it_looks_for():
    assert _counted("%(have)d of %(n)d scorecards submitted") == [("n", "scorecards")]
    assert _counted("from at least %(n)d outside units.") == [("n", "outside units")]
    assert _counted("Condition %(n)d needs a due date") == []


def test_one_expert_from_one_outside_unit_reads_in_the_singular(app):
    class Template:
        min_experts, min_outside_units, min_expert_title = 1, 1, None

    with app.test_request_context(), force_locale("en"):
        said = panels.describe(Template())
        assert said == ("This gate requires at least 1 expert from the expert pool (title: any "
                        "title or above) from at least 1 outside unit.")
        Template.min_experts, Template.min_outside_units = 3, 2
        assert "at least 3 experts" in panels.describe(Template())
        assert "at least 2 outside units" in panels.describe(Template())
    with app.test_request_context(), force_locale("zh_CN"):
        assert "3 名专家库专家" in panels.describe(Template())

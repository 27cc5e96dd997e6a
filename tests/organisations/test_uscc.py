"""Unified social credit codes: the check character of GB 32100-2015."""

import pytest

from tracker.organisations import uscc


@pytest.mark.parametrize("code", [
    "91350100M000100Y43",  # the standard's own example
    "91440300708461136T",
    "91110108551385082Q",
    "91110000802100433B",
    " 91110108551385082q ",  # spaces and lower case are tidied first
])
def test_valid_codes(code):
    assert uscc.is_valid(code)


@pytest.mark.parametrize(("code", "reason"), [
    ("91350100M000100Y44", "check"),  # last character mistyped
    ("91350100M000100Y4", "length"),
    ("91350100M000100Y433", "length"),
    ("91350100M00O100Y43", "characters"),  # letter O is not in the alphabet
    ("913501I0M000100Y43", "characters"),
    ("9135A100M000100Y43", "region"),
    ("", "length"),
])
def test_invalid_codes_say_why(code, reason):
    assert uscc.problem(code) == reason
    assert not uscc.is_valid(code)


@pytest.mark.parametrize("authority", ["1", "9", "A", "N", "Y"])
def test_the_registering_authority_may_be_a_letter(authority):
    """GB 32100-2015's authority codes include A, N and Y (where python-stdnum wants a digit)."""
    first17 = f"{authority}1320500MA1MXKD6F"
    assert uscc.is_valid(first17 + uscc.check_character(first17))


def test_check_character_of_every_position_matters():
    code = "91350100M000100Y43"
    for i in range(17):
        replacement = "1" if code[i] != "1" else "2"
        if i in range(2, 8) or code[i].isdigit():
            mutated = code[:i] + replacement + code[i + 1:]
            assert not uscc.is_valid(mutated), mutated

"""The unified social credit code (统一社会信用代码, GB 32100-2015).

Eighteen characters from a 31-character alphabet (no I, O, S, V, Z); the last is a check
character: 31 minus the weighted sum of the first seventeen modulo 31.

Not python-stdnum's `stdnum.cn.uscc` (checked against 2.2), for two reasons. It demands digits
in the first two places, the registering authority and the entity type, and so refuses
valid codes whose authority is a letter (A, N, Y: military staffing, agriculture, other).
And it raises one InvalidFormat for a character outside the alphabet and for a region code
that is not six digits, which our form tells apart. The algorithm is a dozen lines of the
standard.
"""

from __future__ import annotations

from tracker.names import half_width

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
VALUES = {c: i for i, c in enumerate(ALPHABET)}


def normalise(code: str) -> str:
    """No space is part of a code: one typed in groups, or pasted with a full-width space,
    is the code."""
    return "".join(half_width(code).split()).upper()


def check_character(first17: str) -> str:
    total = sum(VALUES[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def problem(code: str) -> str | None:
    """None when `code` is valid, else a short English reason (callers translate their own)."""
    code = normalise(code)
    if len(code) != 18:
        return "length"
    if any(c not in VALUES for c in code):
        return "characters"
    if not code[2:8].isdigit():
        return "region"
    if check_character(code[:17]) != code[17]:
        return "check"
    return None


def is_valid(code: str) -> bool:
    return problem(code) is None

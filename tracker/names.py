"""How a name typed by a person is compared with another typed elsewhere: spaces collapsed
(full-width ones too), full-width letters and digits folded to their usual form, and case
ignored, so that "Zhou  Min", "zhou min" and "Ｚｈｏｕ Ｍｉｎ" are one person listed twice."""

from __future__ import annotations

import unicodedata

# A Chinese input method's full-width ASCII (ＳＩＴＩ－ＡＩ, ９１３１…, ２０２１／３／５) and its
# full-width space, each to its usual form: `half_width`.
_HALF_WIDTH = {**{c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}, 0x3000: 0x20}


def half_width(text: str) -> str:
    """`text` with its full-width ASCII in its usual form, everything else as written (NFKC
    for the ASCII range only: a name's Chinese and its marks stay as typed). What a code, a
    credit code, an e-mail, a number and a date are read as, in a form and an import alike
    (issue 13: a full-width institute code was stored as typed and then matched nothing)."""
    return text.translate(_HALF_WIDTH)


def typed_code(text: str | None) -> str | None:
    """A code as a form's field keeps it (a WTForms filter: an institute's code, a contract's
    number): full width as typed by a Chinese input method in its usual form (`half_width`),
    no space around it. Stored as typed, ＳＩＴＩ－ＡＩ matched no SITI-AI (issue 13)."""
    return half_width(text).strip() if text else text


def one_line(text: str | None) -> str:
    """`text` with its runs of spaces, tabs and line breaks made one space, trimmed."""
    return " ".join((text or "").split())


def name_key(text: str | None) -> str:
    """`text` as compared for sameness (never shown)."""
    return one_line(unicodedata.normalize("NFKC", text or "")).casefold()

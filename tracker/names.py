"""How a name typed by a person is compared with another typed elsewhere: spaces collapsed
(full-width ones too), full-width letters and digits folded to their usual form, and case
ignored, so that "Zhou  Min", "zhou min" and "Ｚｈｏｕ Ｍｉｎ" are one person listed twice."""

from __future__ import annotations

import unicodedata


def one_line(text: str | None) -> str:
    """`text` with its runs of spaces, tabs and line breaks made one space, trimmed."""
    return " ".join((text or "").split())


def name_key(text: str | None) -> str:
    """`text` as compared for sameness (never shown)."""
    return one_line(unicodedata.normalize("NFKC", text or "")).casefold()

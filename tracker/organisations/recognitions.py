"""The years an enterprise was granted each recognition (高新技术企业, 专精特新 ...).

A recognition is granted for a term and granted again: a high-tech enterprise recognised in
2016, 2019 and 2022 is one with a history, which the reports and the enterprise's page read.
The enterprise's `<recognition>_since` column is the year it was last granted (what the form
and the import fill in); each year ever given is kept here, so a later year, by hand or by a
re-import, adds to the history and never replaces it. A last year lowered by hand is a
correction: the years after it, which it says were never granted, go.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db import Base
from tracker.organisations.models import RECOGNITIONS

if TYPE_CHECKING:
    from tracker.organisations.models import Enterprise


class RecognitionYear(Base):
    __tablename__ = "enterprise_recognitions"
    __table_args__ = (UniqueConstraint("enterprise_id", "recognition", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprises.id", ondelete="CASCADE"), index=True)
    # A key of RECOGNITIONS ("high_tech_since").
    recognition: Mapped[str] = mapped_column(String(40))
    year: Mapped[int]


# A recognition granted only to an enterprise that holds another already, since the same year
# or earlier: a "little giant" (专精特新"小巨人") is chosen among the SMEs recognised as
# specialised, refined, distinctive and innovative (专精特新中小企业).
REQUIRES = {"little_giant_since": "specialised_since"}


def unmet_requirements(enterprise: Enterprise, years: dict[str, int | None]) -> dict[str, str]:
    """The recognitions in `years` (key -> its last year, as the form gives them) granted
    without the one they require (REQUIRES) in that year or before: key -> the required key.
    The required one's years are those it is given now and, of its history, those up to it
    (a year lowered by hand drops the later ones: `keep_years`)."""
    unmet = {}
    for key, needed in REQUIRES.items():
        year = years.get(key)
        if year is None:
            continue
        given = years[needed] if needed in years else getattr(enterprise, needed)
        held = {r.year for r in enterprise.recognition_years
                if r.recognition == needed and (given is None or r.year <= given)}
        if given is not None:
            held.add(given)
        if not any(y <= year for y in held):
            unmet[key] = needed
    return unmet


def keep_years(enterprise: Enterprise, before: dict[str, int | None]) -> None:
    """Bring the history in line with the last years now on `enterprise` (`before`: the last
    years it had): the new last year of each recognition is added; a year lowered by hand
    removes the years after it."""
    for key in RECOGNITIONS:
        year, was = getattr(enterprise, key), before.get(key)
        if year is None:
            continue  # no longer held: its years stay its history
        kept = enterprise.recognition_years
        if was is not None and year < was:
            for row in [r for r in kept if r.recognition == key and r.year > year]:
                kept.remove(row)
        if not any(r.recognition == key and r.year == year for r in kept):
            kept.append(RecognitionYear(recognition=key, year=year))


def history(enterprise: Enterprise) -> list[tuple[object, list[int], bool]]:
    """(label, years oldest first, held now) of each recognition it holds or held."""
    found = []
    for key, label in RECOGNITIONS.items():
        years = sorted({r.year for r in enterprise.recognition_years if r.recognition == key})
        held = getattr(enterprise, key)
        if held is not None and held not in years:
            years = sorted({*years, held})
        if years:
            found.append((label, years, held is not None))
    return found

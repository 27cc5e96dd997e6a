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

"""An enterprise or a partner as a cell names it: by its unified social credit code, else by
its name; a region by its code or name, among the headquarters' (`references.References` finds them
so)."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from tracker import db
from tracker.display import said
from tracker.imports.cells import CellError
from tracker.organisations import uscc
from tracker.organisations.models import Enterprise
from tracker.organisations.services import the_hq_or_none
from tracker.partners import merging
from tracker.partners.models import CO_BUILDING, Partner
from tracker.regions import services as regions


def partner_id(text: str) -> int | None:
    """A partner by its credit code, else by its name (Chinese, then English): an institute's
    co-building partners among them first (the service checks the kind)."""
    code = uscc.normalise(text)
    if len(code) == 18:
        found = db.session.scalar(select(Partner).where(Partner.uscc == code))
        if found is not None:
            return merging.effective(found).id
    for column in (Partner.name, Partner.name_en):
        found = db.session.scalar(select(Partner).where(column == text).order_by(
            Partner.merged_into_id.is_not(None), Partner.kind.in_(CO_BUILDING).desc(),
            Partner.id).limit(1))
        if found is not None:
            return merging.effective(found).id  # one merged into another: that one
    return None


def enterprise_id(text: str) -> int | None:
    code = uscc.normalise(text)
    if len(code) == 18:
        found = db.session.scalar(select(Enterprise.id).where(Enterprise.uscc == code))
        if found is not None:
            return found
    # By its name in either language, as its pages show it; the English one in any case.
    for match in (Enterprise.name == text, Enterprise.name_en == text,
                  func.lower(Enterprise.name_en) == text.lower()):
        found = db.session.scalar(select(Enterprise.id).where(match)
                                  .order_by(Enterprise.id).limit(1))
        if found is not None:
            return found
    return None


def region_id(text: str) -> int | None:
    """An institute's region among its headquarters' (an imported institute is the one
    headquarters'), by its code or its name in either language; refused when the text names
    several (one's code, another's name), naming them, rather than read as the first."""
    hq = the_hq_or_none()
    found = regions.named(hq.id, text) if hq is not None else []
    if len(found) > 1:
        raise CellError(_("%(key)s names several regions, by code or name: %(regions)s. Write "
                          "the one meant by a name or code only it has.", key=text.strip(),
                          regions=said.listed(f"{r.name} ({r.code})" for r in found)))
    return found[0].id if found else None

"""A row of the technology-needs import: HQ's need form, saved by `organisations.save_need`,
found again by its enterprise and title; a new need dated by the days the row gives (Recorded
on, Matched on: `tracker.organisations.need_dates`), which a need on record keeps."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from tracker import db
from tracker.dates import local_date
from tracker.display.formatting import day
from tracker.imports import columns
from tracker.imports.adapters import Adapter, _of_enterprise, _rows
from tracker.imports.cells import read
from tracker.imports.route_cells import day_cell
from tracker.organisations import services as organisations
from tracker.organisations.forms import NeedForm
from tracker.organisations.models import (
    Enterprise,
    Institute,
    JointInnovationCentre,
    TechnologyNeed,
)


class Needs(Adapter):
    kind, model, form_class = columns.NEEDS, TechnologyNeed, NeedForm
    fields = ("title", "description", "enterprise_id", "centre_id", "institute_id",
              "intended_investment", "state")

    def find(self, values):
        if not values.get("enterprise_id"):
            return None
        return db.session.scalar(select(TechnologyNeed).where(
            TechnologyNeed.enterprise_id == values["enterprise_id"],
            TechnologyNeed.title == (values.get("title") or "").strip())
            .order_by(TechnologyNeed.id).limit(1))

    def name(self, values):
        return values.get("title") or ""

    renamed_by, renamed_values = "title", ("title",)

    def renaming(self, values):
        return _of_enterprise(TechnologyNeed, values)

    def described(self, obj):
        return _("the technology need %(title)s of %(enterprise)s", title=obj.title,
                 enterprise=obj.enterprise.shown("name"))

    def choices(self, refs):
        return {"enterprises": _rows(Enterprise, refs, "enterprise_id"),
                "centres": _rows(JointInnovationCentre, refs, "centre_id"),
                "institutes": _rows(Institute, refs, "institute_id")}

    def values(self, form, given):
        """The form's, and the days the row gives (read for a new need, compared for one on
        record: `unchangeable`)."""
        values = super().values(form, given)
        for key in DATED:
            values[f"_{key}"] = read(key, day_cell, (given.get(key) or [""])[0], key)
        return values

    def unchangeable(self, obj, values, given):
        """A day given that is not the one the need keeps, beside its column: an import
        dates a need when it records it, and changes no day of a need on record, as nothing
        in the tracker does (an empty cell asserts nothing; the export writes the days kept,
        which read back unchanged)."""
        found = []
        for key, at in (("recorded_on", obj.created_at), ("matched_on", obj.matched_at)):
            on, kept = values.get(f"_{key}"), None if at is None else local_date(at)
            if key in given and on is not None and on != kept:
                found.append((key, DATED[key](kept, on)))
        return found

    def save(self, actor, obj, values):
        values = dict(values)
        dated = {key: values.pop(f"_{key}") for key in DATED}
        return organisations.save_need(actor, obj, **values, **({} if obj else dated))


def _recorded_on(kept: date | None, given: date) -> str:
    return _("The need is recorded as stated on %(kept)s, not %(given)s. An import does not "
             "change the day a need on record was recorded, as nothing in the tracker does: "
             "write the day recorded here, or leave the cell empty.", kept=day(kept),
             given=day(given))


def _matched_on(kept: date | None, given: date) -> str:
    if kept is None:
        return _("The tracker keeps no day of this need's match: an import dates a need's "
                 "match only when it records the need, and changes no need on record. Leave "
                 "the cell empty.")
    return _("The need is recorded as matched on %(kept)s, not %(given)s. An import does not "
             "change the day a need on record was matched, as nothing in the tracker does: "
             "write the day recorded here, or leave the cell empty.", kept=day(kept),
             given=day(given))


# The days a needs file gives a new need (`organisations.need_dates`), each with what is said
# of one given otherwise for a need on record.
DATED = {"recorded_on": _recorded_on, "matched_on": _matched_on}

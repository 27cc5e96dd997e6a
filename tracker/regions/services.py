"""What HQ does with its list of regions, and how a record finds its region: the form's choice
(among its headquarters' regions), or an import's cell, by the region's code or its name in
either language."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, or_, select

from tracker import coded_lists, db
from tracker.accounts.models import User
from tracker.audit import services as audit
from tracker.coded_lists import CodedList
from tracker.errors import Forbidden, require
from tracker.names import typed_code
from tracker.organisations.models import Headquarters, Institute
from tracker.regions.models import Region


def of_hq(hq_id: int) -> list[Region]:
    """Every region of the headquarters, retired ones too, in the lists' order."""
    return list(db.session.scalars(select(Region).where(Region.hq_id == hq_id)
                                   .order_by(Region.position, Region.id)))


def every() -> list[Region]:
    """Every region, retired ones too (their institutes keep them), as a list's filter offers
    them: by headquarters, in the lists' order."""
    return list(db.session.scalars(select(Region).order_by(Region.hq_id, Region.position,
                                                          Region.id)))


def of_the_list(hq_id: int | None, region_id: int) -> Region | None:
    """The region `region_id` when it is one of the headquarters' list: an admin's page keeps
    its own headquarters' regions, and another's is as absent as one never made."""
    return db.session.scalar(select(Region).where(Region.id == region_id,
                                                  Region.hq_id == (hq_id or 0)))


def offered(hq_id: int, current_id: int | None = None) -> list[Region]:
    """The regions a form offers: the headquarters' active ones, and the one the record has if
    retired since."""
    return list(db.session.scalars(select(Region).where(
        Region.hq_id == hq_id, or_(Region.active.is_(True), Region.id == (current_id or 0)))
        .order_by(Region.position, Region.id)))


def region_problem(hq_id: int, region_id: int | None, current_id: int | None) -> str | None:
    """Why an institute of `hq_id` may not be put in region `region_id` (None: it may): a
    region of another headquarters, or none at all, or one retired since (unless it is the
    institute's already)."""
    if not region_id or region_id == current_id:
        return None
    region = db.session.get(Region, region_id) if 0 < region_id < 2**31 else None
    if region is None or region.hq_id != hq_id:
        return _("Choose one of the headquarters' regions.")
    if not region.active:
        return _("This region is retired: choose one of those offered.")
    return None


def find(hq_id: int, text: str) -> int | None:
    """The id of the headquarters' region `text` names: its code, or its name in either
    language (case and spaces at the ends aside); None when none does (the first when
    several do: `named` says which)."""
    found = named(hq_id, text)
    return found[0].id if found else None


def named(hq_id: int, text: str) -> list[Region]:
    """The headquarters' regions `text` names by code or name in either language (case and
    spaces at the ends aside): one region's code may be another's name (issue 13, F16)."""
    key = text.strip().casefold()
    if not key:
        return []
    return list(db.session.scalars(select(Region).where(Region.hq_id == hq_id, or_(
        func.lower(Region.code) == (typed_code(key) or "").casefold(),  # ｓｏｕｔｈ is south
        func.lower(Region.name) == key,
        func.lower(Region.name_en) == key)).order_by(Region.id)))


def institutes_by_region() -> dict[int | None, int]:
    """How many institutes are in each region (None: not recorded), one statement."""
    return dict(db.session.execute(select(Institute.region_id, func.count(Institute.id))
                                   .group_by(Institute.region_id)).tuples().all())


def in_use(region: Region) -> bool:
    return bool(db.session.scalar(select(exists().where(Institute.region_id == region.id))))


def delete_refusal(region: Region, institutes: int | None = None) -> str | None:
    """Why the region cannot be deleted: institutes are in it (retire it instead).
    `institutes`: how many are, when the caller counted them (the list page, for every
    region at once)."""
    if (in_use(region) if institutes is None else institutes > 0):
        return _("Institutes are in this region: retire it instead, and they keep it.")
    return None


# The headquarters' regions, as the one save of HQ's coded lists keeps them.
REGIONS = CodedList(
    "region", Region, capitals=False, no_name=_l("Give the region's name."),
    no_code=_l("Give the region a short code, such as south."),
    code_taken=_l("Another region of the headquarters already has this code."),
    name_taken=_l("Another region of the headquarters already has this name."))


def save_region(actor: User | None, hq: Headquarters, region: Region | None,
                **values: Any) -> Region:
    """Add a region to the headquarters' list (`region` None) or change one (rename it, move
    it, retire it); every problem at once. `actor` None: the system (`flask hq create`)."""
    if actor is not None and not Region.can_edit(actor):
        raise Forbidden()
    return coded_lists.save(actor, REGIONS, region,
                            lambda: Region(hq_id=hq.id, position=_next_position(hq.id)),
                            Region.hq_id == hq.id, **values)


def _next_position(hq_id: int) -> int:
    return (db.session.scalar(select(func.max(Region.position)).where(
        Region.hq_id == hq_id)) or 0) + 1


def delete_region(actor: User, region: Region) -> None:
    """A region added by mistake, in no institute; one in use is retired instead."""
    require(Region.can_edit(actor), lambda: delete_refusal(region))
    audit.record(actor, "region.delete", region, {
        "code": [region.code, None], "name": [region.name, None]})
    db.session.delete(region)
    db.session.flush()


def install(hq: Headquarters, regions: Iterable[tuple[str, str, str | None]]) -> int:
    """Add the regions (code, name, English name) the headquarters has none of by that code,
    each audited with no actor (the system); how many were added."""
    have = {r.code for r in of_hq(hq.id)}
    added = 0
    for code, name, name_en in regions:
        if code.strip().lower() not in have:
            save_region(None, hq, None, code=code, name=name, name_en=name_en)
            added += 1
    return added

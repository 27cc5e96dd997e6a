"""The lists of institutes, enterprises, centres and technology needs: who sees which rows and
how each filter narrows them. One query per list for both doors, the pages
(`organisations.views`) and the JSON API, unordered (each door orders it its own way)."""

from __future__ import annotations

from sqlalchemy import Row, Select, case, select
from sqlalchemy.orm import selectinload

from tracker import db
from tracker.accounts.models import User
from tracker.display.collation import ordered_rows
from tracker.needs.contracted import contracted
from tracker.organisations.models import (
    RECOGNITIONS,
    Enterprise,
    EnterpriseSize,
    Institute,
    InstituteType,
    JointInnovationCentre,
    NeedState,
    TechnologyNeed,
)
from tracker.reports.filters import year_bounds
from tracker.search import matching

# The needs list's choice of the dashboard's matched needs: matched or contracted since.
MATCHED = "matched_or_contracted"


def search(query: Select, q: str, *columns) -> Select:
    """Rows where any of `columns` holds `q` (`tracker.search.matching`)."""
    return query.where(matching(q, *columns)) if q else query


def institutes(q: str = "", kind: str = "", region_id: int = 0) -> Select:
    """By a word, a type, and a region (an id of `tracker.regions`; 0: any)."""
    query = search(select(Institute), q, Institute.code, Institute.name, Institute.name_en,
                   Institute.field, Institute.field_en, Institute.city, Institute.city_en,
                   Institute.uscc)
    if kind in {t.value for t in InstituteType}:
        query = query.where(Institute.type == InstituteType(kind))
    if region_id:
        query = query.where(Institute.region_id == region_id)
    return query


def enterprises(q: str = "", size: str = "", recognition: str = "") -> Select:
    """By a word, a size, and a recognition held (one of RECOGNITIONS)."""
    query = search(select(Enterprise).options(selectinload(Enterprise.recognition_years)), q,
                   Enterprise.name, Enterprise.name_en, Enterprise.uscc,
                   Enterprise.city, Enterprise.city_en, Enterprise.industry,
                   Enterprise.industry_en)
    if size in {s.value for s in EnterpriseSize}:
        query = query.where(Enterprise.size == EnterpriseSize(size))
    if recognition in RECOGNITIONS:
        query = query.where(getattr(Enterprise, recognition).is_not(None))
    return query


def centres(q: str = "") -> Select:
    return search(select(JointInnovationCentre), q, JointInnovationCentre.name,
                  JointInnovationCentre.name_en, JointInnovationCentre.city,
                  JointInnovationCentre.city_en)


def needs(user: User, q: str = "", state: str = "", institute_id: int = 0,
          year: int = 0, enterprise_id: int = 0, centre_id: int = 0) -> Select:
    """The needs `user` may see (`TechnologyNeed.visible_to`), by state (or MATCHED), institute,
    the year they were recorded in (as the dashboard counts them), enterprise and centre."""
    query = search(select(TechnologyNeed).where(TechnologyNeed.visible_to(user)), q,
                   TechnologyNeed.title, TechnologyNeed.description)
    if state == NeedState.CONTRACTED.value:  # as the dashboard counts: a contract signed
        query = query.where(contracted())
    elif state in {s.value for s in NeedState}:
        query = query.where(TechnologyNeed.state == NeedState(state))
    elif state == MATCHED:
        query = query.where(TechnologyNeed.state.in_((NeedState.MATCHED, NeedState.CONTRACTED)))
    if institute_id:
        query = query.where(TechnologyNeed.institute_id == institute_id)
    if enterprise_id:
        query = query.where(TechnologyNeed.enterprise_id == enterprise_id)
    if centre_id:
        query = query.where(TechnologyNeed.centre_id == centre_id)
    if year:
        start, end = year_bounds(year)
        query = query.where(TechnologyNeed.created_at >= start, TechnologyNeed.created_at < end)
    return query


def enterprise_choices() -> list[Row]:
    """Every enterprise as a form's drop-down offers it: its id and its name in the reader's
    language, ordered as the reader reads. One statement of two columns: every form that
    names an enterprise (a project's partner, an account's or an expert's unit, a centre's,
    a need's, a contract's or a transfer's party) loaded them all as records, about 600 at
    full size (issue 21 point 2)."""
    return ordered_rows(db.session.execute(
        select(Enterprise.id, Enterprise.shown_in_sql("name"))))


def staff_choices() -> list[Row]:
    """Every active staff member as a form's drop-down offers them (an institute's director, a
    PM interview's panel): id and name, one statement of two columns, ordered as the reader
    reads; 1,006 staff at full size were loaded as records (issue 21 point 2)."""
    return ordered_rows(db.session.execute(select(User.id, User.name).where(User.staff())))


def liaison_choices() -> list[Row]:
    """Those a centre's liaison may be (`JointInnovationCentre.liaison_candidates`): id, name
    and, for an enterprise's contact, their enterprise's name in the reader's language (the
    form names it), one statement, no account loaded (issue 21 point 2)."""
    return ordered_rows(db.session.execute(
        select(User.id, User.name, case((User.enterprise_contacts(), Enterprise.shown_in_sql(
            "name")), else_=None).label("enterprise"))
        .outerjoin(Enterprise, Enterprise.id == User.enterprise_id)
        .where(JointInnovationCentre.liaison_candidates())))


def need_choices(user: User) -> list[Row]:
    """The technology needs `user` sees, as a project's form offers them: id and title (as
    `name`), one statement of two columns, ordered as the reader reads (issue 21 point 2)."""
    return ordered_rows(db.session.execute(
        select(TechnologyNeed.id, TechnologyNeed.title.label("name"))
        .where(TechnologyNeed.visible_to(user))))


def needs_named(ids: list[int | None]) -> list[Row]:
    """The needs of `ids` (None: none) as `need_choices` offers them (id, title as `name`):
    the choice of a project's form filled by an import."""
    if not any(ids):
        return []
    return list(db.session.execute(select(TechnologyNeed.id, TechnologyNeed.title.label("name"))
                                   .where(TechnologyNeed.id.in_(ids)).order_by(TechnologyNeed.id)))

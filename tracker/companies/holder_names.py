"""Which holder a typed name is: the company's holder of that name, in either language, or the
organisation the app knows by it, or a new holder known by its name only.

Every form and import that records shares to a holder names it as text (a founders' table,
an issuance, a transfer, a round's investors, an IP deal's holders, a grant, the companies and
ledger files); a name that is HQ's, an institute's, an enterprise's or a partner's, in Chinese
or in English, compared as people's typing is compared (tracker/names.py: spaces, full-width
forms and case aside), is that organisation when it is one only; a person's holding (the type
R&D team) is the user of that name when there is one only. Migration 0092 linked the holders
recorded before by the same rule. The forms offer these names (`offered`) and take any other.

Some holders are one per company by nature (`ONE_PER_COMPANY`): HQ, whose stake the portfolio
adds up (`holdings`) and to whom a conversion issues its shares. A name typed for a new holder
of that type when the company has one already (or the same table names another) is refused,
naming the holder to choose (`new_holder_refusal`), on every path that names holders: a
founders' table, an issue, a transfer, a round's investors, an IP deal's holders, a conversion
and the imports, which call the same services. HQ named with another type is refused too: it
would be HQ's second holding; and so is every organisation the app knows named with a type
it does not hold shares as (`HOLDER_TYPES`: an institute typed HQ, an enterprise typed an
institute). Migration 0100 merged the extra HQ holders recorded before and
made the rule an index of the database (`uq_shareholders_one_hq`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import String, cast, func, literal, or_, select, union_all

from tracker import db
from tracker.accounts.models import User
from tracker.companies.holder_models import ONE_PER_COMPANY, REFERENCES, HolderType, Shareholder
from tracker.display.labels import label
from tracker.display.said import listed
from tracker.errors import Problems, Refused
from tracker.names import name_key, one_line
from tracker.organisations.models import Enterprise, Headquarters, Institute
from tracker.partners.models import Partner

if TYPE_CHECKING:
    from tracker.companies.models import Company

ORGANISATIONS = {column: model for column, model in REFERENCES.items() if model is not User}
# The relationship a record is set by (`hq` for HQ...).
RELATIONSHIPS = {model: column.removesuffix("_id") for column, model in REFERENCES.items()}
Known = Headquarters | Institute | Enterprise | Partner | User


def _text(value: str | None):
    """A constant of the union, typed (PostgreSQL types a union's columns from its first)."""
    return cast(literal(value), String)


def find(holders: list[Shareholder], text: str) -> Shareholder | None:
    """The holder among `holders` (a company's) that `text` names, by any name it goes by."""
    key = name_key(text)
    return next((h for h in holders if key in {name_key(n) for n in h.names()}), None) \
        if key else None


# What `known` found for each name as written (and whether a person may be it), while an
# import's run remembers it (`remembering`): the record's model and id, or None.
_remembered: ContextVar[dict[tuple[str, bool], tuple[type, int] | None] | None] = ContextVar(
    "known_holders", default=None)


@contextmanager
def remembering() -> Iterator[None]:
    """Inside, `known` asks the database once for each name: an import's run (`tracker.imports`)
    names the same holders company after company (HQ, the institutes, the teams' people), each
    row twice (`check_holders`, then `holder_for`), and adds none of the records they are (a
    company's holder is its own; HQ, an institute, an enterprise, a partner or a user is not
    what a run of ledgers adds). One query a name was 15 ms on 1,000 users and 600
    enterprises, none of them indexed by the lower-cased names it compares."""
    token = _remembered.set({})
    try:
        yield
    finally:
        _remembered.reset(token)


def known(text: str, kind: HolderType) -> Known | None:
    """The record `text` names, when one only (an organisation before a person)."""
    key = name_key(text)
    if not key:
        return None
    # Compared in SQL as written, lower-cased or folded; `name_key` then decides.
    folded = one_line(text)
    remembered, asked = _remembered.get(), (folded, kind is HolderType.TEAM)
    if remembered is None or asked not in remembered:
        found = _known(key, folded, kind)
        if remembered is None:
            return found
        remembered[asked] = None if found is None else (type(found), found.id)
    if remembered[asked] is None:
        return None
    model, row_id = remembered[asked]
    return db.session.get(model, row_id)


def _known(key: str, folded: str, kind: HolderType) -> Known | None:
    """`known`'s question to the database: one statement."""
    wanted = list({v for v in (folded, unicodedata.normalize("NFKC", folded))
                   for v in (v, v.lower())})
    selects = []
    for column, model in ORGANISATIONS.items():
        rows = (select(_text(column).label("column"), model.id, model.name,
                       model.name_en.label("name_en"))
                .where(or_(func.lower(model.name).in_(wanted),
                           func.lower(model.name_en).in_(wanted))))
        if model is Partner:
            rows = rows.where(Partner.merged_into_id.is_(None))
        selects.append(rows)
    if kind is HolderType.TEAM:  # a person: their account
        selects.append(select(_text("user_id").label("column"), User.id, User.name,
                              _text(None).label("name_en"))
                       .where(func.lower(User.name).in_(wanted)))
    found = {(row.column, row.id) for row in db.session.execute(union_all(*selects))
             if key in (name_key(row.name), name_key(row.name_en))}
    chosen = {pair for pair in found if pair[0] != "user_id"} or found
    if len(chosen) != 1:
        return None
    column, row_id = chosen.pop()
    return db.session.get(REFERENCES[column], row_id)


# The holder types an organisation the app knows holds shares as (a person is a team member's
# holding: `known` finds one for the type R&D team only). HQ and the network's institutes are
# holders of their own types; an enterprise or a partner outside the network (a fund, a city,
# a park's operator, a university) invests, as a park, a state-owned fund or an investor.
OUTSIDE = (HolderType.PARK, HolderType.STATE_FUND, HolderType.INVESTOR)
HOLDER_TYPES = {Headquarters: (HolderType.HQ,), Institute: (HolderType.INSTITUTE,),
                Enterprise: OUTSIDE, Partner: OUTSIDE, User: (HolderType.TEAM,)}


def _type_refusal(record: Known, kind: HolderType) -> str | None:
    """Why `record` cannot be a holder of the type `kind` (None when it can): HQ typed as an
    investor, an institute as HQ, an enterprise as an institute would each count its shares
    where they are not (HQ's stake, the institutes', the outside investors')."""
    kinds = HOLDER_TYPES[type(record)]
    if kind in kinds:
        return None
    name = record.name if isinstance(record, User) else record.shown("name")
    other = label(kind)
    if isinstance(record, Headquarters):
        return _("%(name)s is HQ: a holder of the type %(kind)s, not %(other)s.",
                 name=name, kind=label(HolderType.HQ), other=other)
    if isinstance(record, Institute):
        return _("%(name)s is an institute of the network: a holder of the type %(kind)s, "
                 "not %(other)s.", name=name, kind=label(HolderType.INSTITUTE), other=other)
    if isinstance(record, User):
        return _("%(name)s is a person: a holder of the type %(kind)s, not %(other)s.",
                 name=name, kind=label(HolderType.TEAM), other=other)
    kinds_said = listed(label(k) for k in kinds)
    if isinstance(record, Enterprise):
        return _("%(name)s is an enterprise: a holder of one of the types %(kinds)s, not "
                 "%(other)s.", name=name, kinds=kinds_said, other=other)
    return _("%(name)s is a partner organisation: a holder of one of the types %(kinds)s, "
             "not %(other)s.", name=name, kinds=kinds_said, other=other)


def new_holder_refusal(company: Company, text: str, kind: HolderType, record: Known | None,
                       named: list[tuple[str, Known | None]] = ()) -> str | None:
    """Why `text`, of type `kind`, naming `record` (`known`), cannot be a new holder of
    `company`, None when it can: HQ has the type HQ, and a type the company has one holder of
    is that holder, the company's or the first one `named` before it in the same table
    (`named`: the new holders of that type's names and records, in order)."""
    if record is not None and (said := _type_refusal(record, kind)) is not None:
        return said
    if kind not in ONE_PER_COMPANY:
        return None
    one = next((h.shown_name for h in company.holders if h.kind is kind), None)
    if one is None:
        one = next((n for n, r in named if name_key(n) == name_key(text)
                    or (r is not None and r is record)), None)
        if one is not None or not named:
            return None
        one = named[0][0].strip()
    return _("%(holder)s is %(company)s's holder of the type %(kind)s, and a company has one: "
             "name it instead of %(name)s.", holder=one, company=company.name, kind=label(kind),
             name=one_line(text))


def check_holders(company: Company, names: list[tuple[str, HolderType, str]]) -> None:
    """Each holder named (name, type, the field naming it) keeps its type, and a new one may be
    added (`new_holder_refusal`: one HQ holder per company, of the type HQ): every problem
    beside its field, before anything is written. Every form and import that names holders
    asks it, as the services they call do."""
    problems = Problems()
    kinds: dict[str, HolderType] = {}
    named: dict[HolderType, list] = {}  # the new holders of each type, in order
    for name, kind, field in names:
        holder = find(company.holders, name)
        has = holder.kind if holder else kinds.setdefault(name_key(name), kind)
        if has is not kind:
            problems.add(field, _("%(name)s is a holder of the type %(kind)s, not %(other)s.",
                                  name=holder.shown_name if holder else name.strip(),
                                  kind=label(has), other=label(kind)))
        elif holder is None:
            record = known(name, kind)
            if said := new_holder_refusal(company, name, kind, record, named.get(kind, [])):
                problems.add(field, said)
            named.setdefault(kind, []).append((name, record))
    problems.raise_any()


def holder_for(company: Company, text: str, kind: HolderType,
               record: Known | None = None) -> Shareholder:
    """The company's holder `text` names, created if new: referring to the record it names when
    the app knows one (`record`, when the caller knows it: a grant's user, HQ converting), else
    known by the name typed. Never a second holder of a type a company has one of (the
    services' checks said so beside the field first: this is the last word)."""
    holder = find(company.holders, text)
    if holder is not None:
        return holder
    record = record or known(text, kind)
    holder = next((h for h in company.holders if record is not None and h.known is record),
                  None)
    if holder is None:
        if (said := new_holder_refusal(company, text, kind, record)) is not None:
            raise Refused(said)
        holder = Shareholder(name=one_line(text)[:200], kind=kind)
        if record is not None:
            setattr(holder, RELATIONSHIPS[type(record)], record)
        company.holders.append(holder)
    return holder


def offered(company: Company) -> list[str]:
    """The names a holder's field offers, in the reader's language: the company's holders,
    HQ, the institutes and enterprises of its projects and every partner HQ works with
    (funds, parks, cities); any other name can be typed."""
    names = [h.shown_name for h in company.holders]
    for project in company.projects:
        names += [project.hq.shown("name"), project.institute.shown("name")]
        if project.partner_enterprise is not None:
            names.append(project.partner_enterprise.shown("name"))
    if not company.projects:
        names += [hq.shown("name") for hq in db.session.scalars(select(Headquarters))]
    names += [p.shown("name") for p in db.session.scalars(
        select(Partner).where(Partner.merged_into_id.is_(None)).order_by(Partner.name))]
    return list(dict.fromkeys(n for n in names if n))


def recorded_as(holders: list[Shareholder], text: str) -> str:
    """The name the ledger records the holder `text` names by (a file may name it in the other
    language), or `text` for a holder not among `holders`: what an import compares."""
    holder = find(holders, text)
    return holder.name if holder is not None else text


def shown_names(holders: list[Shareholder]) -> dict[str, str]:
    """Each holder's recorded name to the name it is shown by: what an export writes."""
    return {h.name: h.shown_name for h in holders}

"""A row of the incentive grants import (issue 16, T21): a grant of shares or options from a
company's incentive pool to a named person, the grant form of the company's incentives page
saved by `services.grant` as that page saves it; then each exercise of options by
`services.exercise` and the person's leaving by `services.forfeit`, as the grant's page records
them, by the importing HQ admin (HQ admins and the investment committee record grants).

A grant is found again by its company, person, instrument and grant date. Its vesting terms,
lock-up, exercise window and note have a correction page, so a changed row corrects them as
that page would (`update_grant`, with its refusals); what was granted (the pool, the number,
the price) is not changed by an import. Exercises and a leaving are never edited (one recorded
by mistake is reversed on the grant's page, and the cell writes that reversal after it): a
re-import changes nothing, the exercises the file adds are recorded in date order and then its
leaving, and a recorded one the file changes or drops is refused, naming it
(`tracker/imports/grant_cells.py`).

The companies import leaves the incentive plan's movements on the ledger to this one (its
transfers are those typed in): together they bring a company's cap table across whole, the
shares people hold from a grant of shares or exercised options included (T21).
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from tracker import db
from tracker.accounts.models import User
from tracker.companies import holder_names
from tracker.companies.models import Company
from tracker.display.formatting import day, number
from tracker.errors import Invalid, Problems
from tracker.imports import cells, grant_cells, grant_columns, pool_reversals
from tracker.imports.adapters import Adapter
from tracker.imports.cells import CellError
from tracker.imports.grant_cells import (
    describe_exercise,
    describe_leaving,
    exercises,
    leaving,
    recorded_exercises,
    recorded_leaving,
)
from tracker.incentives import fixed, services
from tracker.incentives.forms import GrantForm
from tracker.incentives.models import GrantKind, IncentiveGrant
from tracker.organisations import uscc

GRANTED = ("pool_id", "user_id", "person_name", "kind", "shares", "exercise_price",
           "granted_on")
FIELDS = (*GRANTED, *services.EDITABLE)
# The grant form's fields the file gives in a column of another name: a problem the service
# finds with one is said in that column.
COLUMN_OF = {"pool_id": "pool", "user_id": "person", "person_name": "person"}


def company_named(text: str) -> Company | None:
    """The company a cell names: by its credit code, or by its name while it has none."""
    code = uscc.normalise(text or "")
    if code and len(code) == 18:
        found = db.session.scalar(select(Company).where(Company.uscc == code))
        if found is not None:
            return found
    return db.session.scalar(select(Company).where(Company.name == (text or "").strip())
                             .order_by(Company.uscc.is_not(None), Company.id).limit(1))


def person_named(text: str) -> User | None:
    """The user a person's cell names by their e-mail; None for a name."""
    text = (text or "").strip()
    if "@" not in text:
        return None
    found = db.session.scalar(select(User).where(User.email == text.lower()))
    if found is None:
        raise CellError(_("No user has the e-mail %(email)s: import users first, or give the "
                          "person's name.", email=text), "person")
    return found


def _not_redated(company: Company, values: dict) -> None:
    """A row whose grant date finds no grant, while its company, person and kind find the one
    grant of the same number from the same pool, changes that grant's date, by which an
    import finds it: refused beside the date, the grant named, rather than recorded as a
    second grant (issue 13)."""
    if company is None:
        return
    same = list(db.session.scalars(select(IncentiveGrant).where(
        IncentiveGrant.company_id == company.id, IncentiveGrant.kind == values["kind"],
        IncentiveGrant.user_id.is_(None) if values["user_id"] is None
        else IncentiveGrant.user_id == values["user_id"],
        IncentiveGrant.person_name == values["person_name"] if values["user_id"] is None
        else IncentiveGrant.id.is_not(None))))
    if len(same) == 1 and (same[0].shares, same[0].pool_id) == (values["shares"],
                                                                values["pool_id"]):
        grant = same[0]
        raise Invalid("granted_on", _(
            "%(person)s's grant of %(shares)s from %(pool)s is recorded as granted on "
            "%(recorded)s: this row changes its grant date, by which an import finds it, so "
            "it would record a second grant. What was granted is corrected in the tracker, "
            "not by an import.", person=grant.person_name or grant.user.name,
            shares=number(grant.shares), pool=grant.pool.shown_name,
            recorded=day(grant.granted_on)))


def _not_fixed(grant: IncentiveGrant, values: dict) -> None:
    """A correction of what no longer changes (the schedule once options were exercised or the
    person left, the lock-up once the ledger's shares carry one, the window once they left)
    refused beside the column it changes, each at once, in the sentence the correction page
    shows beside those fields (`fixed.fixed_fields`): the service's refusal named no column
    ("row 3, -: … the lock-up stays as it was", issue 13)."""
    problems = Problems()
    for names, said_why in fixed.fixed_fields(grant).items():
        changed = [name for name in names if values[name] != getattr(grant, name)]
        if changed:
            problems.add(changed[0], said_why)
    problems.raise_any()


class IncentiveGrants(Adapter):
    refused_in = "company"
    kind, model, form_class = grant_columns.INCENTIVE_GRANTS, IncentiveGrant, GrantForm
    fields = FIELDS

    def company_of(self, text: str) -> Company | None:
        """The company a row's cell names (`company_named`)."""
        return company_named(text)

    def find(self, values):
        company = self.company_of(str(values.get("company") or ""))
        try:
            user = person_named(str(values.get("person") or ""))
            granted_on = date.fromisoformat(str(values.get("granted_on") or ""))
            # A kind the cell does not name (empty, or none of the choices) finds no grant:
            # its column says why, as any other cell's (it was a query of no kind, a crash).
            kind = GrantKind(str(values.get("kind") or ""))
        except (CellError, ValueError):
            return None
        if company is None:
            return None
        whose = (IncentiveGrant.user_id == user.id if user is not None else
                 (IncentiveGrant.user_id.is_(None)
                  & (IncentiveGrant.person_name == str(values.get("person") or "").strip())))
        return db.session.scalar(select(IncentiveGrant).where(
            IncentiveGrant.company_id == company.id, whose,
            IncentiveGrant.kind == kind, IncentiveGrant.granted_on == granted_on)
            .order_by(IncentiveGrant.id).limit(1))

    def name(self, values):
        return " · ".join(str(values.get(k) or "") for k in ("company", "person"))

    renamed_by, renamed_values = "person", ("user_id", "person_name")

    def column_of(self, field):
        return COLUMN_OF.get(field, field)

    def renaming(self, values):
        return db.session.scalars(select(IncentiveGrant).where(
            IncentiveGrant.company_id == values["company_id"],
            IncentiveGrant.kind == values["kind"]).order_by(IncentiveGrant.id))

    def described(self, obj):
        return _("%(person)s's grant of %(shares)s from %(pool)s",
                 person=obj.person_name or obj.user.name, shares=number(obj.shares),
                 pool=obj.pool.shown_name)

    def current(self, obj):
        values = super().current(obj)
        values["person_name"] = "" if obj.user_id else obj.person_name
        return {**values, "company_id": obj.company_id, "exercises": recorded_exercises(obj),
                "leaving": recorded_leaving(obj)}

    def form_data(self, obj):
        if obj is None:
            return None
        return {**self.current(obj), "user_id": obj.user_id or 0}

    def more_formdata(self, given, obj):
        """The pool and the person, which the form chooses by id, from the cells naming them."""
        company = self.company_of(given["company"][0]) if "company" in given else (
            obj.company if obj is not None else None)
        found: dict[str, list[str]] = {}
        named = (given.get("company") or [""])[0]
        if company is None:
            raise CellError(_("No company is called or registered as %(name)s: import "
                              "companies first.", name=named) if named
                            else _("This field is required."), "company")
        if "person" in given:
            try:
                user = person_named(given["person"][0])
            except CellError as error:  # said once, beside the person; the pool still read
                cells.note(error)
            else:
                found["user_id"] = [str(user.id if user else 0)]
                found["person_name"] = ["" if user else given["person"][0]]
        pools = services.pools(company)
        wanted = (given.get("pool") or [""])[0].strip()
        if wanted:
            pool = holder_names.find(pools, wanted)
            if pool is None:
                raise CellError(_("%(company)s has no incentive pool called %(name)s.",
                                  company=company.name, name=wanted), "pool")
            found["pool_id"] = [str(pool.id)]
        elif obj is None and len(pools) == 1:
            found["pool_id"] = [str(pools[0].id)]
        return found

    def form(self, formdata, obj, refs):
        company = self.company_of(formdata.get("company", "")) or (
            obj.company if obj else None)
        user_id = int(formdata.get("user_id") or 0)
        user = db.session.get(User, user_id) if user_id else None
        return GrantForm(formdata=formdata, pools=services.pools(company) if company else (),
                         users=[user] if user else ())

    def values(self, form, given):
        text = {k: (v[0] if v else "") for k, v in given.items()}
        values = {f: getattr(form, f).data for f in FIELDS}
        values["user_id"] = values["user_id"] or None
        values["person_name"] = "" if values["user_id"] else (values["person_name"] or "").strip()
        values["note"] = (values["note"] or "").strip()
        company = self.company_of(text.get("company", ""))
        values["company_id"] = company.id if company else None
        values["exercises"] = exercises(text["exercises"]) if "exercises" in text else None
        values["leaving"] = leaving(text["leaving"]) if "leaving" in text else None
        return values

    def save(self, actor, obj, values):
        values = dict(values)
        company = db.session.get(Company, values.pop("company_id"))
        wanted_exercises = values.pop("exercises")
        wanted_leaving = pool_reversals.as_recorded(company, values.pop("leaving"))
        if obj is None:
            _not_redated(company, values)
            user_id = values.pop("user_id")
            try:
                record = services.grant(actor, company, user=db.session.get(User, user_id)
                                        if user_id else None, **values)
            except Invalid as error:
                (field, said), *more = error.renamed(lambda f: COLUMN_OF.get(f, f))
                raise Invalid(field, said, more) from None
        else:
            record = obj
            changed = [f for f in GRANTED if values[f] != self.current(obj)[f]]
            if changed:
                problems = Problems()
                for field in changed:
                    problems.add(grant_columns.INCENTIVE_GRANTS.column(
                        COLUMN_OF.get(field, field)).key, _(
                        "The grant is recorded as granted: an import corrects its vesting "
                        "terms, lock-up, exercise window and note, as its correction page "
                        "does, not what was granted."))
                problems.raise_any()
            if any(values[f] != getattr(obj, f) for f in services.EDITABLE):
                _not_fixed(obj, values)
                services.update_grant(actor, obj, **{f: values[f] for f in services.EDITABLE})
        problems = Problems()  # every problem of the row at once, each in its column
        found_exercises = grant_cells.compared(
            wanted_exercises, recorded_exercises(record), "exercises", describe_exercise,
            problems)
        found_leaving = grant_cells.compared(wanted_leaving, recorded_leaving(record),
                                             "leaving", describe_leaving, problems)
        if not problems:
            self.ledger(record, [
                *grant_cells.exercise_acts(actor, record, wanted_exercises, found_exercises),
                *grant_cells.leaving_acts(actor, record, wanted_leaving, found_leaving)],
                problems)
        problems.raise_any()
        return record

    def ledger(self, record: IncentiveGrant, acts: list[grant_cells.Act],
               problems: Problems) -> None:
        """Record the row's exercises, then its leaving's cell, in that order (imported with
        the companies file, they are recorded among its ledger's entries instead:
        `tracker/imports/replay.py`)."""
        for act in acts:
            act(problems)

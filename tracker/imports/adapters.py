"""How a row of each kind becomes the form a person would have filled and the service call
the form's page would have made: the same fields, the same validators, the same service.

Each adapter says how to find the record a row names (its natural key), what the form is
filled from when it exists (so a column left out of the file keeps its value), the values the
page's view would hand to the service, and that call.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping
from datetime import date
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields.core import UnboundField

from tracker import db
from tracker.accounts import services as accounts
from tracker.accounts.forms import UserForm
from tracker.accounts.models import User
from tracker.audit import services as audit
from tracker.errors import ACTS_AS, Forbidden, Invalid
from tracker.imports import columns, headings
from tracker.imports.columns import Kind
from tracker.imports.models import ImportRun
from tracker.organisations import services as organisations
from tracker.organisations import uscc
from tracker.organisations.forms import CentreForm, EnterpriseForm, InstituteForm
from tracker.organisations.models import (
    RECOGNITIONS,
    Enterprise,
    Institute,
    JointInnovationCentre,
)
from tracker.partners.models import Partner
from tracker.regions.models import Region


def correction_reason() -> str:
    """The reason a correction made by an import gives (every correction has one, as on the
    record's page): the import, and its file."""
    run = db.session.get(ImportRun, audit.current_import() or 0)
    return _("Corrected by import %(id)s (%(file)s).", id=audit.current_import(),
             file=run.filename if run is not None else "")


@cache
def form_defaults(form_class: type) -> dict[str, Any]:
    """The defaults of a form's fields, which a blank form shows: what an empty cell of their
    column means (a milestone's weight 1, a licence's 30 days, no royalty reports, a user
    active), as each column's note says."""
    found = {}
    for name in dir(form_class):
        field = getattr(form_class, name, None)
        if isinstance(field, UnboundField):
            default = field.kwargs.get("default")
            # A reference's 0 is "none", which its column says by an empty cell already.
            if default is not None and not callable(default) and not (
                    default == 0 and name.endswith(("_id", "_ids"))):
                found[name] = default
    return found


def as_form_text(value: Any) -> list[str]:
    """A stored value as the form's raw input: what the page shows in the field."""
    if value is None:
        return [""]
    if value is True:
        return ["y"]
    if value is False:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, Enum):
        return [str(value.value)]
    if isinstance(value, date):
        return [value.isoformat()]
    if isinstance(value, Decimal):
        return [format(value, "f")]
    return [str(value)]


def _none_for_zero(values: dict[str, Any]) -> dict[str, Any]:
    # Select fields use 0 for "none", as on the pages.
    return {k: (None if v == 0 and k.endswith("_id") else v) for k, v in values.items()}


def not_allowed(refused: str) -> str:
    """A refusal of whom a row's service acts as (a PM without the PM role), with what to do."""
    return _("%(refused)s Give them the role in the users file, or name someone who has it.",
             refused=refused)


class Adapter:
    kind: Kind
    model: type
    form_class: type
    # The fields the page's view hands to the service.
    fields: tuple[str, ...]
    # The column of the natural key that is a name or a title, and the values it fills (None:
    # the key holds none): a row changing it finds no record by its key (`renamed`).
    renamed_by: str | None = None
    renamed_values: tuple[str, ...] = ()
    # Whether the natural key's first column names a record alone when a row gives it (a
    # project's code, a credit code); without it, the key's other columns do.
    key_alone = False
    # Where a refusal of the whole row is said (never beside no column, issue 13): who may not
    # act (`Forbidden`), beside the column naming whom the row's service acts as (a
    # project's PM, an agreement's committee member); what the state refuses (`Refused`),
    # beside the column naming the record it is about (a milestone's closed project).
    acts_as = ""
    refused_in = ""

    def refused(self, error: Exception) -> list[tuple[str, str]]:
        """A service's refusal of the row as (column, message): an `Invalid` beside each of
        its fields' columns, a refusal of who acts or of the state as `acts_as` and
        `refused_in` say."""
        if isinstance(error, Invalid):
            return self.in_columns(error.problems)
        said = getattr(error, "message", "") or str(error)
        if isinstance(error, Forbidden) and self.acts_as:
            return [(self.acts_as, not_allowed(said))]
        return [(self.refused_in, said)]

    def in_columns(self, problems: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """Each (field, message) beside its column; one of no column is the row's (""). Whom
        the row names to act as, without the role (`ACTS_AS`), beside `acts_as`, with what to
        do, as a refusal of them is."""
        known = {c.key for c in self.kind.columns}
        return [(self.acts_as, not_allowed(message)) if field == ACTS_AS and self.acts_as else
                (column if (column := self.column_of(field or "")) in known else "", message)
                for field, message in problems]

    def key_columns(self, given: Mapping[str, Any]) -> tuple[str, ...]:
        """The columns of the natural key a row gives (`given`: its values by column)."""
        key = self.kind.key
        if self.key_alone:
            return key[:1] if given.get(key[0]) else key[1:]
        return key

    def find(self, values: dict[str, Any]) -> Any:
        raise NotImplementedError

    def renaming(self, values: dict[str, Any]) -> Iterable[Any]:
        """The records a row whose key finds none could be renaming: those its key's other
        columns name (a milestone's project's)."""
        return ()

    def described(self, obj: Any) -> str:
        """The record a renaming row names, in words (with its recorded name)."""
        raise NotImplementedError

    def renamed(self, values: dict[str, Any], named: Container[int],
                records: Iterable[Any] | None = None) -> list[tuple[str, str]]:
        """A row whose key finds no record, while every other column it gives is that of
        one record of its scope that no earlier row of the file gave (`named`), changes that
        record's name or title, by which an import finds it: refused beside the name, the
        record named, rather than recorded as a second one beside it (issue 13). `records`:
        those of its scope, when the caller read them already. The problem, beside its
        column, or none."""
        if self.renamed_by is None:
            return []
        given = self._unnamed(values)
        same = [r for r in (self.renaming(values) if records is None else records)
                if r.id not in named and self._unnamed(self.current(r)) == given]
        if len(same) != 1:
            return []
        return [(self.renamed_by, _(
            "Every other column of this row is that of %(record)s: the row changes its "
            "%(column)s, by which an import finds it, so it would record a second one "
            "beside it. An import renames nothing: give the recorded %(column)s in the "
            "file (or change it in the tracker first, where it can be changed). If the row is "
            "a new one after all, add it in the tracker first: an import then finds it by "
            "its %(column)s.",
            record=self.described(same[0]), column=headings.named(self.kind, self.renamed_by)))]

    def _unnamed(self, values: dict[str, Any]) -> dict[str, Any]:
        # An empty cell is a field left empty, which the record may keep as None.
        return {k: "" if v is None else v for k, v in values.items()
                if not k.startswith("_") and k not in self.renamed_values}

    def column_of(self, field: str) -> str:
        """The column a form field's value is read from (a grant's person for its user):
        the form's problem with the field is said there, and none after the column's own."""
        return field

    def name(self, values: dict[str, Any]) -> str:
        """How the row's record is named in a list of what was created or updated."""
        return str(values.get(self.kind.key[0]) or "")

    def current(self, obj: Any) -> dict[str, Any]:
        return {f: getattr(obj, f) for f in self.fields}

    def form(self, formdata, obj: Any, refs: dict[str, int]) -> Any:
        # The choices of a reference field: only what the row names, found by its key, or,
        # for a column the file leaves out, what the record names now (it keeps its value).
        data = self.form_data(obj)
        if data:
            refs = {**{k: v for k, v in data.items()
                       if k.endswith("_id") and isinstance(v, int) and v}, **refs}
        return self.form_class(formdata=formdata, data=data, **self.choices(refs))

    def form_data(self, obj: Any) -> dict[str, Any] | None:
        if obj is None:
            return None
        return {k: (0 if v is None and k.endswith("_id") else v)
                for k, v in self.current(obj).items()}

    def choices(self, refs: dict[str, int]) -> dict[str, Any]:
        return {}

    def more_formdata(self, given: dict[str, list[str]], obj: Any) -> dict[str, list[str]]:
        """Form input that no one column gives (the rows of a list of subforms)."""
        return {}

    def values(self, form: Any, given: dict[str, list[str]]) -> dict[str, Any]:
        return _none_for_zero({f: getattr(form, f).data for f in self.fields})

    def save(self, actor: User, obj: Any, values: dict[str, Any]) -> Any:
        raise NotImplementedError

    def unchangeable(self, obj: Any, values: dict[str, Any], given: Container[str]
                     ) -> list[tuple[str, str]]:
        """What the row's `_` values (read from its columns for a new record only: a
        project's decisions, a cap table's total) say of the recorded `obj` that differs,
        each beside its column with how it is changed instead. `given`: the file's columns.
        A row is never "unchanged" while one differs (issue 13)."""
        return []

    def batch(self, actor: User) -> Any:
        """The bulk path of this kind's new records (`tracker.imports.bulk.Batch`), if any."""
        return None


def _of_enterprise(model: type, values: dict[str, Any]) -> Iterable[Any]:
    """The records of the row's enterprise (a centre's or a need's scope)."""
    return db.session.scalars(select(model).where(
        model.enterprise_id == values["enterprise_id"]).order_by(model.id))


def _rows(model: type, refs: dict[str, int], key: str) -> list:
    return [db.session.get(model, refs[key])] if key in refs else []


class Institutes(Adapter):
    kind, model, form_class = columns.INSTITUTES, Institute, InstituteForm
    fields = ("code", "name", "name_en", "field", "field_en", "type", "founded_on",
              "director_id", "region_id", "city", "city_en", "legal_entity", "uscc",
              "partner_ids")

    def find(self, values):
        code = (values.get("code") or "").strip().upper()
        return db.session.scalar(select(Institute).where(Institute.code == code))

    def current(self, obj):
        return {**{f: getattr(obj, f) for f in self.fields if f != "partner_ids"},
                "partner_ids": sorted(p.id for p in obj.partners)}

    def values(self, form, given):
        values = super().values(form, given)
        values["partner_ids"] = sorted(set(values["partner_ids"] or ()))
        return values

    def choices(self, refs):
        return {"users": _rows(User, refs, "director_id"),
                "regions": _rows(Region, refs, "region_id"),
                "partners": [db.session.get(Partner, i) for i in refs.get("partner_ids", ())]}

    def save(self, actor, obj, values):
        return organisations.save_institute(actor, obj, **values)


class Enterprises(Adapter):
    kind, model, form_class = columns.ENTERPRISES, Enterprise, EnterpriseForm
    fields = ("name", "name_en", "uscc", "city", "city_en", "industry", "industry_en", "size",
              *RECOGNITIONS)

    def find(self, values):
        """By its credit code; else (none given, or one given to an enterprise recorded
        without it, issue 13 F12) the enterprise of the name that has no code yet."""
        code = uscc.normalise(values.get("uscc") or "")
        if code and (found := db.session.scalar(select(Enterprise).where(
                Enterprise.uscc == code))):
            return found
        return db.session.scalar(select(Enterprise).where(
            Enterprise.name == (values.get("name") or "").strip(), Enterprise.uscc.is_(None))
            .order_by(Enterprise.id).limit(1))

    def name(self, values):
        return values.get("uscc") or values.get("name") or ""

    renamed_by, renamed_values, key_alone = "name", ("name",), True

    def renaming(self, values):
        if values["uscc"]:  # found by its code: a name changed is corrected
            return ()
        return db.session.scalars(select(Enterprise).where(Enterprise.uscc.is_(None))
                                  .order_by(Enterprise.id))

    def described(self, obj):
        return _("the enterprise %(name)s", name=obj.name)

    def values(self, form, given):
        values = super().values(form, given)
        values["uscc"] = uscc.normalise(values["uscc"] or "") or None
        return values

    def save(self, actor, obj, values):
        return organisations.save_enterprise(actor, obj, **values)


class Centres(Adapter):
    kind, model, form_class = columns.CENTRES, JointInnovationCentre, CentreForm
    fields = ("name", "name_en", "enterprise_id", "established_on", "city", "city_en",
              "liaison_id")

    def find(self, values):
        """By its enterprise and name: two enterprises' centres may share a name."""
        if not values.get("enterprise_id"):
            return None
        return db.session.scalar(select(JointInnovationCentre).where(
            JointInnovationCentre.enterprise_id == values["enterprise_id"],
            JointInnovationCentre.name == (values.get("name") or "").strip())
            .order_by(JointInnovationCentre.id).limit(1))

    def name(self, values):
        return values.get("name") or ""

    renamed_by, renamed_values = "name", ("name",)

    def renaming(self, values):
        return _of_enterprise(JointInnovationCentre, values)

    def described(self, obj):
        return _("the joint innovation centre %(name)s", name=obj.name)

    def choices(self, refs):
        return {"enterprises": _rows(Enterprise, refs, "enterprise_id"),
                "users": _rows(User, refs, "liaison_id")}

    def save(self, actor, obj, values):
        return organisations.save_centre(actor, obj, **values)


class Users(Adapter):
    kind, model, form_class = columns.USERS, User, UserForm
    fields = ("email", "name", "roles", "locale", "institute_id", "enterprise_id",
              "staff_number", "active")

    def find(self, values):
        return accounts.find_by_email(values.get("email") or "")

    def current(self, obj):
        return {"email": obj.email, "name": obj.name,
                "roles": sorted(g.role.value for g in obj.role_grants),
                "locale": obj.locale, "institute_id": obj.institute_id,
                "enterprise_id": obj.enterprise_id, "staff_number": obj.staff_number,
                "active": obj.active}

    def form_data(self, obj):
        data = super().form_data(obj)
        if data is None:
            return {"active": True}
        return {**data, "locale": data["locale"] or ""}

    def choices(self, refs):
        return {"institutes": _rows(Institute, refs, "institute_id"),
                "enterprises": _rows(Enterprise, refs, "enterprise_id")}

    def values(self, form, given):
        values = super().values(form, given)
        values["email"] = accounts.normalise_email(values["email"])
        values["roles"] = sorted(values["roles"] or [])
        values["locale"] = values["locale"] or None
        # An empty cell is none, as the form's empty field (update_user's "" would keep it).
        values["staff_number"] = (values["staff_number"] or "").strip() or None
        return values

    def save(self, actor, obj, values):
        if obj is not None:
            accounts.update_user(actor, obj, **values)
            return obj
        active = values.pop("active")
        user = accounts.create_user(actor, password=None, **values)
        if not active:
            accounts.update_user(actor, user, active=False, **values)
        return user



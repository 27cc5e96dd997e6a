"""The bulk path of the reference data: institutes, enterprises, joint innovation centres,
technology needs and users. Each new record is checked by the check function its service
calls (`organisations.services.check_institute`, `check_enterprise`, `check_centre`,
`check_need`; `accounts.services.check_new_user`), then a batch is written a table at a time
(`tracker.imports.bulk`): the records with the columns their service gives them
(`organisations.services.stored`, `accounts.services.new_account`), an institute's
co-building partners, an enterprise's recognition years, a user's roles, and the audit
records the services write (`audit.created`: what `pending_changes` says of a new object).
What a batch does not write takes the row-by-row path: every record on file (an update), and
a user imported inactive (`create_user`, then `update_user`: two records).
`tests/imports/test_reference_paths_agree.py` imports the same rows by both paths and compares
them column by column.
"""

from __future__ import annotations

from collections.abc import Container
from typing import Any

from sqlalchemy import select

from tracker import bulk_rows, db
from tracker.accounts import services as accounts
from tracker.accounts.models import RoleGrant, User
from tracker.audit import services as audit
from tracker.errors import Forbidden, Invalid
from tracker.imports.adapters import Centres, Enterprises, Institutes, Users
from tracker.imports.bulk import Batch, insert_returning_ids, insert_rows
from tracker.imports.needs import Needs
from tracker.organisations import services as organisations
from tracker.organisations import uscc
from tracker.organisations.models import (
    RECOGNITIONS,
    Enterprise,
    Institute,
    JointInnovationCentre,
    TechnologyNeed,
)
from tracker.organisations.recognitions import RecognitionYear
from tracker.partners.models import institute_partners


class _Either:
    """The records named by an earlier row of the file: saved row by row (`seen`), or written
    by the batch."""

    def __init__(self, *sets: Container[int]) -> None:
        self.sets = sets

    def __contains__(self, record_id: object) -> bool:
        return any(record_id in s for s in self.sets)


class ReferenceBatch(Batch):
    # The reference fields of the kind's form, each with whether it offers none (0): a row's
    # choices are what it names, as the adapter's `choices` gives them (the names do not
    # matter to validation), in one form filled again for each row.
    references: dict[str, bool] = {}
    model: type
    action: str

    def __init__(self, actor, adapter):
        super().__init__(actor, adapter)
        self.inserted: set[int] = set()

    def form(self, formdata, obj, refs):
        if obj is not None:
            return self.adapter.form(formdata, obj, refs)
        form = self.refilled(formdata, self.adapter.form_class)
        for name, none in self.references.items():
            ids = refs.get(name, [])
            getattr(form, name).choices = [(0, "")] * none + [
                (i, "") for i in (ids if isinstance(ids, list) else [ids])]
        return form

    def find(self, probe):
        """The adapter's, but a record this batch wrote: a later row giving its key is refused
        as given twice (`Batch.take`), as the row path refuses a record saved earlier."""
        found = self.adapter.find(probe)
        return None if found is not None and found.id in self.inserted else found

    def renamed(self, values, named):
        return self.adapter.renamed(values, _Either(named, self.inserted))

    def insert(self, rows):
        columns = [self.columns(v) for v in rows]
        ids = insert_returning_ids(self.model, columns)
        self.inserted.update(ids)
        self.more(ids, rows)
        audit.record_many(self.actor, self.action, self.model.__tablename__, [
            (record_id, {**audit.created(row), **self.audited(v)})
            for record_id, row, v in zip(ids, columns, rows, strict=True)])

    def columns(self, values: dict[str, Any]) -> dict[str, Any]:
        """The new record's columns, as its service sets them."""
        return organisations.stored({k: v for k, v in values.items() if not k.startswith("_")})

    def more(self, ids: list[int], rows: list[dict[str, Any]]) -> None:
        """The rows of other tables the records come with."""

    def audited(self, values: dict[str, Any]) -> dict[str, list[Any]]:
        """What the audit record says beside the columns."""
        return {}


class InstituteBatch(ReferenceBatch):
    references = {"director_id": True, "partner_ids": False}
    model, action = Institute, "institute.create"

    def __init__(self, actor, adapter):
        super().__init__(actor, adapter)
        self._hq_id: int | None = None
        self._usccs: set[str] = set()  # the credit codes of the rows held

    def key(self, values):
        return values["code"].strip().upper()

    def _taken(self, model, column, value, obj) -> bool:
        return (column == "uscc" and value in self._usccs) or organisations.taken(
            model, column, value, obj)

    def check(self, values):
        if self._hq_id is None:
            self._hq_id = organisations.the_hq().id
        partners, more = organisations.check_institute(
            Institute(hq_id=self._hq_id), values, taken=self._taken)
        if not Institute.can_edit(self.actor):
            raise Forbidden()
        values["_partners"], values["_more"] = [p.id for p in partners], more
        if values.get("uscc"):
            self._usccs.add(values["uscc"])
        return True

    def columns(self, values):
        return {"hq_id": self._hq_id, **super().columns(values)}

    def more(self, ids, rows):
        bulk_rows.insert_rows(institute_partners, [
            {"institute_id": i, "partner_id": p}
            for i, v in zip(ids, rows, strict=True) for p in v["_partners"]])

    def audited(self, values):
        return values["_more"]


class EnterpriseBatch(ReferenceBatch):
    model, action = Enterprise, "enterprise.create"

    def __init__(self, actor, adapter):
        super().__init__(actor, adapter)
        self._usccs: dict[str, int] = {}
        self._unregistered: dict[str, int] = {}  # the enterprises without a code, by name
        self._names: set[str] | None = None  # every enterprise's, and the rows' held

    def _load(self) -> None:
        if self._names is None:
            rows = db.session.execute(select(Enterprise.uscc, Enterprise.name, Enterprise.id)
                                      .order_by(Enterprise.id.desc())).tuples().all()
            self._usccs = {code: i for code, _name, i in rows if code is not None}
            self._unregistered = {name: i for code, name, i in rows if code is None}
            self._names = {name for _code, name, _i in rows}

    def find(self, probe):
        """`Enterprises.find`, by its credit code from every one on file, or the one of the
        name without a code, read in one statement the first time (an import changes none:
        a row with a code finds the enterprise by it; those this run writes are found by
        their key, `Batch.take`)."""
        self._load()
        code = uscc.normalise(probe.get("uscc") or "")
        if not code:
            return super().find(probe)  # by its name
        found = self._usccs.get(code) or self._unregistered.get(
            (probe.get("name") or "").strip())
        return None if found is None or found in self.inserted else db.session.get(
            Enterprise, found)

    def key(self, values):
        return values["uscc"] or ("", values["name"].strip())

    def _taken(self, model, column, value, obj) -> bool:
        self._load()
        return value in (self._names if column == "name" else self._usccs)

    def check(self, values):
        organisations.check_enterprise(Enterprise(), values, taken=self._taken)
        if not Enterprise.can_edit(self.actor):
            raise Forbidden()
        self._names.add(values["name"].strip())
        return True

    def saved(self, values, number):
        super().saved(values, number)
        if self._names is not None:  # renamed row by row: a later new row may not take it
            self._names.add(values["name"].strip())

    def more(self, ids, rows):
        """Each recognition's year, as `recognitions.keep_years` keeps a new one's."""
        insert_rows(RecognitionYear, [
            {"enterprise_id": i, "recognition": key, "year": v[key]}
            for i, v in zip(ids, rows, strict=True) for key in RECOGNITIONS
            if v[key] is not None])


class CentreBatch(ReferenceBatch):
    references = {"enterprise_id": False, "liaison_id": True}
    model, action = JointInnovationCentre, "centre.create"

    def key(self, values):
        return values["enterprise_id"], values["name"].strip()

    def check(self, values):
        organisations.check_centre(self.actor, values)
        return True


class NeedBatch(ReferenceBatch):
    references = {"enterprise_id": False, "centre_id": True, "institute_id": True}
    model, action = TechnologyNeed, "need.create"

    def __init__(self, actor, adapter):
        super().__init__(actor, adapter)
        self._on_file: dict[tuple[int, str], int] | None = None
        self._before: dict[int, list[int]] = {}  # each enterprise's needs' ids
        # Held here: the session's identity map keeps no object nobody else holds, and
        # `check_need` reads each row's centre.
        self._centres: list[JointInnovationCentre] = []

    def _load(self) -> None:
        # Every need's key and every centre, one statement each, instead of a need, its
        # enterprise's needs and a centre read for each row. The needs this run writes are
        # found by their key among the rows held (`Batch.take`).
        self._on_file = {}
        for row in db.session.execute(select(
                TechnologyNeed.enterprise_id, TechnologyNeed.title, TechnologyNeed.id)
                .order_by(TechnologyNeed.id)):
            self._on_file.setdefault((row.enterprise_id, row.title), row.id)
            self._before.setdefault(row.enterprise_id, []).append(row.id)
        self._centres = list(db.session.scalars(select(JointInnovationCentre)))

    def find(self, probe):
        """`Needs.find` from what `_load` read: the first need of the row's enterprise and
        title."""
        if not probe.get("enterprise_id"):
            return None
        if self._on_file is None:
            self._load()
        found = self._on_file.get((probe["enterprise_id"], (probe.get("title") or "").strip()))
        return None if found is None else db.session.get(TechnologyNeed, found)

    def renamed(self, values, named):
        """`Adapter.renamed` among the enterprise's needs recorded before the run (those
        `_load` read): none to read for an enterprise without any."""
        ids = self._before.get(values["enterprise_id"])
        return self.adapter.renamed(values, named, db.session.scalars(
            select(TechnologyNeed).where(TechnologyNeed.id.in_(ids))
            .order_by(TechnologyNeed.id))) if ids else []

    def key(self, values):
        return values["enterprise_id"], values["title"].strip()

    def check(self, values):
        # The days the row gives, as `Needs.save` hands them to `save_need`.
        values["recorded_on"] = values.pop("_recorded_on")
        values["matched_on"] = values.pop("_matched_on")
        state, _reason, values["_dated"] = organisations.check_need(self.actor, None, values)
        values["_state"] = organisations.new_need_state(state)
        return True

    def columns(self, values):
        # No notification: `emit` writes none during an import (the news is old).
        return {**super().columns(values), "state": values["_state"], **values["_dated"]}


class UserBatch(ReferenceBatch):
    references = {"institute_id": True, "enterprise_id": True}
    model, action = User, "user.create"

    def __init__(self, actor, adapter):
        super().__init__(actor, adapter)
        self._emails: dict[str, int] | None = None
        self._staff_numbers: set[str] = set()  # the rows' held, not yet written

    def find(self, probe):
        """`Users.find` from every account's e-mail, read in one statement the first time:
        the accounts this run saves are found by their key (`Batch.take`)."""
        if self._emails is None:
            self._emails = dict(db.session.execute(select(User.email, User.id)).tuples().all())
        found = self._emails.get(accounts.normalise_email(probe.get("email") or ""))
        return None if found is None else db.session.get(User, found)

    def key(self, values):
        return values["email"]

    def check(self, values):
        if not values["active"]:
            return False  # `create_user`, then `update_user`: the row-by-row path
        email, roles, staff_number = accounts.check_new_user(
            self.actor, email=values["email"], name=values["name"], password=None,
            roles=values["roles"], staff_number=values["staff_number"],
            enterprise_id=values["enterprise_id"],
            email_taken=self._emails.__contains__)  # `find` read them
        if staff_number in self._staff_numbers:
            raise Invalid("staff_number", accounts.staff_number_taken())
        if staff_number is not None:
            self._staff_numbers.add(staff_number)
        values["_account"] = accounts.new_account(
            self.actor, email=email, name=values["name"], staff_number=staff_number,
            password=None, locale=values["locale"], institute_id=values["institute_id"],
            enterprise_id=values["enterprise_id"])
        values["_roles"] = sorted(roles)
        return True

    def columns(self, values):
        return values["_account"]

    def more(self, ids, rows):
        insert_rows(RoleGrant, [{"user_id": i, "role": role}
                                for i, v in zip(ids, rows, strict=True) for role in v["_roles"]])

    def audited(self, values):
        return {"roles": [[], [role.value for role in values["_roles"]]]}


class BulkInstitutes(Institutes):
    def batch(self, actor):
        return InstituteBatch(actor, self)


class BulkEnterprises(Enterprises):
    def batch(self, actor):
        return EnterpriseBatch(actor, self)


class BulkCentres(Centres):
    def batch(self, actor):
        return CentreBatch(actor, self)


class BulkNeeds(Needs):
    def batch(self, actor):
        return NeedBatch(actor, self)


class BulkUsers(Users):
    def batch(self, actor):
        return UserBatch(actor, self)

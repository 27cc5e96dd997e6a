"""A row of the achievements import: the achievement form of its project's register (title,
description, the contributors' table), saved by `save_achievement` as that page saves it; then
each right by the right form and `save_right`, each annuity by `add_annuity` and, once paid,
`pay_annuity`, as the right's page records them, by the importing HQ admin (who keeps every
project's register).

An achievement is found again by its project and title, a right by its kind, number and
jurisdiction (know-how, which has no number, by its title). The achievement and its rights
have edit pages, so a changed row updates them as those pages would (a right filed then
granted, a contributor's share corrected). An unpaid annuity's due date or fee is corrected
as the right's page corrects it (`edit_annuity`: a paid one only once its payment is
reversed); a payment is never edited: a re-import changes nothing, annuities and payments the
file adds are recorded, and a recorded payment the file changes or drops, or an annuity it
drops, is refused by name; so is a right the file drops (the tracker removes none: it is
marked lapsed or abandoned).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from tracker import db
from tracker.accounts import services as accounts
from tracker.accounts.models import User
from tracker.achievements import annuities as annuity_rules
from tracker.achievements import services as register
from tracker.achievements.forms import (
    CONTRIBUTOR_ROWS,
    AchievementForm,
    AnnuityForm,
    AnnuityPaidForm,
    RightForm,
)
from tracker.achievements.models import (
    Achievement,
    IpRight,
    Jurisdiction,
    PatentType,
    RightKind,
    RightStatus,
    number_key,
)
from tracker.achievements.queries import contributor_candidates
from tracker.errors import Forbidden, Invalid, Problems, Refused
from tracker.imports import cells, ip_columns, ledger_lines, list_cells
from tracker.imports.adapters import Adapter
from tracker.imports.cells import CellError, iso_date, read, unreadable
from tracker.imports.column_types import Column
from tracker.projects.models import Project

# (user id or None, name as written ("" for a user), share in per cent)
Line = tuple[int | None, str, Decimal | None]
# The right form's fields, in `register.RIGHT_FIELDS`' order.
Right = tuple
# (patent number, patent year, due on, fee, paid on, amount paid, why more than the fee)
AnnuityLine = tuple[str, int, date, Decimal, date | None, Decimal | None, str]


_KIND = Column("rights", "", choices=RightKind)
_PATENT = Column("rights", "", choices=PatentType)
_STATUS = Column("rights", "", choices=RightStatus)
_WHERE = Column("rights", "", choices=Jurisdiction)


def _words(text: str | None) -> str:
    return " ".join((text or "").split())


def contributors(text: str, project: Project | None, column: str = "contributors",
                 parts: re.Pattern = cells.PARTS) -> list[tuple[int | None, str, str]]:
    """'li@example.cn: 60; Wang Wu: 40' as the contributors' table's rows: a user (by e-mail,
    among those the form offers) or a person named, and the share as typed. `column` and
    `parts`: another column's list of them (a receipt's shares, separated by commas)."""
    offered = {u.id for u in contributor_candidates(project)} if project else None
    rows = []
    how = _("Write each contributor as an e-mail or a name and a share, e.g. li@example.cn: "
            "60; Wang Wu: 40.")
    refused = list_cells.BadEntries()  # every entry refused said at once
    for n, part in enumerate(cells.parts(text, parts), start=1):
        with refused.entry(n):
            who, share = cells.pair(part, column, how)
            if not who:
                raise CellError(how, column)
            if "@" in who:
                user = accounts.find_by_email(who)
                if user is None:
                    raise CellError(_("No account has the e-mail %(key)s.", key=who),
                                    column)
                if offered is not None and user.id not in offered:
                    raise CellError(_("%(name)s may not be chosen as a contributor: only the "
                                      "project's institute's people, its PM and its team.",
                                      name=who), column)
                rows.append((user.id, "", cells.number(share, column)))
            else:
                rows.append((None, who, cells.number(share, column)))
    refused.raise_any(column)
    if len(rows) > CONTRIBUTOR_ROWS:
        raise CellError(_("At most %(n)d contributors.", n=CONTRIBUTOR_ROWS), column)
    return rows


def rights(text: str) -> list[Right]:
    """'patent | Sensor housing | CN2024... | granted | 2024-03-01 | 2025-06-30 | invention'
    read by the right form, as its page reads it."""
    found = []
    refused = list_cells.BadEntries()  # every entry refused said at once
    for n, part in enumerate(cells.parts(text), start=1):
        with refused.entry(n):
            pieces = cells.pieces(part)
            if not 4 <= len(pieces) <= 9:
                raise CellError(_("Write each right as kind | title | number | status | filed on | "
                                  "granted on | patent type | jurisdiction | attorney costs (the "
                                  "last five if any)."), "rights")
            kind, title, number, status, filed, granted, patent_type, where, costs = (
                pieces + [""] * (9 - len(pieces)))
            form = RightForm(formdata=MultiDict({
                "kind": ledger_lines.choice(_KIND, kind, "rights"),
                "patent_type": ledger_lines.choice(_PATENT, patent_type, "rights")
                if patent_type else "",
                "title": title, "number": number,
                "jurisdiction": ledger_lines.choice(_WHERE, where, "rights") if where
                else Jurisdiction.CN.value,
                "status": ledger_lines.choice(_STATUS, status, "rights"),
                "filed_on": iso_date(filed), "granted_on": iso_date(granted),
                "attorney_costs": cells.money(costs, ip_columns.ACHIEVEMENTS, "rights")}))
            if not form.validate():
                raise CellError(ledger_lines.form_errors(form), "rights")
            kind = RightKind(form.kind.data)
            found.append((kind, (form.patent_type.data or None) if kind is RightKind.PATENT
                          else None, _words(form.title.data), (form.number.data or "").strip(),
                          Jurisdiction(form.jurisdiction.data),
                          form.status.data, form.filed_on.data, form.granted_on.data,
                          form.attorney_costs.data or Decimal("0")))
    refused.raise_any("rights")
    return found


def annuities(text: str) -> list[AnnuityLine]:
    """'CN2024... | 3 | 2026-03-01 | 900 | 2026-02-20 | 900' read by the annuity form and, when
    paid, the paid form (with its reason for a surcharge, when more than the fee was paid
    late), as the right's page reads them."""
    found = []
    refused = list_cells.BadEntries()  # every entry refused said at once
    for n, part in enumerate(cells.parts(text), start=1):
        with refused.entry(n):
            pieces = cells.pieces(part)
            if len(pieces) not in (4, 6, 7):
                raise CellError(_("Write each annuity as the patent's number | patent year | due "
                                  "on | fee, then paid on | amount paid once paid, then the "
                                  "surcharge's reason if more than the fee was paid."), "annuities")
            number, year, due, fee, paid_on, paid, reason = pieces + [""] * (7 - len(pieces))
            form = AnnuityForm(formdata=MultiDict({
                "year_no": year, "due_on": iso_date(due),
                "fee": cells.money(fee, ip_columns.ACHIEVEMENTS, "annuities")}))
            paid_form = AnnuityPaidForm(formdata=MultiDict({
                "paid_on": iso_date(paid_on),
                "amount": cells.money(paid, ip_columns.ACHIEVEMENTS, "annuities"),
                "late_fee_reason": reason}))
            is_paid = len(pieces) > 4
            if not form.validate() or (is_paid and not paid_form.validate()):
                raise CellError(ledger_lines.form_errors(form) or ledger_lines.form_errors(
                    paid_form), "annuities")
            found.append((number, form.year_no.data, form.due_on.data, form.fee.data,
                          paid_form.paid_on.data if is_paid else None,
                          paid_form.amount.data if is_paid else None,
                          (paid_form.late_fee_reason.data or "").strip() if is_paid else ""))
    refused.raise_any("annuities")
    return found


def recorded_contributors(achievement: Achievement) -> list[Line]:
    return [(c.user_id, "" if c.user_id else c.name, c.share_pct)
            for c in achievement.contributors]


def recorded_rights(achievement: Achievement) -> list[Right]:
    return [tuple(getattr(r, f) for f in register.RIGHT_FIELDS) for r in achievement.rights]


def recorded_annuities(achievement: Achievement) -> list[AnnuityLine]:
    return [(r.number, a.year_no, a.due_on, a.fee, a.paid_on, a.paid_amount,
             a.late_fee_reason or "") for r in achievement.rights for a in r.annuities]


def _patent(patents: list[IpRight], number: str) -> IpRight | None:
    """The patent an annuity names, its number compared as the register compares it
    (`number_key`): CN 2024 1 0123456.7 is CN202410123456.7."""
    return next((r for r in patents if number_key(number, r.jurisdiction)
                 == number_key(r.number, r.jurisdiction)), None)


def _same_right(line: Right, right: IpRight) -> bool:
    kind, _type, title, number, where = line[:5]
    if number:  # as the register compares numbers: spaces and the office's prefix aside
        return (right.kind, right.number_key, right.jurisdiction) == (
            kind, number_key(number, where), where)
    return (right.kind, right.number, right.title) == (kind, "", title)


def _not_retitled(project: Project, values: dict) -> None:
    """A row whose title finds no achievement of its project, while a right it lists (by its
    number) is registered on one of them, or its description and contributors are one's,
    changes that achievement's title, by which an import finds it: refused beside the title,
    the achievement named, rather than recorded as a second one (issue 13). A row whose
    description is not that achievement's is another achievement: its right's number is
    refused beside the rights, as already the other's, named."""
    if project is None:
        return
    for achievement in db.session.scalars(select(Achievement).where(
            Achievement.project_id == project.id).order_by(Achievement.id)):
        right = next((r for line in values["rights"] or [] if line[3]
                      for r in achievement.rights if _same_right(line, r)), None)
        if right is not None and values["description"] != achievement.description:
            # Another achievement, not this one retitled: its patent number is the other's.
            field, message = "rights", _(
                "The number %(number)s is already that of the project's achievement "
                "%(title)s (%(right)s): a right is registered on one achievement. Correct the "
                "number; or, if this row is that achievement under a new title, change its "
                "title on its page first.", number=right.number, title=achievement.title,
                right=right.name)
        elif right is not None or (values["description"] and (
                values["description"], values["contributors"]) == (
                achievement.description, recorded_contributors(achievement))):
            why = (_("%(right)s is registered on it", right=right.name) if right is not None
                   else _("its description and contributors are this row's"))
            field, message = "title", _(
                "The project's achievement %(title)s is recorded under that title and "
                "%(why)s: this row changes its title, by which an import finds it, so it would "
                "record a second achievement. Change the title on the achievement's page, then "
                "import the file again.", title=achievement.title, why=why)
        else:
            continue
        raise Invalid(field, message)


class Achievements(Adapter):
    refused_in = "project_id"
    kind, model, form_class = ip_columns.ACHIEVEMENTS, Achievement, AchievementForm
    fields = ("title", "description")

    def find(self, values):
        if not values.get("project_id"):
            return None
        return db.session.scalar(select(Achievement).where(
            Achievement.titled(values["project_id"], values.get("title"))))

    def name(self, values):
        return f"{values.get('project_id', '')} · {values.get('title', '')}"

    def current(self, obj):
        return {"title": obj.title, "description": obj.description,
                "project_id": obj.project_id, "contributors": recorded_contributors(obj),
                "rights": recorded_rights(obj), "annuities": recorded_annuities(obj)}

    def form(self, formdata, obj, refs):
        project = db.session.get(Project, refs.get("project_id") or 0)
        # A project the row does not name is said beside its column; whom it offers as
        # contributors is not checked (`more_formdata`): the users the row names are offered.
        named = [db.session.get(User, int(v)) for k, v in formdata.items()
                 if k.endswith("-user_id") and v.isdigit() and int(v)]
        return AchievementForm(formdata=formdata, data=self.form_data(obj),
                               users=contributor_candidates(project) if project else named)

    def more_formdata(self, given, obj):
        project = db.session.get(Project, int((given.get("project_id") or ["0"])[0] or 0))
        rows = None
        if unreadable("project_id"):  # what rests on it is not checked (cells.unreadable)
            project = None
        if "contributors" in given:
            rows = read("contributors", contributors, (given["contributors"] or [""])[0],
                        project)
        if rows is None:  # none given, or none read: as recorded
            rows = ([(u, n, format(s, "f")) for u, n, s in recorded_contributors(obj)]
                    if obj is not None else [])
        data = {}
        for i, (user_id, name, share) in enumerate(rows):
            data[f"contributors-{i}-user_id"] = [str(user_id or 0)]
            data[f"contributors-{i}-name"] = [name]
            data[f"contributors-{i}-share_pct"] = [share]
        return data

    def values(self, form, given):
        text = {k: (v[0] if v else "") for k, v in given.items()}
        return {"title": _words(form.title.data),
                "description": (form.description.data or "").strip(),
                "project_id": int(text.get("project_id") or 0),
                "contributors": [(row.user_id.data or None,
                                  "" if row.user_id.data else _words(row.name.data),
                                  row.share_pct.data) for _i, row in form.numbered_rows()],
                "rights": read("rights", rights, text["rights"]) if "rights" in text else None,
                "annuities": (read("annuities", annuities, text["annuities"])
                              if "annuities" in text else None)}

    def save(self, actor, obj, values):
        project = db.session.get(Project, values["project_id"])
        if obj is None:
            _not_retitled(project, values)
        try:
            achievement = register.save_achievement(
                actor, project, obj, title=values["title"], description=values["description"],
                contributors=[register.ContributorLine(user_id=u, name=n, share_pct=s)
                              for u, n, s in values["contributors"]])
        except Refused as refused:  # not an approved project: said in its column
            raise Invalid("project_id", refused.message) from None
        problems = Problems()  # every problem of the row at once, each in its column
        if values["rights"] is not None:
            self._rights(actor, achievement, values["rights"], problems)
        if values["annuities"] is not None and not problems and not unreadable("rights"):
            self._annuities(actor, achievement, values["annuities"], problems)
        problems.raise_any()
        return achievement

    @staticmethod
    def _rights(actor, achievement: Achievement, wanted: list[Right],
                problems: Problems) -> None:
        """Each right saved as its page saves it, created or changed; none dropped."""
        recorded = list(achievement.rights)
        for line in wanted:
            right = next((r for r in recorded if _same_right(line, r)), None)
            if right is not None:
                recorded.remove(right)
                if tuple(getattr(right, f) for f in register.RIGHT_FIELDS) == line:
                    continue
            try:
                register.save_right(actor, achievement, right,
                                    **dict(zip(register.RIGHT_FIELDS, line, strict=True)))
            except Invalid as error:
                named = f"{line[3]} {line[2]}".strip()
                problems.found += [("rights", _("%(right)s: %(problem)s", right=named,
                                                problem=message))
                                   for _field, message in error.problems]
        for right in recorded:
            problems.add("rights", _("%(right)s is recorded and missing from the file: an "
                                     "import does not remove a right (mark it lapsed or "
                                     "abandoned on its page).", right=right.name))

    @staticmethod
    def _annuities(actor, achievement: Achievement, wanted: list[AnnuityLine],
                   problems: Problems) -> None:
        """Annuities the file adds, an unpaid one's due date or fee corrected (`edit_annuity`,
        as the right's page corrects it; a paid one once its payment is reversed there), and
        payments of those unpaid; no payment changed, nothing dropped."""
        db.session.expire(achievement, ["rights"])
        patents = [r for r in achievement.rights if r.kind is RightKind.PATENT]
        given = set()
        for number, year, due, fee, paid_on, paid, reason in wanted:
            right = _patent(patents, number)
            if right is None:
                problems.add("annuities", _("The achievement has no patent numbered "
                                            "%(number)s.", number=number))
                continue
            given.add((right.id, year))
            annuity = next((a for a in right.annuities if a.year_no == year), None)
            named = _("%(right)s, year %(year)d", right=right.name, year=year)
            if annuity is not None and annuity.paid and (
                    (annuity.paid_on, annuity.paid_amount, annuity.late_fee_reason or "")
                    != (paid_on, paid, reason)):
                problems.add("annuities", _(
                    "%(annuity)s: a recorded payment is not changed or removed by an import: "
                    "reverse it on the right's page, with the reason.", annuity=named))
                continue
            try:
                if annuity is None:
                    annuity = register.add_annuity(actor, right, year_no=year, due_on=due,
                                                   fee=fee)
                elif (annuity.due_on, annuity.fee) != (due, fee):  # as the right's page does
                    annuity_rules.edit_annuity(actor, annuity, due_on=due, fee=fee)
                if paid_on is not None and not annuity.paid:
                    register.pay_annuity(actor, annuity, paid_on=paid_on, amount=paid,
                                         late_fee_reason=reason)
            except Invalid as error:
                problems.found += [("annuities", _("%(right)s: %(problem)s", right=named,
                                                   problem=message))
                                   for _field, message in error.problems]
            except (Refused, Forbidden) as error:
                problems.add("annuities", _("%(right)s: %(problem)s", right=named,
                                            problem=error.message))
        for right in patents:
            for number, year in ((right.number, a.year_no) for a in right.annuities
                                 if (right.id, a.year_no) not in given):
                problems.add("annuities", _("The annuity of year %(year)d of %(number)s is "
                                            "recorded and missing from the file: an import "
                                            "does not remove it.", year=year, number=number))

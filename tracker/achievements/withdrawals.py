"""An achievement or a right recorded by mistake, or against the wrong project: moved to the
right project, or withdrawn (voided with a reason) when nothing depends on it. A withdrawn one
stays, with its history, and is marked so on its page; it leaves the register's lists, the
annual report's figures (patents filed and granted, achievements transferred) and the
reminders (its annuities), and its number is free to be registered again.

What depends on an achievement: its transfers and licences (their income was split among its
contributors and counts for its project's institute), and what depends on its rights. What
depends on a right: an annuity paid (reverse the payment first). Both are refused naming them
(409), and the page offers neither form while they stand.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from tracker import corrections, db, voids
from tracker.accounts.models import User
from tracker.achievements import annuities, queries
from tracker.achievements.deal_models import Transfer
from tracker.achievements.models import Achievement, IpRight
from tracker.audit import services as audit
from tracker.display.formatting import day
from tracker.display.labels import label
from tracker.display.said import listed
from tracker.errors import Problems, require
from tracker.projects import codes
from tracker.projects.lifecycle import NOT_APPROVED
from tracker.projects.models import Project


def record_refusal(project: Project) -> str | None:
    """Why `project` takes no achievement, by its phase, whoever keeps its register
    (`Achievement.can_record`): a draft or a proposal under review has no results yet, nor a
    rejected one, and the register's figures count only research HQ took on. None when it
    takes them (a project closed after its approval keeps recording what it achieved)."""
    if project.phase in NOT_APPROVED:
        return _("%(project)s (%(phase)s) is not approved: its achievements are recorded "
                 "once it has passed gate 1.", project=project.title,
                 phase=label(project.phase))
    return None


def withdrawn_refusal(*records: Achievement | IpRight | None) -> str | None:
    """Nothing more is recorded for a withdrawn achievement or right (None when neither is),
    in the words of every refusal of a withdrawn record (`voids.refusal`)."""
    return next((said for record in records if record is not None
                 and (said := voids.refusal(record)) is not None), None)


def _deals(achievement: Achievement) -> list[Transfer]:
    return list(db.session.scalars(select(Transfer).where(
        Transfer.achievement_id == achievement.id, Transfer.standing())
        .order_by(Transfer.signed_on, Transfer.id)))


def _deals_said(deals: list[Transfer]) -> str:
    return listed((f"{label(t.kind)} · {t.enterprise.shown('name')} · {day(t.signed_on)}"
                     for t in deals), apart=True)


def right_refusal(right: IpRight) -> str | None:
    """Why the right can't be withdrawn (already; an annuity paid); None when it can."""
    if (said := voids.refusal(right)) is not None:
        return said
    paid = [a for a in right.annuities if a.paid]
    if paid:
        return _("Annuities of %(right)s are paid (year %(years)s): reverse those payments "
                 "first, then withdraw the right.", right=right.name,
                 years=listed(str(a.year_no) for a in paid))
    return None


def right_offers(user: User, right: IpRight) -> dict:
    """What the right's page offers `user`: its correction (`may_manage`) and withdrawal, its
    annuities' correction (`editable`) and payment's reversal (`reversible`); each theirs to
    do (kept by them) and no state refusing it (neither it nor its achievement withdrawn, the
    annuity's own refusals)."""
    manage = right.can_change(user) and withdrawn_refusal(right.achievement, right) is None
    return {"may_manage": manage, "may_withdraw": manage and right_refusal(right) is None,
            "editable": {a.id for a in right.annuities if manage and a.can_edit(user)
                         and annuities.edit_refusal(a) is None},
            "reversible": {a.id for a in right.annuities if manage and a.can_reverse(user)
                           and annuities.reverse_refusal(a) is None}}


def achievement_refusal(achievement: Achievement) -> str | None:
    """Why the achievement can't be withdrawn (already; its deals; a right's paid annuity)."""
    if (said := voids.refusal(achievement)) is not None:
        return said
    if deals := _deals(achievement):
        return _("Transfers or licences of this achievement are recorded (%(deals)s): their "
                 "income was split among its contributors, so it stays.",
                 deals=_deals_said(deals))
    for right in achievement.rights:
        if not right.is_void and (said := right_refusal(right)) is not None:
            return said
    return None


def move_refusal(achievement: Achievement) -> str | None:
    """Why the achievement can't be moved to another project (withdrawn; its deals, whose
    income counts for its project's institute); None when it can."""
    if (said := voids.refusal(achievement)) is not None:
        return said
    if deals := _deals(achievement):
        return _("Transfers or licences of this achievement are recorded (%(deals)s): their "
                 "income counts for the institute of %(project)s, so the achievement stays "
                 "with it.", deals=_deals_said(deals), project=achievement.project.title)
    return None


def _withdraw(actor: User, record: Achievement | IpRight, reason: str | None,
              action: str) -> None:
    if isinstance(record, IpRight):
        record.number_key = None  # the number is free again; kept as it was written
    else:
        record.title_key = None  # the title is free again in its project; kept as written
    voids.void(actor, record, reason, action)


def withdraw_right(actor: User, right: IpRight, reason: str) -> IpRight:
    """A right recorded by mistake, withdrawn: its unpaid annuities are no longer reminded."""
    require(right.achievement.can_manage(actor), lambda: right_refusal(right),
            lock=lambda: db.lock(right))
    _withdraw(actor, right, reason, "ip_right.withdraw")
    return right


def withdraw_achievement(actor: User, achievement: Achievement, reason: str) -> Achievement:
    """An achievement recorded by mistake, withdrawn with the rights recorded for it."""
    require(achievement.can_manage(actor), lambda: achievement_refusal(achievement),
            lock=lambda: db.lock(achievement))
    problems = Problems()
    reason = corrections.reason_of(problems, reason)  # once, before any right is withdrawn
    problems.raise_any()
    for right in achievement.rights:
        if not right.is_void:
            _withdraw(actor, right, reason, "ip_right.withdraw")
    _withdraw(actor, achievement, reason, "achievement.withdraw")
    return achievement


def move_achievement(actor: User, achievement: Achievement, *, code: str,
                     reason: str) -> Achievement:
    """An achievement recorded against the wrong project, moved to the project named by its
    code, with its rights and annuities; its contributors stay as recorded. Refused while
    deals tie it to its project (`move_refusal`)."""
    require(achievement.can_manage(actor), lambda: move_refusal(achievement),
            lock=lambda: db.lock(achievement))
    problems = Problems()
    code = codes.spelt(code)
    target = codes.find(code)
    if target is None:
        problems.add("project", _("No project has the code %(code)s.", code=code or "—"))
    elif target.id == achievement.project_id:
        problems.add("project", _("The achievement is recorded for %(code)s already.",
                                  code=code))
    elif (said := record_refusal(target)) is not None:
        problems.add("project", said)
    elif not Achievement.can_record(actor, target):
        problems.add("project", _("The register of %(project)s is kept by its project "
                                  "manager and HQ admins.", project=target.title))
    elif (twin := queries.titled_twin(target, achievement.title, achievement)) is not None:
        problems.add("project", queries.listed_already(achievement.title, twin))
    if not (reason or "").strip():
        problems.add("reason", _("Say why it was recorded against the wrong project."))
    problems.raise_any()
    before = achievement.project
    achievement.project_id = target.id
    achievement.project = target
    audit.record(actor, "achievement.move", achievement, {
        "project": [f"{before.code or ''} {before.title}".strip(),
                    f"{target.code or ''} {target.title}".strip()],
        "reason": [None, reason.strip()]})
    db.session.flush()
    return achievement

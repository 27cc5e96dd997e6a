"""Recusal (回避): which experts of the pool may not be drawn for a project's panel, and why.

One place for each rule, each giving the sentence the panel page shows beside the expert:

- **same unit**: the expert works for the project's institute or its partner enterprise (by
  the unit's record, or by its name as written);
- **a stake**: the expert's account is the project's PM, on its team or at its partner
  enterprise (`Project.stake_of`, as for any evaluator), or the expert or their unit holds
  shares in the project's company;
- **recent collaboration**: the expert was this project's PM, or worked with its PM (as PM or
  confirmed team member of the same project) on a project that ended within
  `EXPERT_COLLABORATION_YEARS` (a setting, default 3 years).

An expert without an account, or out of the pool, is not drawn either: said the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from tracker import db
from tracker.accounts.models import User
from tracker.companies.models import Company, Shareholder, company_projects
from tracker.dates import today
from tracker.display.formatting import before_stop
from tracker.experts.models import Expert
from tracker.projects.models import Project, ProjectMember
from tracker.settings import catalogue
from tracker.settings import services as settings


def _name_key(name: str | None) -> str:
    return " ".join((name or "").split()).casefold()


def _same_unit(project: Project, expert: Expert) -> str | None:
    institute, partner = project.institute, project.partner_enterprise
    names = {_name_key(institute.name), _name_key(institute.name_en)} - {""}
    if expert.unit_institute_id == institute.id or _name_key(expert.unit) in names or (
            expert.user is not None and expert.user.institute_id == institute.id):
        return _("%(name)s works at the project's institute, %(unit)s.",
                 name=expert.name, unit=before_stop(institute.shown("name")))
    if partner is not None:
        partner_names = {_name_key(partner.name), _name_key(partner.name_en)} - {""}
        if expert.unit_enterprise_id == partner.id or _name_key(expert.unit) in partner_names:
            return _("%(name)s works at the project's partner enterprise, %(unit)s.",
                     name=expert.name, unit=before_stop(partner.shown("name")))
    return None


def _holders(project: Project) -> dict[str, str]:
    """The holders of the project's company, by each name they go by (an organisation's in
    either language), as compared -> the company's name."""
    rows = db.session.execute(
        select(Shareholder, Company.name).join(Company, Company.id == Shareholder.company_id)
        .join(company_projects, company_projects.c.company_id == Company.id)
        .where(company_projects.c.project_id == project.id)).all()
    return {_name_key(name): company for holder, company in rows for name in holder.names()}


STAKE_MESSAGES = {
    "pm": lambda: _("%(name)s is the project manager of this project."),
    "team": lambda: _("%(name)s is on the project team."),
    "partner": lambda: _("%(name)s is affiliated with the partner enterprise."),
}


def stake_refusal(project: Project, user: User) -> str | None:
    """Why `user` may not review `project` for a stake in it (any evaluator, in the pool or
    not), or None."""
    stake = project.stake_of(user)
    if stake is None:
        return None
    return STAKE_MESSAGES[stake]() % {"name": user.name} + " " + _(
        "Someone with a stake in a project never reviews it.")


def _stake(project: Project, expert: Expert, holders: dict[str, str]) -> str | None:
    if expert.user is not None and (refusal := stake_refusal(project, expert.user)):
        return refusal
    for who in (expert.name, expert.unit):
        company = holders.get(_name_key(who))
        if company is not None:
            return _("%(holder)s holds shares in the project's company %(company)s.",
                     holder=who, company=before_stop(company))
    return None


def collaborators(project: Project, on: date | None = None) -> dict[int, str]:
    """Users who worked with the project's PM within the setting's years, each with the
    reference of a project they shared (this project's former PMs too)."""
    years = int(settings.get(catalogue.EXPERT_COLLABORATION_YEARS))
    on = on or today()
    since = on.replace(year=on.year - years) if not (on.month == 2 and on.day == 29) else (
        on.replace(year=on.year - years, day=28))
    pm = project.pm_id
    confirmed = select(ProjectMember.project_id).where(ProjectMember.user_id == pm,
                                                       ProjectMember.confirmed)
    shared = list(db.session.scalars(select(Project).where(
        Project.id != project.id, Project.end_date >= since,
        or_(Project.pm_id == pm, Project.id.in_(confirmed)))
        .options(selectinload(Project.members))))
    found: dict[int, str] = {}
    for other in shared:
        for uid in {other.pm_id, *other.member_ids} - {pm}:
            found.setdefault(uid, other.reference)
    for handover in project.handovers:
        found.setdefault(handover.from_pm_id, project.reference)
    return found


def _collaboration(project: Project, expert: Expert, worked_with: dict[int, str]) -> str | None:
    if expert.user_id is None or expert.user_id not in worked_with:
        return None
    years = int(settings.get(catalogue.EXPERT_COLLABORATION_YEARS))
    shared = worked_with[expert.user_id]
    if shared == project.reference:
        return _("%(name)s was this project's project manager.", name=expert.name)
    return ngettext("%(name)s worked with the project manager on %(project)s within the "
                    "last %(num)d year.", "%(name)s worked with the project manager on "
                    "%(project)s within the last %(num)d years.", years, name=expert.name,
                    project=shared)


def exclusions(project: Project, experts: Iterable[Expert]) -> dict[int, list[str]]:
    """Each expert's reasons not to be drawn for `project` (an empty list: may be drawn)."""
    holders = _holders(project)
    worked_with = collaborators(project)
    found: dict[int, list[str]] = {}
    for expert in experts:
        reasons = [r for r in (_same_unit(project, expert), _stake(project, expert, holders),
                               _collaboration(project, expert, worked_with)) if r]
        if not expert.active:
            reasons.append(_("%(name)s is no longer in the pool.", name=expert.name))
        if expert.user is None:
            reasons.append(_("%(name)s has no account to score with yet.", name=expert.name))
        elif not expert.user.active:
            reasons.append(_("%(name)s's account is deactivated.", name=expert.name))
        found[expert.id] = reasons
    return found


def expert_of(user_ids: Iterable[int]) -> dict[int, Expert]:
    """The experts of these accounts, by account."""
    ids = list(user_ids)
    if not ids:
        return {}
    return {e.user_id: e for e in db.session.scalars(select(Expert).where(
        Expert.user_id.in_(ids)))}

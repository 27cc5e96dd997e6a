"""Objects for tests, with sensible defaults; only what a test names differs."""

from __future__ import annotations

import itertools
from decimal import Decimal
from functools import cache

from sqlalchemy import func, select

from tracker import db
from tracker.accounts.models import MFA_REQUIRED_ROLES, Role, RoleGrant, User
from tracker.accounts.passwords import hash_password
from tracker.organisations.models import (
    Enterprise,
    Headquarters,
    Institute,
    InstituteType,
    JointInnovationCentre,
    NeedState,
    TechnologyNeed,
)
from tracker.organisations.uscc import check_character
from tracker.regions.defaults import JIANGSU
from tracker.regions.models import Region

PASSWORD = "correct-horse-battery"


def _commit() -> None:
    """Commit what a factory made. The test's outer transaction is still rolled back after the
    test (conftest); committing here only releases the savepoint, so a view that rolls back
    its own failed work does not take the test's data with it."""
    db.session.commit()
_seq = itertools.count(1)


@cache
def _password_hash() -> str:
    # Argon2 is slow on purpose; hash the shared test password once per process.
    return hash_password(PASSWORD)


# The second factor of test users whose roles require one (tests/conftest.py:login uses it).
TOTP_SECRET = "TESTTRACKERTOTPSECRETFORTHESUITE"


def make_user(*roles: Role, email: str | None = None, locale: str | None = "en",
              mfa: bool | None = None, **kw) -> User:
    """`mfa` None: enrolled when the roles require it (HQ admin, investment committee)."""
    n = next(_seq)
    if mfa is None:
        mfa = bool(set(roles) & MFA_REQUIRED_ROLES)
    user = User(
        email=(email or f"user{n}@example.cn").lower(),
        name=kw.pop("name", f"User {n}"),
        password_hash=_password_hash(),
        locale=locale,
        totp_secret=TOTP_SECRET if mfa else None,
        mfa_enabled_at=db.utcnow() if mfa else None,
        **kw,
    )
    user.role_grants = [RoleGrant(role=r) for r in roles]
    db.session.add(user)
    _commit()
    return user


def make_hq() -> Headquarters:
    from sqlalchemy import select

    hq = db.session.scalar(select(Headquarters).where(Headquarters.code == "TEST"))
    if hq is None:
        hq = Headquarters(code="TEST", name="Test HQ")
        db.session.add(hq)
        _commit()
    return hq


def make_region(code: str = "north", **kw) -> Region:
    """The test headquarters' region of `code`, made the first time it is asked for: one of
    JITRI's (`regions.defaults.JIANGSU`) by default, named as the demo names them."""
    hq = make_hq()
    region = db.session.scalar(select(Region).where(Region.hq_id == hq.id, Region.code == code))
    if region is None:
        name, name_en = {c: (n, e) for c, n, e in JIANGSU}.get(code, (f"区域 {code}", None))
        count = db.session.scalar(select(func.count(Region.id)).where(Region.hq_id == hq.id))
        region = Region(hq_id=hq.id, code=code, name=kw.pop("name", name),
                        name_en=kw.pop("name_en", name_en), position=count + 1, **kw)
        db.session.add(region)
        _commit()
    return region


def make_institute(director: User | None = None, **kw) -> Institute:
    n = next(_seq)
    institute = Institute(
        hq_id=make_hq().id, code=kw.pop("code", f"I{n}"), name=kw.pop("name", f"Institute {n}"),
        field=kw.pop("field", "Materials"), type=kw.pop("type", InstituteType.INDEPENDENT),
        director_id=director.id if director else None, **kw,
    )
    db.session.add(institute)
    _commit()
    return institute


def uscc_for(n: int) -> str:
    first17 = f"91320000{n:09d}"
    return first17 + check_character(first17)


def make_enterprise(**kw) -> Enterprise:
    n = next(_seq)
    enterprise = Enterprise(
        name=kw.pop("name", f"Enterprise {n}"), uscc=kw.pop("uscc", uscc_for(n)),
        city=kw.pop("city", "Suzhou"), industry=kw.pop("industry", "Machinery"), **kw,
    )
    db.session.add(enterprise)
    _commit()
    return enterprise


def make_centre(enterprise: Enterprise | None = None, **kw) -> JointInnovationCentre:
    n = next(_seq)
    centre = JointInnovationCentre(name=kw.pop("name", f"Centre {n}"),
                                   enterprise_id=(enterprise or make_enterprise()).id, **kw)
    db.session.add(centre)
    _commit()
    return centre


def make_need(institute: Institute | None = None, enterprise: Enterprise | None = None,
              **kw) -> TechnologyNeed:
    n = next(_seq)
    need = TechnologyNeed(
        title=kw.pop("title", f"Need {n}"), enterprise_id=(enterprise or make_enterprise()).id,
        institute_id=institute.id if institute else None,
        intended_investment=kw.pop("intended_investment", Decimal("1000000.00")),
        state=kw.pop("state", NeedState.MATCHED if institute else NeedState.COLLECTED), **kw,
    )
    db.session.add(need)
    _commit()
    return need


def make_project(pm: User | None = None, institute: Institute | None = None, **kw):
    """A project in draft (or in `phase=`), with one budget line; through the service. Its
    lines are free (no template, as a project recorded before templates) unless
    `budget_template_id` is given; `budget_lines` replaces the one line."""
    from datetime import date

    from tracker.projects import codes
    from tracker.projects import services as projects
    from tracker.projects.models import ProjectType

    pm = pm or make_user(Role.PROJECT_MANAGER)
    phase = kw.pop("phase", None)
    values = {
        "title": kw.pop("title", f"Project {next(_seq)}"), "summary": "", "field": "Materials",
        "type": kw.pop("type", ProjectType.PM_MAJOR),
        "institute_id": (institute or make_institute()).id, "partner_enterprise_id": None,
        "need_id": None, "trl_now": 6, "trl_target": 8, "budget_total": Decimal("3000000.00"),
        "start_date": date(2026, 1, 1), "end_date": date(2028, 12, 31),
    }
    values.setdefault("budget_template_id", None)
    lines = kw.pop("budget_lines", [("Equipment", Decimal("1000000.00"))])
    values.update(kw)
    project = projects.create_proposal(pm, budget_lines=lines, member_ids=[], **values)
    if phase is not None:
        project.phase = phase  # a shortcut for tests that start mid-lifecycle
        if phase != "draft":
            codes.assign_code(pm, project)
    _commit()
    return project


def install_gates(quorum: int = 3) -> None:
    from tracker.gates.defaults import install_defaults
    from tracker.gates.models import GateTemplate

    install_defaults()
    for template in db.session.scalars(select(GateTemplate)):
        template.quorum = quorum
    _commit()


def endorse_all(request) -> None:
    """Every signature a submission to the institute still needs, level by level, each
    signer endorsing in their own name (tracker/approvals): for tests whose subject is what
    comes after the institute. None (nobody at the institute signs): nothing to do."""
    from tracker.approvals import services as approvals

    while request is not None and request.is_pending:
        step = next(s for s in request.current_steps if s.verdict is None)
        approvals.endorse(step.approver, request, "")
    _commit()


def submit_endorsed(project):
    """Submit the proposal as its PM and have the institute endorse it: it is in proposal
    review, gate 1 requested, whether or not its institute has a director."""
    from tracker.projects import services as projects

    endorse_all(projects.submit_proposal(project.pm, project))
    _commit()
    return project


def make_pm_record(user: User | None, institute: Institute | None, *, by: User,
                   state=None, appointed_at=None, starts_on=None, ends_on=None, **kw):
    """A register record; given `appointed_at`, appointed for a first term at `institute`
    (recorded at that instant, as migrated or imported records are)."""
    from tracker.pms.models import Origin, PmRecord, PmTerm
    from tracker.pms.register import PmState

    n = next(_seq)
    record = PmRecord(name=kw.pop("name", user.name if user else f"Candidate {n}"),
                      email=kw.pop("email", user.email if user else f"candidate{n}@example.cn"),
                      origin=kw.pop("origin", Origin.DOMESTIC),
                      institute_id=institute.id if institute else None,
                      user_id=user.id if user else None, created_by_id=by.id, reason="",
                      state=state or (PmState.APPOINTED if appointed_at else PmState.CANDIDATE),
                      **kw)
    db.session.add(record)
    db.session.flush()
    if appointed_at is not None:
        db.session.add(PmTerm(record_id=record.id, institute_id=institute.id,
                              starts_on=starts_on or appointed_at.date(),
                              ends_on=ends_on or appointed_at.date().replace(
                                  year=appointed_at.year + 3),
                              appointed_at=appointed_at, recorded_by_id=by.id))
    _commit()
    return record

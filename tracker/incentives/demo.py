"""Demo data: a spin-off with its incentive pool and grants to named researchers.

The small demo's projects are all before HQ's investment decision, and a company comes only
from a project past it (`companies.prerequisites.not_a_spin_off_source`): the spin-off's
project is imported as HQ imports its earlier projects (`tracker.imports`, the route it took
through the gates recorded), then the company is registered and incorporated, and the pool
grants to the demo PM 李强 (options vested past the cliff, some exercised), to 赵磊 (options
granted four months ago, before their cliff) and to 孙浩, who left a month ago (unvested
options lapsed, the vested ones exercisable within the window). 李强 and 赵磊 see theirs on
their home page ("My equity").
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select

from tracker import db
from tracker.companies import services as companies
from tracker.companies.models import Acquisition, Company, HolderType
from tracker.companies.services import IssueLine
from tracker.dates import today
from tracker.imports import services as imports
from tracker.imports.models import ImportState
from tracker.incentives import services
from tracker.organisations.uscc import check_character
from tracker.projects.models import Project

if TYPE_CHECKING:
    from tracker.accounts.models import User

COMPANY = "苏州力控智能装备有限公司"
PROJECT = "协作机器人一体化关节量产"
TECHNOLOGY = "协作机器人力控关节"
POOL = "员工持股平台（激励池）"


def _project(admin: User, pm: User, code: str, institute: str, started: date) -> Project | None:
    """The spin-off's project, imported with its gates passed (one row of the projects
    template); None when the import refused it (the seed then leaves the company out)."""
    gates = "; ".join(f"{g}: {(started + timedelta(days=150 * g)).isoformat()}"
                      for g in (1, 2, 3))
    rows = [["code", "title", "field", "type", "institute_id", "pm_id", "budget_total",
             "budget_lines", "start_date", "end_date", "phase", "gates_passed_on", "trl_now",
             "trl_target"],
            [code, PROJECT, "机器人", "allocation_investment", institute, pm.email, "5000000",
             "设备费: 2000000; 业务费: 2000000; 劳务费: 1000000", started.isoformat(),
             (started + timedelta(days=3 * 365)).isoformat(), "spin_off", gates, "7", "9"]]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    run = imports.run_import(admin, "projects", "demo-spin-off.csv",
                             io.BytesIO(out.getvalue().encode("utf-8")))
    if run.state is not ImportState.DONE:
        return None
    return db.session.scalar(select(Project).where(Project.code == code))


def seed_incentives(admin: User, users: dict[str, User], institute_code: str) -> int:
    """1 when the company and its grants were created, 0 when they were there already."""
    if db.session.scalar(select(Company.id).where(Company.name == COMPANY)):
        return 0
    pm, researcher = users["pm@demo.jitri.cn"], users["evaluator3@demo.jitri.cn"]
    registered = today() - timedelta(days=760)
    project = _project(admin, pm, f"JITRI-{registered.year - 1}-0901", institute_code,
                       registered - timedelta(days=600))
    if project is None:
        return 0
    first17 = "91320594MA27XQ5L8"
    company = companies.record_company(
        admin, name=COMPANY, uscc=first17 + check_character(first17), registered_on=registered,
        registered_capital=Decimal("10000000.00"), legal_representative=pm.name,
        project_ids=[project.id])
    lines = [IssueLine("力控关节研发团队", HolderType.TEAM, Decimal("6000000"), Acquisition.IP,
                       TECHNOLOGY),
             IssueLine("江苏省产业技术研究院", HolderType.HQ, Decimal("2500000"), Acquisition.CASH),
             IssueLine(POOL, HolderType.INCENTIVE_POOL, Decimal("1500000"), Acquisition.CASH)]
    companies.incorporate(admin, company, lines, registered, Decimal("10000000"))
    pool = next(p for p in services.pools(company))
    common = {"pool_id": pool.id, "kind": "options", "exercise_price": Decimal("1.00"),
              "vesting_months": 48, "cliff_months": 12, "note": "董事会决议 2024-3 号"}
    # 李强: granted 22 months ago, vested past the cliff; 50,000 exercised last month.
    granted = registered + timedelta(days=90)
    lead = services.grant(admin, company, user=pm, person_name="", shares=Decimal("300000"),
                          granted_on=granted, vesting_start=granted,
                          lock_up_until=today() + timedelta(days=365), **common)
    services.exercise(admin, lead, today() - timedelta(days=30), Decimal("50000"))
    # 赵磊: four months ago, nothing vested before the cliff.
    recent = today() - timedelta(days=120)
    services.grant(admin, company, user=researcher, person_name="", shares=Decimal("200000"),
                   granted_on=recent, vesting_start=recent, lock_up_until=None, **common)
    # 孙浩 (no account): left a month ago; the vested options stay exercisable 90 days.
    leaver = services.grant(admin, company, user=None, person_name="孙浩",
                            shares=Decimal("150000"), granted_on=granted,
                            vesting_start=granted, lock_up_until=None, **common)
    services.forfeit(admin, leaver, today() - timedelta(days=30), "个人原因离职，转往高校任教。")
    db.session.flush()
    return 1

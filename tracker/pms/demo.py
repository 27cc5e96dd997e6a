"""Demo data of the project-manager register: the demo PM (李强) appointed at the robotics
institute, his term ending in two months (HQ's term-end reminder is on its way); 孙悦
interviewed and appointed through the service, which made her account with the PM role; a
team they form; and a candidate in each other state: recorded, interviewed (another round),
not appointed (with the reason), appointment ended early (with the reason)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from tracker import db
from tracker.accounts.models import User
from tracker.dates import today
from tracker.organisations.models import Institute
from tracker.pms import services
from tracker.pms.models import InterviewOutcome, Origin, PmRecord
from tracker.techfields.models import TechnicalField


def _field_ids(*codes: str) -> list[int]:
    return list(db.session.scalars(select(TechnicalField.id).where(
        TechnicalField.code.in_(codes))))


def _backdate(record: PmRecord, on: date) -> None:
    """A demo appointment recorded on its term's first day, not on the day of the seed."""
    record.terms[-1].appointed_at = datetime.combine(on, time(2), UTC)


def _candidate(admin: User, name: str, email: str, origin: Origin, institute: Institute,
               *codes: str) -> PmRecord:
    return services.save_record(admin, None, name=name, email=email, origin=origin,
                                institute_id=institute.id, field_ids=_field_ids(*codes))


def seed_pm_register(admin: User, users: dict[str, User], institutes: dict[str, Institute],
                     password: str) -> int:
    """How many records it made (none when the register has some already)."""
    if db.session.scalar(select(PmRecord.id).limit(1)) is not None:
        return 0
    now = today()
    panel = [admin.id, users["evaluator2@demo.jitri.cn"].id]
    robotics, materials = institutes["JITRI-RB"], institutes["JITRI-AM"]
    pm = users["pm@demo.jitri.cn"]

    li = _candidate(admin, pm.name, pm.email, Origin.ENTERPRISE, robotics, "RB", "IM")
    services.record_interview(admin, li, held_on=now - timedelta(days=3 * 365 - 30),
                              panel_ids=panel, outcome=InterviewOutcome.RECOMMENDED,
                              notes="十年工程机械研发经验，技术路线清晰。")
    start = now - timedelta(days=3 * 365 - 60)
    services.appoint(admin, li, institute_id=robotics.id, starts_on=start,
                     ends_on=now + timedelta(days=60))
    _backdate(li, start)

    sun = _candidate(admin, "孙悦", "pm2@demo.jitri.cn", Origin.OVERSEAS, materials, "AM")
    services.record_interview(admin, sun, held_on=now - timedelta(days=200), panel_ids=panel,
                              outcome=InterviewOutcome.RECOMMENDED,
                              notes="海外高校复合材料课题组负责人。")
    start = now - timedelta(days=180)
    services.appoint(admin, sun, institute_id=materials.id, starts_on=start,
                     ends_on=start + timedelta(days=3 * 365), password=password)
    _backdate(sun, start)
    sun.user.must_change_password = False  # the demo's password is in the README

    services.save_team(admin, None, name="智能装备项目经理团队", lead_id=li.id,
                       member_ids=[sun.id])

    _candidate(admin, "周涛", "zhou.tao@example.cn", Origin.DOMESTIC, robotics, "RB")
    wu = _candidate(admin, "吴芳", "wu.fang@example.cn", Origin.DOMESTIC, materials, "AM")
    services.record_interview(admin, wu, held_on=now - timedelta(days=20), panel_ids=panel,
                              outcome=InterviewOutcome.ANOTHER_ROUND,
                              notes="请补充中试放大方案后再面试一轮。")
    zheng = _candidate(admin, "郑凯", "zheng.kai@example.cn", Origin.ENTERPRISE, robotics)
    services.record_interview(admin, zheng, held_on=now - timedelta(days=90), panel_ids=panel,
                              outcome=InterviewOutcome.NOT_RECOMMENDED)
    services.decline(admin, zheng, "技术方向与研究所布局不符。")
    feng = _candidate(admin, "冯磊", "feng.lei@example.cn", Origin.OVERSEAS, materials, "AM")
    services.record_interview(admin, feng, held_on=now - timedelta(days=2 * 365),
                              panel_ids=panel, outcome=InterviewOutcome.RECOMMENDED)
    start = now - timedelta(days=2 * 365 - 30)
    services.appoint(admin, feng, institute_id=materials.id, starts_on=start,
                     ends_on=start + timedelta(days=3 * 365), password=password)
    _backdate(feng, start)
    feng.user.must_change_password = False
    services.end_appointment(admin, feng, ended_on=now - timedelta(days=40),
                             reason="赴企业任职，提前结束聘任。")
    db.session.flush()
    return 6

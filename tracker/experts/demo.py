"""A small expert pool for the demo (`flask demo seed`): experts from outside units at each
title, HQ's evaluator Anna Evans, one expert without an account yet, one at the research
project's partner enterprise (the panel page shows them excluded, with the reason), and an
external expert's limited account on the open gate-1 panel. Research acceptance asks for three
experts of the pool from two outside units at associate-senior title or above."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tracker import db
from tracker.accounts.models import User
from tracker.accounts.passwords import hash_password
from tracker.dates import today
from tracker.experts import services
from tracker.experts.models import Expert, ExpertTitle
from tracker.gates import services as gates
from tracker.gates.models import GateTemplate, ReviewState
from tracker.organisations.models import Enterprise
from tracker.projects.models import Project

EXTERNAL_EMAIL = "expert@demo.jitri.cn"

# name, title, unit, fields, e-mail (an account: "evaluator" links HQ's, "external" makes a
# limited one), the demo enterprise it works at (index) if any
EXPERTS = [
    ("王建国", ExpertTitle.SENIOR, "东南大学", "液压传动\n节能控制", EXTERNAL_EMAIL, "external",
     None),
    ("Anna Evans", ExpertTitle.SENIOR, "江苏省产业技术研究院", "技术转移\n投资评估",
     "evaluator@demo.jitri.cn", "evaluator", None),
    ("刘洋", ExpertTitle.ASSOCIATE_SENIOR, "南京航空航天大学", "机器人\n机器视觉",
     "evaluator2@demo.jitri.cn", "evaluator", None),
    ("李娜", ExpertTitle.ASSOCIATE_SENIOR, "上海交通大学", "控制工程", "lina@sjtu.example.cn",
     None, None),
    ("孙强", ExpertTitle.SENIOR, "徐工集团工程机械股份有限公司", "工程机械\n液压系统",
     "sunqiang@xcmg.example.cn", None, 0),
    ("周敏", ExpertTitle.INTERMEDIATE, "苏州大学", "材料科学", "zhoumin@suda.example.cn", None,
     None),
]


def seed_experts(admin: User, password: str, enterprises: list[Enterprise]) -> int:
    created = 0
    for name, title, unit, fields, email, account, enterprise in EXPERTS:
        if db.session.scalar(select(Expert).where(Expert.name == name)):
            continue
        expert = services.save_expert(
            admin, None, name=name, professional_title=title.value, unit=unit,
            unit_enterprise_id=enterprises[enterprise].id if enterprise is not None else None,
            expertise=fields, email=email, phone="", active=True)
        if account == "evaluator":
            user = db.session.scalar(select(User).where(User.email == email))
            services.link_account(admin, expert, user)
        elif account == "external":
            user = services.create_account(admin, expert, password)
            user.must_change_password = False  # the demo's password is in the README
            user.password_hash = hash_password(password)
            user.locale = "zh_CN"
        created += 1
    acceptance = db.session.scalar(select(GateTemplate).where(GateTemplate.gate == 2))
    if acceptance is not None and not acceptance.min_experts:
        acceptance.min_experts, acceptance.min_outside_units = 3, 2
        acceptance.min_expert_title = ExpertTitle.ASSOCIATE_SENIOR
    _join_the_open_panel(admin)
    db.session.flush()
    return created


def _join_the_open_panel(admin: User) -> None:
    """The external expert sits on the gate-1 panel still scoring, so their account shows a
    review to declare and score."""
    guest = db.session.scalar(select(User).where(User.email == EXTERNAL_EMAIL))
    project = db.session.scalar(select(Project).where(Project.title == "协作机器人力控关节模组"))
    if guest is None or project is None or not project.gate_reviews:
        return
    review = project.gate_reviews[-1]
    if review.state is not ReviewState.OPEN or review.member(guest) is not None:
        return
    people = [m.user for m in review.panel] + [guest]
    gates.name_panel(admin, review, review.chair, people,
                     review.due_date or today() + timedelta(days=10))

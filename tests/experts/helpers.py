"""Experts of the pool for tests: each with an account to score with unless told."""

from __future__ import annotations

import itertools

from tests.factories import _commit, make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.experts.models import Expert, ExpertTitle

_seq = itertools.count(1)


def make_expert(unit: str | None = None, title: ExpertTitle = ExpertTitle.ASSOCIATE_SENIOR,
                account: bool = True, role: Role = Role.EXTERNAL_EXPERT, **kw) -> Expert:
    n = next(_seq)
    expert = Expert(name=kw.pop("name", f"Expert {n}"), professional_title=title,
                    unit=unit or f"University {n}", expertise=kw.pop("expertise", "Materials"),
                    email=kw.pop("email", f"expert{n}@uni.example.cn"), **kw)
    if account:
        expert.user = make_user(role, name=expert.name)
    db.session.add(expert)
    _commit()
    return expert

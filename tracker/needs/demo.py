"""Enterprise needs from intake to contract for the demo (`flask demo seed`): XCMG's contact
(a limited account: XCMG's needs only) and the liaison of its centre, the excavator need
analysed, with two candidates and the match decided, a need the contact submitted six weeks
ago still waiting to be analysed (the stale-need reminder), one contracted, one closed with its
reason; the needs list shows the times from intake to match and to contract."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from tracker import db
from tracker.accounts import services as accounts
from tracker.accounts.models import User
from tracker.needs.models import NeedCandidate
from tracker.organisations.models import (
    Enterprise,
    Institute,
    JointInnovationCentre,
    NeedState,
    NeedUrgency,
    TechnologyNeed,
)
from tracker.techfields import services as techfields

CONTACT_EMAIL = "contact@demo.jitri.cn"
MATCHED_TITLE = "大型挖掘机液压系统能耗降低20%"

# title, description, state, days ago it was collected, days to match, days to contract,
# why it was closed
MORE_NEEDS = [
    ("履带底盘焊缝视觉检测", "厚板焊缝，人工目检漏检率高", NeedState.COLLECTED, 45, None, None,
     ""),
    ("工程机械远程运维平台", "", NeedState.CONTRACTED, 150, 21, 80, ""),
    ("驾驶室降噪材料", "", NeedState.CLOSED, 200, None, None, "企业已自行解决"),
]


def seed_needs(users: dict[str, User], password: str, enterprises: list[Enterprise],
               centres: list[JointInnovationCentre], institutes: dict[str, Institute]) -> int:
    created = 0
    xcmg, robotics = enterprises[0], institutes["JITRI-RB"]
    contact = accounts.find_by_email(CONTACT_EMAIL)
    if contact is None:
        contact = accounts.create_user(None, email=CONTACT_EMAIL, name="周婷", password=password,
                                       roles=["enterprise_contact"], locale="zh_CN",
                                       enterprise_id=xcmg.id)
        contact.must_change_password = False
        created += 1
    if centres[0].liaison_id is None:
        centres[0].liaison_id = users["evaluator2@demo.jitri.cn"].id
    now = db.utcnow()
    admin = users["admin@demo.jitri.cn"]
    matched = db.session.scalar(select(TechnologyNeed).where(
        TechnologyNeed.title == MATCHED_TITLE))
    if matched is not None and matched.analysed_at is None:
        matched.created_at = now - timedelta(days=60)
        matched.analysed_at = now - timedelta(days=52)
        matched.matched_at = matched.state_since = now - timedelta(days=46)
        matched.matched_by_id = admin.id
        matched.field_id = techfields.classify(None, "智能制造")
        matched.trl, matched.urgency = 4, NeedUrgency.HIGH
        matched.budget_min, matched.budget_max = Decimal("3000000"), Decimal("6000000")
        matched.description = "电液混合动力，整机油耗降低20%，样机两年内完成"
        for institute, pm, reason, chosen in (
                (institutes["JITRI-AM"], None, "低摩擦密封材料有积累", False),
                (robotics, users["pm@demo.jitri.cn"], "已为徐工做过电液控制样机", True)):
            db.session.add(NeedCandidate(
                need_id=matched.id, institute_id=institute.id, pm_id=pm.id if pm else None,
                reason=reason, proposed_by_id=admin.id, proposed_at=now - timedelta(days=50),
                chosen_at=matched.matched_at if chosen else None,
                chosen_by_id=admin.id if chosen else None))
        created += 1
    for title, description, state, ago, to_match, to_contract, reason in MORE_NEEDS:
        if db.session.scalar(select(TechnologyNeed).where(TechnologyNeed.title == title)):
            continue
        collected = now - timedelta(days=ago)
        need = TechnologyNeed(
            title=title, description=description, enterprise_id=xcmg.id,
            centre_id=centres[0].id, intended_investment=Decimal("2000000"), state=state,
            created_at=collected, state_since=collected,
            submitted_by_id=contact.id if state is NeedState.COLLECTED else None,
            institute_id=robotics.id if to_match else None, close_reason=reason)
        if to_match:
            need.analysed_at = collected + timedelta(days=to_match - 5)
            need.matched_at = collected + timedelta(days=to_match)
            need.matched_by_id = admin.id
            need.field_id = techfields.classify(None, "智能制造")
            need.trl, need.urgency = 5, NeedUrgency.NORMAL
        if to_contract:
            need.contracted_at = need.state_since = collected + timedelta(days=to_contract)
        if reason:
            need.closed_at = need.state_since = collected + timedelta(days=30)
        db.session.add(need)
        created += 1
    db.session.flush()
    return created

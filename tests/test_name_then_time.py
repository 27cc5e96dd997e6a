"""A name (or a kind) followed by its time writes the comma of the page's language (issue 9
point 8): 李强，2026年11月27日 on a Chinese page, never 李强, 2026年… . The language walk strips
names before it looks for ASCII marks, so these pages are rendered here with real people and
dates, in Chinese, and read around the name: a change's asker and decider (and the decision's
correction page), a need's candidate, a spin-off's deal in the register, an issued document's
review (tests/documents/test_name_then_time.py). One mark: `catalogue.MARKS["zh"]["comma"]`,
written by `formatting.comma`."""

from __future__ import annotations

import html
import re

from tests.achievements.helpers import make_transfer
from tests.achievements.test_spinoff_deals_in_register import _recorded
from tests.changes.test_budget_and_plan import _move, _project
from tests.conftest import login, post
from tests.factories import _commit, make_enterprise, make_institute, make_need, make_user
from tracker.accounts.models import Role
from tracker.changes import services as changes
from tracker.needs import services as needs
from tracker.organisations.models import NeedState


def chinese(user):
    user.locale = "zh_CN"
    _commit()
    return user


def read(client, user, path: str) -> str:
    post(client, "/logout")
    login(client, chinese(user))
    response = client.get(path)
    assert response.status_code == 200, path
    return html.unescape(re.sub(r"<[^>]+>", "", response.get_data(as_text=True)))


def comma_after(page: str, name: str) -> bool:
    """`name` is followed by the Chinese comma somewhere on the page and nowhere by the ASCII
    one (the name also stands alone: the menu, the print line)."""
    return f"{name}，" in page and f"{name}," not in page


def test_a_change_names_who_asked_and_who_decided_with_the_chinese_comma(client):
    project = _project()
    project.pm.name = "李强"
    _move(project)  # 6 %: applied at once
    request = _move(project)  # 12 % in all: HQ decides
    admin = make_user(Role.HQ_ADMIN, name="王芳")
    changes.decide(admin, request, True, "")
    _commit()
    page = read(client, admin, f"/changes/{request.id}")
    assert comma_after(page, "李强") and comma_after(page, "王芳")
    assert comma_after(read(client, admin, f"/changes/{request.id}/correct"), "王芳")


def test_a_needs_candidate_names_who_proposed_it_with_the_chinese_comma(client):
    need = make_need(enterprise=make_enterprise(), state=NeedState.ANALYSED)
    admin = make_user(Role.HQ_ADMIN, name="赵敏")
    needs.propose_candidate(admin, need, institute_id=make_institute(name="机器人研究所").id,
                            pm_id=None, reason="焊接实验室最合适")
    _commit()
    page = read(client, admin, f"/needs/{need.id}")
    assert comma_after(page, "赵敏")


def test_a_spin_off_deal_in_the_register_names_its_kind_and_date_with_the_chinese_comma(client):
    company, achievement, enterprise, deal, _page = _recorded(client)
    make_transfer(achievement, enterprise_id=enterprise.id, kind="equity",
                  signed_on=deal.signed_on, upfront=None, royalty_pct=None, royalty_base=None,
                  minimum_royalty=None, reporting_months=0, ip_deal_id=deal.id)
    page = read(client, make_user(Role.HQ_ADMIN), f"/achievements/{achievement.id}")
    assert "技术入股，" in page or re.search(r"[\u4e00-\u9fff]，\d{4}年", page), page
    assert not re.search(r"[\u4e00-\u9fff], ?\d{4}年", page)


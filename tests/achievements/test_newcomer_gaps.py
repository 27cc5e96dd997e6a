"""Gaps a newcomer found in the IP register (issue 16): a patent annuity is a fee paid to the
patent office, so its page says 缴费/已缴, never the words of money received or granted
(拨付/到账); the register is searched by a right's number and by a contributor's name."""

from __future__ import annotations

from tests.achievements.helpers import make_achievement, make_patent
from tests.conftest import login, post
from tracker.achievements.services import ContributorLine


def test_the_annuity_table_speaks_of_fees_paid_to_the_office_in_chinese(client):
    achievement = make_achievement()
    right = make_patent(achievement)
    achievement.project.pm.locale = "zh_CN"
    login(client, achievement.project.pm)
    assert post(client, f"/ip-rights/{right.id}/annuities",
                {"year_no": "3", "due_on": "2026-09-01", "fee": "1200"}).status_code == 302
    page = client.get(f"/ip-rights/{right.id}").get_data(as_text=True)
    annuities = page[page.index("<h2>年费</h2>"):]
    assert "缴费日期" in annuities and "已缴金额（元）" in annuities and "登记缴费" in annuities
    assert "拨付" not in annuities and "到账" not in annuities


def test_the_register_is_searched_by_patent_number_and_contributor_name(client):
    from decimal import Decimal

    first = make_achievement(title="Electrolyte")
    make_patent(first, number="CN202410999888.1")
    second = make_achievement(project=first.project, title="Separator", contributors=[
        ContributorLine(user_id=first.project.pm_id, name="", share_pct=Decimal("50")),
        ContributorLine(user_id=None, name="Qian Lei", share_pct=Decimal("50"))])
    login(client, first.project.pm)
    page = client.get("/achievements/?q=999888").get_data(as_text=True)
    assert "Electrolyte" in page and "Separator" not in page
    page = client.get("/achievements/?q=qian").get_data(as_text=True)
    assert "Separator" in page and "Electrolyte" not in page
    assert second.id

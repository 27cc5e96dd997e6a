"""A licence of an achievement is confirmed as a licence (issue 16, found by a newcomer): its
flash read "股份转让已登记" (share transfer registered), the words of the cap table's transfer.
Each kind of deal, here and on a spin-off's page, has its own confirmation."""

from __future__ import annotations

import pytest

from tests.achievements.helpers import make_achievement
from tests.companies import helpers
from tests.conftest import login, post
from tests.factories import make_enterprise, make_project, make_user
from tracker.accounts.models import Role
from tracker.projects.lifecycle import Phase


def _deal(enterprise, kind):
    return {"enterprise_id": str(enterprise.id), "kind": kind, "signed_on": "2026-03-01",
            "upfront": "50000", "royalty_pct": "", "royalty_base": "", "reporting_months": "0",
            "report_days": "30", "payment_days": "30", "contributor_pct": "60",
            "override_reason": "", "ip_deal_id": "0"}


@pytest.mark.parametrize("kind, english, chinese", [
    ("exclusive_licence", "Exclusive licence of the achievement recorded.", "成果独占许可已登记。"),
    ("non_exclusive_licence", "Non-exclusive licence of the achievement recorded.",
     "成果普通许可已登记。"),
    ("transfer", "Transfer of the achievement recorded.", "成果转让已登记。"),
    ("equity", "Contribution of the achievement for equity recorded.", "成果作价投资已登记。"),
])
@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_each_kind_of_deal_is_confirmed_in_its_own_words(client, kind, english, chinese, locale):
    achievement = make_achievement()
    hq = make_user(Role.HQ_ADMIN)
    hq.locale = locale
    login(client, hq)
    done = post(client, f"/achievements/{achievement.id}/transfers/new",
                _deal(make_enterprise(), kind), follow_redirects=True)
    text = done.get_data(as_text=True)
    assert done.status_code == 200 and (english if locale == "en" else chinese) in text
    assert "股份转让" not in text and "Transfer recorded." not in text


def test_a_spin_offs_licence_is_not_confirmed_as_a_share_transfer(client):
    project = make_project(phase=Phase.INVESTMENT_DECISION)
    company = helpers.make_company(project)
    admin = make_user(Role.HQ_ADMIN)
    admin.locale = "zh_CN"
    login(client, admin)
    achievement = helpers.register(project)
    done = post(client, f"/companies/{company.id}/ip/new", {
        "achievement_id": str(achievement.id), "kind": "licence", "licensee": company.name,
        "exclusive": "y", "upfront": "1000",
        "royalty_pct": "3", "equity_shares": "", "signed_on": helpers.days_ago(3).isoformat(),
        "once": "ip-licence"}, follow_redirects=True)
    text = done.get_data(as_text=True)
    assert done.status_code == 200 and "知识产权许可已登记。" in text
    assert "许可或转让已登记" not in text and "股份转让" not in text

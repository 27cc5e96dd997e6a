"""Income of a transfer or licence split among the contributors (article 45): the minimum of
the settings, warned and refused without a reason; a hand-computed split; and who reads whose
statement."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from tests.achievements.helpers import make_achievement, make_transfer
from tests.conftest import login, post
from tests.factories import _commit, make_enterprise, make_institute, make_project, make_user
from tracker import db, money
from tracker.accounts.models import Role
from tracker.achievements import deals, queries
from tracker.achievements.deal_models import IncomeReceipt, Transfer
from tracker.achievements.services import ContributorLine
from tracker.audit.models import AuditRecord
from tracker.errors import Invalid, Refused
from tracker.projects.lifecycle import Phase
from tracker.settings import catalogue
from tracker.settings import services as settings


def test_the_split_against_a_hand_computed_example():
    # Net 100,000.00 - 12,345.67 = 87,654.33; 60 % of it is 52,592.598 -> 52,592.60 (half up).
    # Shares 33.33 / 33.33 / 33.34 % give 17,529.11358, 17,529.11358 and 17,534.37284: floored
    # to 17,529.11 + 17,529.11 + 17,534.37 = 52,592.59, the fen missing goes to the largest
    # remainder (.358 twice, the earlier first): 17,529.12.
    pool, parts = money.income_split(Decimal("87654.33"), Decimal("60"),
                                     [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")])
    assert pool == Decimal("52592.60")
    assert parts == [Decimal("17529.12"), Decimal("17529.11"), Decimal("17534.37")]
    assert sum(parts) == pool


def _three_contributors():
    project = make_project(phase=Phase.CONTRACT_RESEARCH)
    colleague = make_user(institute_id=project.institute_id)
    achievement = make_achievement(project, contributors=[
        ContributorLine(user_id=project.pm_id, name="", share_pct=Decimal("33.33")),
        ContributorLine(user_id=colleague.id, name="", share_pct=Decimal("33.33")),
        ContributorLine(user_id=None, name="Zhou Min", share_pct=Decimal("33.34"))])
    return achievement, colleague


def test_income_recorded_is_split_and_kept_as_it_stood():
    achievement, colleague = _three_contributors()
    hq = make_user(Role.HQ_ADMIN)
    transfer = make_transfer(achievement, hq, contributor_pct=Decimal("60"))
    receipt = deals.record_income(hq, transfer, received_on=date(2026, 2, 1),
                                  amount=Decimal("100000.00"), costs=Decimal("12345.67"),
                                  pays="upfront", report_id=None, note="Upfront")
    _commit()
    assert (receipt.net, receipt.pool) == (Decimal("87654.33"), Decimal("52592.60"))
    assert [(s.name, s.amount) for s in receipt.shares] == [
        (achievement.project.pm.name, Decimal("17529.12")), (colleague.name, Decimal("17529.11")),
        ("Zhou Min", Decimal("17534.37"))]
    assert [s.amount for s in queries.statement(colleague)] == [Decimal("17529.11")]
    record = db.session.scalar(select(AuditRecord).where(AuditRecord.action == "income.create"))
    assert record.object_id == receipt.id and "Zhou Min" in str(record.changes["shares"])


def test_a_share_below_the_minimum_is_refused_without_a_reason_and_taken_with_one():
    achievement = make_achievement()
    hq = make_user(Role.HQ_ADMIN)
    with pytest.raises(Invalid) as refused:
        make_transfer(achievement, hq, contributor_pct=Decimal("49.99"))
    (field, message), = refused.value.problems
    assert field == "override_reason" and "49.99" in message and "50.00" in message
    assert db.session.scalar(select(Transfer)) is None
    transfer = make_transfer(achievement, hq, contributor_pct=Decimal("30"),
                             kind="non_exclusive_licence",
                             override_reason="The licensee's university co-owns the patent.")
    assert transfer.below_minimum
    # The minimum is a setting; a deal is judged by the one in force when it was recorded
    # (issue 16, T26): raised since, the deal's income is still recorded, an edit leaving the
    # split alone asks for no reason, and the page warns of nothing.
    other = make_transfer(achievement, hq, contributor_pct=Decimal("55"),
                          kind="non_exclusive_licence")
    settings.set_value(hq, catalogue.IP_INCOME_CONTRIBUTOR_MIN_PCT, "60")
    assert not other.below_minimum and other.contributor_min_pct == Decimal("50")
    deals.record_income(hq, other, received_on=date(2026, 2, 1), amount=Decimal("10"),
                        costs=None, pays="upfront", report_id=None)
    values = {k: getattr(other, k) for k in (
        "enterprise_id", "signed_on", "ends_on", "upfront", "royalty_pct", "minimum_royalty",
        "reporting_months", "report_days", "payment_days", "contributor_pct",
        "override_reason", "ip_deal_id", "upfront_due_on")}
    deals.save_transfer(hq, achievement, other, **{**values, "report_days": 45},
                        kind=other.kind.value, royalty_base=other.royalty_base.value)
    # a deal recorded now is judged by the new minimum
    with pytest.raises(Invalid):
        make_transfer(make_achievement(title="Third"), hq, contributor_pct=Decimal("55"))
    # and the setting never goes below the law's 50 %
    with pytest.raises(Invalid) as low:
        settings.set_value(hq, catalogue.IP_INCOME_CONTRIBUTOR_MIN_PCT, "49.99")
    assert "article 45" in dict(low.value.problems)[catalogue.IP_INCOME_CONTRIBUTOR_MIN_PCT]


def test_the_page_warns_and_refuses_below_the_minimum_then_saves_with_a_reason(app, client):
    achievement = make_achievement()
    enterprise = make_enterprise()
    login(client, make_user(Role.HQ_ADMIN))
    form = client.get(f"/achievements/{achievement.id}/transfers/new").get_data(as_text=True)
    assert "At least 50%" in form
    data = {"enterprise_id": str(enterprise.id), "kind": "non_exclusive_licence",
            "signed_on": "2026-03-01", "upfront": "50000", "royalty_pct": "",
            "royalty_base": "", "reporting_months": "0", "report_days": "30",
            "payment_days": "30", "contributor_pct": "40", "override_reason": "",
            "ip_deal_id": "0"}
    refused = post(client, f"/achievements/{achievement.id}/transfers/new", data)
    assert refused.status_code == 400
    assert "below the minimum of 50.00%" in refused.get_data(as_text=True)
    assert db.session.scalar(select(Transfer)) is None
    saved = post(client, f"/achievements/{achievement.id}/transfers/new",
                 {**data, "override_reason": "Co-owned with the licensee."})
    assert saved.status_code == 302, saved.get_data(as_text=True)
    page = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "below the minimum of 50.00%" in page and "Co-owned with the licensee." in page


def test_a_contributor_sees_only_their_own_statement(app):
    achievement, colleague = _three_contributors()
    hq = make_user(Role.HQ_ADMIN)
    transfer = make_transfer(achievement, hq)
    deals.record_income(hq, transfer, received_on=date(2026, 2, 1),
                        amount=Decimal("100000.00"), costs=None, pays="upfront", report_id=None)
    _commit()
    pm = achievement.project.pm
    director = make_user()
    achievement.project.institute.director_id = director.id
    _commit()

    def client_of(user):
        c = app.test_client()
        login(c, user)
        return c

    mine = client_of(pm)
    own = mine.get(f"/ip/statements/{pm.id}")
    assert own.status_code == 200
    assert "16,665.00" in own.get_data(as_text=True)  # 50,000.00 x 33.33 %
    assert mine.get(f"/ip/statements/{colleague.id}").status_code == 404
    assert client_of(colleague).get(f"/ip/statements/{colleague.id}").status_code == 200
    for outsider in (director, make_user(Role.PROJECT_MANAGER,
                                         institute_id=make_institute().id)):
        assert client_of(outsider).get(f"/ip/statements/{pm.id}").status_code == 404
    for hq_wide in (hq, make_user(Role.INVESTMENT_COMMITTEE)):
        page = client_of(hq_wide).get(f"/ip/statements/{colleague.id}")
        assert page.status_code == 200 and "16,665.00" in page.get_data(as_text=True)
    # The deal's page shows each person's part to HQ only; the PM reads the contributors' total.
    deal_page = mine.get(f"/transfers/{transfer.id}").get_data(as_text=True)
    assert "50,000.00" in deal_page and "16,670.00" not in deal_page
    assert "16,670.00" in client_of(hq).get(f"/transfers/{transfer.id}").get_data(as_text=True)
    assert db.session.scalar(select(IncomeReceipt)).pool == Decimal("50000.00")


@pytest.mark.parametrize(("locale", "said"), [
    ("en", "add up to 90.00%, not 100%: correct them on the achievement's page"),
    ("zh_CN", "的完成人份额合计为 90.00%，而非 100%：请先在该成果页面更正")])
def test_income_is_not_split_on_shares_that_do_not_add_up_and_says_their_total(locale, said):
    """The refusal names the shares as they stand (their total) and where to correct them."""
    achievement, _colleague = _three_contributors()
    hq = make_user(Role.HQ_ADMIN)
    transfer = make_transfer(achievement, hq, contributor_pct=Decimal("60"))
    achievement.contributors[2].share_pct = Decimal("23.34")  # 33.33 + 33.33 + 23.34 = 90
    with force_locale(locale), pytest.raises(Refused) as refused:
        deals.record_income(hq, transfer, received_on=date(2026, 2, 1),
                            amount=Decimal("100000.00"), costs=None, pays="upfront",
                            report_id=None, note="")
    assert achievement.title in refused.value.message and said in refused.value.message

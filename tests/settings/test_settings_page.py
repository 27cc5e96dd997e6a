"""/admin/settings: every setting on one page for HQ admins, validated and audited, in both
languages; nobody else sees it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.settings import catalogue
from tracker.settings import services as settings
from tracker.settings.catalogue import (
    CATALOGUE,
    CONVERSION_DISCOUNT_PCT,
    DOMAIN,
    SESSION_IDLE_MINUTES,
    SESSION_LIFETIME_HOURS,
    TEAM_HOLDING_MAX_PCT,
    TEAM_HOLDING_MIN_PCT,
)

ROOT = Path(__file__).resolve().parents[2]


def _form(**changes: str) -> dict[str, str]:
    return {**{key: str(settings.get(key)) for key in CATALOGUE}, **changes}


def _updates() -> list[dict]:
    return [r.changes for r in db.session.scalars(
        select(AuditRecord).where(AuditRecord.action == "setting.update"))]


@pytest.mark.parametrize("locale, heading, text", [
    ("en", "Settings", "Team holding at incorporation: at most (%)"),
    ("zh_CN", "设置", "公司设立时团队持股比例：不超过（%）"),
])
def test_the_page_lists_every_setting_in_the_admins_language(client, locale, heading, text):
    login(client, make_user(Role.HQ_ADMIN, locale=locale))
    page = client.get("/admin/settings").get_data(as_text=True)
    assert f"<h1>{heading}</h1>" in page and text in page
    for key in CATALOGUE:
        assert f'name="{key}"' in page


def test_the_chinese_page_says_when_a_change_applies_in_plain_chinese(client):
    """The introduction said 自即时起生效, which is not Chinese; it says from when a change
    applies as the English does ("from now on")."""
    login(client, make_user(Role.HQ_ADMIN, locale="zh_CN"))
    page = client.get("/admin/settings").get_data(as_text=True)
    assert "每次修改都记入审计记录，自修改之时起生效" in page
    assert "自即时起" not in page


def test_a_domain_number_is_changed_and_audited(client):
    login(client, make_user(Role.HQ_ADMIN, locale="en"))
    response = post(client, "/admin/settings", _form(**{CONVERSION_DISCOUNT_PCT: "12.5"}))
    assert response.status_code == 302
    assert settings.get(CONVERSION_DISCOUNT_PCT) == Decimal("12.5")
    assert _updates() == [{"value": ["0", "12.5"]}]
    assert "Saved: 1 changed." in client.get("/admin/settings").get_data(as_text=True)


@pytest.mark.parametrize("changes, field, message", [
    ({CONVERSION_DISCOUNT_PCT: "101"}, CONVERSION_DISCOUNT_PCT, "At most 100."),
    ({CONVERSION_DISCOUNT_PCT: "abc"}, CONVERSION_DISCOUNT_PCT, ""),
    ({TEAM_HOLDING_MIN_PCT: "90", TEAM_HOLDING_MAX_PCT: "80"}, TEAM_HOLDING_MAX_PCT,
     "must be above its lower bound (90%)"),
    # A ladder's rungs go in order: the second reminder before a deadline comes after the first,
    # each escalation no earlier than the rung below it.
    ({"reminder_milestone_due_before_second": "20"}, "reminder_milestone_due_before_second",
     "the reminder 20 days before the deadline would come before the one 14 days before it"),
    ({"reminder_milestone_due_director": "40"}, "reminder_milestone_due_hq",
     "the rung 30 days after the deadline would come before the one 40 days after the "
     "deadline"),
    ({"reminder_instalment_due_after": "31"}, "reminder_instalment_due_director",
     "the rung 30 days after the deadline would come before the one 31 days after the "
     "deadline"),
    # Rungs that count from something else than a deadline say so, in the rule's own days.
    ({"reminder_approval_waiting_after": "11"}, "reminder_approval_waiting_hq",
     "the rung 10 days after it reached the level would come before the one 11 days after "
     "it reached the level"),
    ({"reminder_milestone_review_after": "12"}, "reminder_milestone_review_hq",
     "the rung 10 business days after submission would come before the one 12 business days "
     "after submission"),
])
def test_a_bad_value_is_refused_beside_its_field_and_nothing_changes(client, changes, field,
                                                                    message):
    login(client, make_user(Role.HQ_ADMIN, locale="en"))
    response = post(client, "/admin/settings", _form(**changes))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert f'id="{field}-error"' in page
    assert _updates() == []
    assert settings.get(TEAM_HOLDING_MIN_PCT) == Decimal("50")


def test_a_ladder_out_of_order_is_refused_in_chinese_from_what_it_counts_from(client):
    login(client, make_user(Role.HQ_ADMIN, locale="zh_CN"))
    page = post(client, "/admin/settings", _form(reminder_milestone_review_after="12")
                ).get_data(as_text=True)
    assert "提交后 10 个工作日的这一级会早于提交后 12 个工作日的上一级" in page
    page = post(client, "/admin/settings", _form(reminder_milestone_due_director="40")
                ).get_data(as_text=True)
    assert "截止日后 30 天的这一级会早于截止日后 40 天的上一级" in page


@pytest.mark.parametrize("role", [Role.PROJECT_MANAGER, Role.EVALUATOR, Role.OBSERVER,
                                  Role.INVESTMENT_COMMITTEE])
def test_only_hq_admins_see_or_change_the_settings(client, role):
    login(client, make_user(role))
    assert client.get("/admin/settings").status_code == 403
    assert post(client, "/admin/settings", _form(**{CONVERSION_DISCOUNT_PCT: "5"})
                ).status_code == 403
    assert settings.get(CONVERSION_DISCOUNT_PCT) == Decimal("0")


def test_every_domain_setting_is_read_somewhere():
    """A setting nobody reads is a promise the tracker does not keep: use it or delete it."""
    names = {getattr(catalogue, n): n for n in dir(catalogue)
             if n.isupper() and isinstance(getattr(catalogue, n), str)}
    code = "\n".join(p.read_text() for p in (ROOT / "tracker").rglob("*.py")
                     if "settings" not in p.parts)
    assert [d.key for d in DOMAIN if f"catalogue.{names[d.key]}" not in code] == []


def test_the_session_timeouts_are_edited_here_checked_and_audited(client):
    """ASVS 3.3.2: HQ sets both timeouts on this page; a value out of bounds, or an idle
    timeout that the lifetime would always cut first, is refused beside its field."""
    admin = make_user(Role.HQ_ADMIN, locale="en")
    login(client, admin)
    for changes, field in [
        ({SESSION_IDLE_MINUTES: "0"}, SESSION_IDLE_MINUTES),
        ({SESSION_IDLE_MINUTES: "2000"}, SESSION_IDLE_MINUTES),
        ({SESSION_LIFETIME_HOURS: "0"}, SESSION_LIFETIME_HOURS),
        ({SESSION_LIFETIME_HOURS: "1000"}, SESSION_LIFETIME_HOURS),
        ({SESSION_IDLE_MINUTES: "240", SESSION_LIFETIME_HOURS: "4"}, SESSION_IDLE_MINUTES),
    ]:
        refused = post(client, "/admin/settings", _form(**changes))
        assert refused.status_code == 400, changes
        assert f'id="{field}-error"' in refused.get_data(as_text=True), changes
    assert _updates() == []
    saved = post(client, "/admin/settings", _form(**{SESSION_IDLE_MINUTES: "45",
                                                      SESSION_LIFETIME_HOURS: "8"}))
    assert saved.status_code == 302
    assert sorted(map(str, _updates())) == sorted(map(str, [
        {"value": ["30", "45"]}, {"value": ["12", "8"]}]))
    assert (settings.get(SESSION_IDLE_MINUTES), settings.get(SESSION_LIFETIME_HOURS)) == (45, 8)


@pytest.mark.parametrize("locale, said", [
    ("en", "Saved by you in another tab or window meanwhile"),
    ("zh_CN", "在此期间您在另一个标签页或窗口中保存的修改")])
def test_a_save_on_a_page_loaded_before_another_admins_save_is_refused(client, locale, said):
    """Two admins (or two tabs) on the settings page, the reminder ladders with it: the second
    save is refused with what the first changed, by its label, and its own input kept."""
    from tests.test_edits import tab

    login(client, make_user(Role.HQ_ADMIN, locale=locale))
    first, second = tab(client, "/admin/settings"), tab(client, "/admin/settings")
    assert post(client, "/admin/settings", _form(
        **first, **{CONVERSION_DISCOUNT_PCT: "12.5"})).status_code == 302
    stale = _form(**second, **{CONVERSION_DISCOUNT_PCT: "7",
                               "reminder_milestone_due_before_first": "21"})
    response = post(client, "/admin/settings", stale)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert said in page
    label = ("Default discount on conversion to equity (%)" if locale == "en"
             else "转为股权时的默认折扣（%）")
    assert label in page and "12.5" in page
    assert 'value="21"' in page  # the second admin's input is still in the form
    assert settings.get(CONVERSION_DISCOUNT_PCT) == Decimal("12.5")
    assert _updates() == [{"value": ["0", "12.5"]}]

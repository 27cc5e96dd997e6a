"""The catalogue: every rule of domain.md with its default ladder, the rungs as a table, and
business days on the mainland-China calendar."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.factories import make_user
from tests.reminders import helpers
from tests.reminders.conftest import at
from tracker import db
from tracker.accounts.models import Role
from tracker.milestones.models import Milestone, MilestoneState
from tracker.reminders import scan
from tracker.reminders.ladder import out_of_order
from tracker.reminders.models import Audience, OutboxMessage
from tracker.reminders.query import Query
from tracker.reminders.rules import RULES
from tracker.settings.catalogue import CATALOGUE
from tracker.workdays import services as workdays

OWN, DIR, CHAIR, HQ, COM = (Audience.OWNER, Audience.DIRECTOR, Audience.CHAIR, Audience.HQ,
                            Audience.COMMITTEE)


def ladder_of(name: str) -> list[tuple[Audience, str, int]]:
    return [(s.audience, s.when, s.default) for s in RULES[name].steps]


def test_the_catalogue_is_domain_md_table():
    assert ladder_of("milestone_due") == [
        (OWN, "before", 14), (OWN, "before", 3), (OWN, "after", 1), (OWN, "every", 7),
        (DIR, "after", 7), (HQ, "after", 30)]
    assert ladder_of("milestone_review") == [(OWN, "after", 5), (HQ, "after", 10)]
    assert RULES["milestone_review"].business_days
    assert ladder_of("gate_scores") == [(OWN, "before", 3), (OWN, "after", 1), (CHAIR, "after", 5),
                                        (HQ, "after", 5)]
    assert ladder_of("condition_due") == [(OWN, "before", 7), (OWN, "after", 1), (HQ, "after", 7)]
    assert ladder_of("hold_revisit") == [(HQ, "after", 0)]
    assert ladder_of("instalment_due") == [(OWN, "before", 7), (OWN, "after", 1),
                                           (DIR, "after", 30)]
    assert ladder_of("conversion_deadline") == [(COM, "before", 30), (COM, "before", 7),
                                                (COM, "after", 1)]
    assert ladder_of("lockup_expiry") == [(HQ, "before", 30)]
    assert ladder_of("centre_expiry") == [(HQ, "before", 60), (HQ, "before", 14),
                                          (HQ, "after", 1)]
    assert ladder_of("funder_report") == [(OWN, "before", 30), (OWN, "before", 7),
                                          (OWN, "after", 1), (DIR, "after", 7),
                                          (HQ, "after", 14)]
    assert ladder_of("pm_term_end") == [(HQ, "before", 90), (HQ, "before", 30),
                                        (HQ, "after", 1)]
    assert ladder_of("project_end") == [(OWN, "before", 30)]
    assert ladder_of("change_request") == [(HQ, "after", 5)]
    assert ladder_of("handover_request") == [(DIR, "after", 3)]
    assert ladder_of("approval_waiting") == [(OWN, "after", 3), (HQ, "after", 10)]
    # Reviews (and HQ's or the director's decision on a change beyond the PM's limits) can't
    # be turned off; every offset is a setting with its default.
    assert {n for n, r in RULES.items() if not r.optional} == {
        "milestone_review", "gate_scores", "change_request", "handover_request",
        "approval_waiting"}
    for rule in RULES.values():
        for step in rule.steps:
            assert CATALOGUE[rule.setting_key(step)].default == step.default


def test_every_rule_has_its_templates():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates" / "email"
    for name in RULES:
        assert (root / f"{name}.txt").exists() and (root / f"{name}.html").exists(), name


DUE = date(2026, 5, 15)


@pytest.mark.parametrize("on,expected", [
    (date(2026, 4, 30), []),
    (date(2026, 5, 1), [(OWN, -14)]),
    (date(2026, 5, 11), [(OWN, -14)]),
    (date(2026, 5, 12), [(OWN, -3)]),
    (date(2026, 5, 15), [(OWN, -3)]),
    (date(2026, 5, 16), [(OWN, 1)]),
    (date(2026, 5, 22), [(OWN, 1), (DIR, 7)]),
    (date(2026, 5, 23), [(OWN, 8), (DIR, 7)]),
    (date(2026, 5, 30), [(OWN, 15), (DIR, 7)]),
    (date(2026, 6, 14), [(OWN, 29), (DIR, 7), (HQ, 30)]),
])
def test_the_latest_rung_of_each_audience_by_date(app, on, expected):
    ladder = scan.ladder_of(RULES["milestone_due"])
    assert [(r.audience, r.offset) for r in ladder.current(DUE, on)] == expected


def test_business_days_skip_national_day_and_count_its_make_up_saturday():
    # 2026: 1-7 October off; Saturday 10 October a working day (调休).
    assert workdays.add_business_days(date(2026, 9, 30), 3) == date(2026, 10, 10)
    assert workdays.add_business_days(date(2026, 9, 30), 5) == date(2026, 10, 13)
    ladder = scan.ladder_of(RULES["milestone_review"])
    assert [(r.offset, r.fire_on) for r in ladder.current(date(2026, 9, 30),
                                                          date(2026, 10, 13))] == [
        (5, date(2026, 10, 13))]
    assert ladder.current(date(2026, 9, 30), date(2026, 10, 12)) == []
    assert ladder.due_on(date(2026, 9, 30)) == date(2026, 10, 13)


def test_a_review_reminder_across_national_day(smtp):
    evaluator = make_user(Role.EVALUATOR, locale="en")
    hq = make_user(Role.HQ_ADMIN, locale="en")
    pm = make_user(Role.PROJECT_MANAGER)
    m = helpers.milestone(helpers.project_for(pm), date(2026, 9, 30), reviewer=evaluator)
    helpers.submit(m, at(date(2026, 9, 30), 16))

    def recipients_on(on: date) -> set[int]:
        scan.scan(on)
        db.session.commit()
        return set(db.session.scalars(select(OutboxMessage.recipient_id)))

    assert recipients_on(date(2026, 10, 9)) == set()
    assert recipients_on(date(2026, 10, 12)) == set()  # only four business days
    assert recipients_on(date(2026, 10, 13)) == {evaluator.id}
    # HQ at +10 business days: 14, 15, 16, 19, 20 October.
    assert recipients_on(date(2026, 10, 19)) == {evaluator.id}
    assert recipients_on(date(2026, 10, 20)) == {evaluator.id, hq.id}


def test_a_submission_late_in_the_evening_counts_from_its_day_in_shanghai():
    evaluator = make_user(Role.EVALUATOR)
    m = helpers.milestone(helpers.project_for(make_user(Role.PROJECT_MANAGER)),
                          date(2026, 9, 30), reviewer=evaluator)
    helpers.submit(m, at(date(2026, 9, 30), 23))  # 15:00 UTC, still 30 September here
    scan.scan(date(2026, 10, 13))
    assert db.session.scalar(select(OutboxMessage.occurrence)) == "2026-09-30+5bd"


def test_dates_hq_adds_win_over_the_library(app):
    from tracker.workdays.models import CalendarDay

    assert workdays.add_business_days(date(2027, 2, 5), 1) == date(2027, 2, 8)  # weekdays
    db.session.add_all([CalendarDay(day=date(2027, 2, 8), is_workday=False, note="holiday"),
                        CalendarDay(day=date(2027, 2, 7), is_workday=True, note="调休")])
    db.session.flush()
    assert workdays.add_business_days(date(2027, 2, 5), 1) == date(2027, 2, 7)
    assert workdays.add_business_days(date(2027, 2, 5), 2) == date(2027, 2, 9)


def test_a_gate_review_reminds_each_evaluator_who_has_not_scored(smtp):
    from tests.factories import install_gates
    from tests.gates import helpers as gates

    install_gates()
    review = gates.submit(helpers.project_for(make_user(Role.PROJECT_MANAGER), phase=None))
    evaluators = gates.name_panel(review)  # due in ten days from today
    gates.score(review, evaluators[1])
    due = review.due_date
    scan.scan(due - timedelta(days=3))
    db.session.commit()
    rows = db.session.scalars(select(OutboxMessage)).all()  # the gate's contract's too
    recipients = {r.recipient_id for r in rows if r.rule == "gate_scores"}
    assert recipients == {evaluators[0].id, evaluators[2].id}


def test_conversion_deadline_and_lockup_rules_watch_their_tables(app):
    from decimal import Decimal

    from tracker.funding.models import FundingAgreement

    committee = make_user(Role.INVESTMENT_COMMITTEE)
    project = helpers.project_for(make_user(Role.PROJECT_MANAGER))
    agreement = FundingAgreement(
        project_id=project.id, committed=Decimal("10000000"), discount_pct=Decimal("0"),
        qualifying_round_min=Decimal("5000000"), conversion_deadline=date(2027, 6, 30),
        signed_on=date(2026, 1, 1), decided_by_id=committee.id)
    db.session.add(agreement)
    db.session.flush()
    scan.scan(date(2027, 5, 31))
    row = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.rule == "conversion_deadline"))
    assert (row.recipient_id, row.occurrence) == (committee.id, "2027-06-30-30d")

    agreement.outcome_on = date(2027, 6, 1)
    from tracker.funding.models import AgreementOutcome

    agreement.outcome = AgreementOutcome.GRANT  # decided: its reminders stop
    db.session.flush()
    assert scan.scan(date(2027, 7, 1)).found == 0


def test_the_lockup_of_team_shares_reminds_hq_once_per_company_and_date(app):
    from decimal import Decimal

    from tracker.companies.models import (
        Acquisition,
        Company,
        EntryKind,
        HolderType,
        ShareEntry,
        Shareholder,
        company_projects,
    )

    hq = make_user(Role.HQ_ADMIN)
    project = helpers.project_for(make_user(Role.PROJECT_MANAGER))
    company = Company(name="Suzhou Sensing Co.", registered_on=date(2026, 3, 1))
    company.holders = [Shareholder(name="R&D team", kind=HolderType.TEAM),
                       Shareholder(name="Investor", kind=HolderType.INVESTOR)]
    db.session.add(company)
    db.session.flush()
    db.session.execute(company_projects.insert().values(company_id=company.id,
                                                        project_id=project.id))
    team, investor = company.holders
    lock = date(2028, 3, 1)
    for holder, shares, lock_up in ((team, 7_000_000, lock), (team, 1_000_000, lock),
                                    (investor, 2_000_000, lock)):
        db.session.add(ShareEntry(company_id=company.id, kind=EntryKind.ISSUE,
                                  on_date=date(2026, 3, 1), shares=Decimal(shares),
                                  to_holder_id=holder.id, acquired_by=Acquisition.CASH,
                                  lock_up_until=lock_up, recorded_by_id=hq.id))
    db.session.flush()
    assert scan.scan(date(2028, 1, 30)).found == 0
    result = scan.scan(date(2028, 1, 31))  # 30 days before
    rows = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.rule == "lockup_expiry").order_by(OutboxMessage.id)).all()
    assert [(r.recipient_id, r.occurrence, r.details["title"]) for r in rows] == [
        (hq.id, "2028-03-01-30d", "Suzhou Sensing Co.")]
    assert result.new == 1
    assert rows[0].details["path"] == f"/companies/{company.id}"
    assert scan.scan(date(2028, 3, 2)).found == 0  # the lock-up is over


def test_the_review_due_date_in_the_email_is_the_one_fixed_at_submission(clock):
    """The page shows the review due date stored at submission; a later change of the setting
    moves the reminder's rungs, never the date the e-mail names."""
    from tests.factories import _commit
    from tracker.milestones import services as milestones
    from tracker.settings import services as settings

    clock.set(date(2026, 9, 30))
    evaluator = make_user(Role.EVALUATOR, locale="en")
    pm = make_user(Role.PROJECT_MANAGER)
    m = helpers.milestone(helpers.project_for(pm), date(2026, 9, 30), reviewer=evaluator)
    milestones.submit_milestone(pm, m)
    _commit()
    assert m.review_due == date(2026, 10, 13)  # five business days, National Day skipped
    settings.set_value(make_user(Role.HQ_ADMIN), "reminder_milestone_review_after", "6")
    assert scan.scan(date(2026, 10, 13)).new == 0  # the first rung is now the sixth day
    scan.scan(date(2026, 10, 14))
    message = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.recipient_id == evaluator.id))
    assert message.details["due_on"] == "2026-10-13"


def test_every_default_ladder_is_in_order_and_a_swapped_one_is_not():
    for rule in RULES.values():
        defaults = {step.name: step.default for step in rule.steps}
        assert out_of_order(rule.steps, defaults) is None, rule.name
    steps = RULES["conversion_deadline"].steps
    swapped = {"before_first": 7, "before_second": 30, "after": 1}
    assert [s.name for s in out_of_order(steps, swapped)] == ["before_first", "before_second"]


@pytest.mark.parametrize(("locale", "asks"), [
    ("en", "asks to hand it to another project manager: approve or refuse the handover"),
    ("zh_CN", "申请将其移交给另一位项目经理：请批准或拒绝此次移交"),
])
def test_a_handover_waiting_for_the_director_reminds_them_until_decided(smtp, locale, asks):
    from tests.reminders.conftest import run_day, text_of
    from tracker.changes import services as changes
    from tracker.dates import today
    from tracker.reminders.items import Query, handovers_awaiting_director

    pm, director, hq, _evaluator = helpers.people(pm_locale="en", director_locale=locale)
    successor = make_user(Role.PROJECT_MANAGER, name="Zhao Lei")
    project = helpers.project_for(pm, director)
    successor.institute_id = project.institute_id
    request = changes.hand_over(pm, project, user_id=successor.id, reason="Moving to Suzhou")
    db.session.commit()

    def reminded(day):
        run_day(day)
        # The event (tracker/notifications) telling the director at once that the handover
        # waits for them is not the reminder this test is about.
        return [(to, message) for to, message in smtp.take()
                if director.email in to and project.title in text_of(message)
                and ".change_waiting." not in message["Message-ID"]]

    assert reminded(today() + timedelta(days=2)) == []
    [(_to, message)] = reminded(today() + timedelta(days=3))  # the default: 3 days after
    assert asks in text_of(message) and f"/changes/{request.id}" in text_of(message)
    assert reminded(today() + timedelta(days=4)) == []  # each rung once
    changes.decide(director, request, True, "")
    db.session.commit()
    assert handovers_awaiting_director(Query(item_ids=[request.id])) == []


def test_a_gate_reminder_names_the_gate_in_each_recipients_language(smtp):
    """Reference data in an e-mail (the gate review's name) is in its recipient's language,
    as the rest of it: an English evaluator reads no Chinese, a Chinese one no English name."""
    import re

    from tests.factories import install_gates
    from tests.gates import helpers as gates
    from tests.reminders.conftest import html_of, text_of
    from tracker.reminders import delivery

    install_gates()
    review = gates.submit(helpers.project_for(make_user(Role.PROJECT_MANAGER), phase=None))
    english, chinese, _third = gates.name_panel(review)
    chinese.locale = "zh_CN"
    db.session.commit()
    assert review.name != review.name_en and review.name_en
    day = review.due_date - timedelta(days=3)
    scan.scan(day)
    db.session.commit()
    delivery.send_all(at(day), commit=db.session.commit)
    received = {to[0]: message for to, message in smtp.take()}
    mail = received[english.email]
    for text in (mail["Subject"], text_of(mail), html_of(mail)):
        assert review.name_en in text
        assert not re.search(r"[\u4e00-\u9fff]", text), text
    mail = received[chinese.email]
    assert review.name in mail["Subject"] and review.name in text_of(mail)
    assert review.name_en not in text_of(mail)


def test_a_rules_items_see_what_the_session_changed_and_has_not_flushed(app):
    """A rule's statement runs on the session's connection (`query.built_once`), flushed first
    as the session's own execute would: a milestone waived a moment ago, not yet flushed, is no
    longer open, and one added is."""
    pm = make_user(Role.PROJECT_MANAGER)
    project = helpers.project_for(pm)
    waived = helpers.milestone(project, date(2026, 5, 15))
    rule = RULES["milestone_due"]
    ask = Query(until=date(2026, 5, 31), on=date(2026, 5, 12))
    assert [item.id for item in rule.items(ask)] == [waived.id]
    waived.state = MilestoneState.WAIVED
    added = Milestone(project_id=project.id, phase=project.phase, title="Report",
                      due_date=date(2026, 5, 20), state=MilestoneState.PLANNED)
    db.session.add(added)
    assert [item.id for item in rule.items(ask)] == [added.id]

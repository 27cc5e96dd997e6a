"""A form reports all its errors at once: the fields' own, then what the service checks, each
beside its field, in one answer (a second sending never reveals a problem the first hid)."""

from __future__ import annotations

import ast
import io
from datetime import timedelta
from decimal import Decimal

import pytest

from tests.companies import helpers as company_helpers
from tests.conftest import login, post
from tests.factories import install_gates, make_institute, make_project, make_user
from tests.source import TRACKER, modules, nodes
from tracker import db
from tracker.accounts.models import Role
from tracker.dates import today
from tracker.errors import Invalid, Problems
from tracker.files.storage import storage
from tracker.milestones.models import MilestoneState
from tracker.projects.lifecycle import Phase


def _errors(page: str) -> int:
    return page.count('class="error"')


@pytest.mark.no_db
def test_problems_are_collected_and_raised_as_one():
    problems = Problems()
    problems.raise_any()  # nothing found: nothing raised
    problems.add("a", "first")
    problems.add("b", "second")
    assert "a" in problems and "c" not in problems
    with pytest.raises(Invalid) as raised:
        problems.raise_any()
    assert raised.value.problems == [("a", "first"), ("b", "second")]
    assert [(one.field, one.message) for one in raised.value.each()] == raised.value.problems


def test_the_proposal_form_reports_every_problem_of_the_service_at_once(client):
    install_gates()
    institute = make_institute()
    pm = make_user(Role.PROJECT_MANAGER, institute_id=institute.id)
    login(client, pm)
    response = post(client, "/projects/new", {
        "title": "高性能碳纤维复合材料", "summary": "", "field": "Materials", "type": "pm_major",
        "institute_id": str(institute.id), "partner_enterprise_id": "0", "need_id": "0",
        "trl_now": "6", "trl_target": "3", "budget_total": "1,000,000",
        "start_date": "2027-03-01", "end_date": "2026-02-28",
        "budget_lines-0-category": "Equipment", "budget_lines-0-amount": "1,200,000",
        "member_ids": [str(pm.id)]})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for message in ("The end date is before the start date.",
                    "The targeted TRL is below the current one.",
                    "The budget lines add up to",
                    # the form's own check of a field, in the same answer as the service's
                    "Choose only among the options offered."):
        assert message in page, message


def test_the_agreement_form_reports_every_problem_of_the_service_at_once(client):
    project = company_helpers.invested_project()
    login(client, make_user(Role.INVESTMENT_COMMITTEE))
    response = post(client, f"/projects/{project.id}/funding/agreement", {
        "committed": "0", "hq_ratio": "0", "co_funders-0-name": "Suzhou city",
        "co_funders-0-ratio": "0", "discount_pct": "100", "qualifying_round_min": "30000000",
        "signed_on": (today() + timedelta(days=3)).isoformat(),
        "conversion_deadline": today().isoformat()})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for message in ("The amount must be more than zero", "is in the future.",
                    "The conversion deadline comes after the signing date.",
                    "A ratio is more than zero.",
                    "Each co-funder has a name and a ratio above zero.",
                    "A discount is from 0 up to (not including) 100%"):
        assert message in page, message


def test_the_gate_template_form_reports_every_row_at_fault_at_once(client):
    install_gates()
    login(client, make_user(Role.HQ_ADMIN))
    data = {"name": "", "pass_threshold": "120", "min_trl": "", "quorum": "0",
            "review_days": "0", "required_deliverables": "项目申报书\n项目申报书",
            "required_deliverables_en": "Proposal document"}
    rows = [("should", "", "1", "5"), ("should", "Technical novelty", "-1", "5"),
            ("should", "Market potential", "1", "0")]
    for i, (kind, text, weight, scale_max) in enumerate(rows):
        data.update({f"criteria-{i}-kind": kind, f"criteria-{i}-text": text,
                     f"criteria-{i}-weight": weight, f"criteria-{i}-scale_max": scale_max})
    response = post(client, "/admin/gates/1", data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    # The name is checked by the form; the rest by the service, all in the same answer.
    for message in ("This field is required.",
                    "The pass threshold is a percentage from 0 to 100.",
                    "The quorum is at least one scorecard.",
                    "The review period is at least one day.",
                    "is listed twice.", "Give a weight of 0 or more.",
                    "A should-meet criterion is scored from 0 to at least 1."):
        assert message in page, message


# --- companies, rounds, disbursements, reversals and the TRL: the same, each with several
# errors in one sending (they used to report them one sending at a time).


def _says(response, *messages: str) -> None:
    assert response.status_code == 400, response.status_code
    page = response.get_data(as_text=True)
    for message in messages:
        assert message in page, message


def test_the_company_form_reports_every_problem_at_once(client):
    from tests.companies import helpers

    login(client, make_user(Role.HQ_ADMIN))
    taken = helpers.make_company(make_project(phase=Phase.SPIN_OFF))
    early = make_project(phase=Phase.CONTRACT_RESEARCH)
    _says(post(client, "/companies/new", {
        "name": "Suzhou Joint Robotics Ltd", "uscc": taken.uscc,
        "registered_on": (today() + timedelta(days=3)).isoformat(),
        "registered_capital": "1,000", "project_ids": [str(early.id)]}),
        "Another company already has this code.", "is in the future.",
        "Choose only among the options offered.")
    _says(post(client, "/companies/new", {
        "name": "", "uscc": "91320000000000001X", "registered_on": "",
        "registered_capital": "-5"}),
        "This field is required.", "check character",
        "A registration has both the unified social credit code and the registration date.",
        "Name the project(s) the company comes from.")


def test_the_round_form_reports_every_problem_at_once(client):
    from tests.companies import helpers

    company = helpers.make_company(company_helpers.invested_project())
    helpers.incorporate(company)
    helpers.record_round(company, on=helpers.days_ago(30))
    login(client, make_user(Role.HQ_ADMIN))
    _says(post(client, f"/companies/{company.id}/rounds/new", {
        "name": company.rounds[0].name, "on_date": (today() + timedelta(days=2)).isoformat(),
        "pre_money": "100000000", "amount": "20000000",
        "investors-0-name": "Fund", "investors-0-kind": "investor",
        "investors-0-amount": "15000000", "investors-0-lead": "y",
        "investors-1-name": "Other fund", "investors-1-kind": "investor",
        "investors-1-amount": "1000000", "investors-1-lead": "y"}),
        "is in the future.", "add up to", "A round has one lead investor.",
        "already has a round called")


def test_the_disbursement_form_reports_every_problem_at_once(client):
    from tests.companies import helpers
    from tracker.funding import services as funding

    committee = make_user(Role.INVESTMENT_COMMITTEE)
    project = company_helpers.invested_project()
    agreement = funding.record_agreement(
        committee, project, committed=Decimal("1000000"), qualifying_round_min=Decimal("1"),
        signed_on=helpers.days_ago(100), conversion_deadline=today() + timedelta(days=300))
    milestone = helpers.make_milestone(project, MilestoneState.ACCEPTED)
    tranche = funding.add_tranche(committee, agreement, amount=Decimal("400000"),
                                  milestone_id=milestone.id)
    db.session.commit()
    login(client, committee)
    _says(post(client, f"/funding/tranches/{tranche.id}/disburse", {
        "amount": "500000", "paid_on": helpers.days_ago(200).isoformat()}),
        "before the agreement was signed", "would exceed it by")


def test_the_reversal_forms_report_every_problem_at_once(client):
    from tests.companies import helpers

    committee = make_user(Role.INVESTMENT_COMMITTEE)
    agreement, _company = helpers.worked_example(
        company_helpers.invested_project(), committee)
    login(client, committee)
    _says(post(client, f"/funding/conversions/{agreement.conversion.id}/reverse", {
        "on_date": agreement.conversion.round.on_date.replace(year=2000).isoformat(),
        "reason": ""}),
        "This field is required.", "A reversal is dated on or after what it reverses")


def test_the_trl_form_reports_every_problem_at_once(client):
    kept = set(_upload_files())
    project = make_project(phase=Phase.CONTRACT_RESEARCH)
    login(client, project.pm)
    _says(post(client, f"/projects/{project.id}/trl", {"level": "12", "note": ""}),
          "At most 9.", "Give the evidence of this TRL: a note, a file, or both.")
    _says(post(client, f"/projects/{project.id}/trl", {
        "level": "0", "note": "", "file": (io.BytesIO(b"MZ not a pdf"), "report.pdf")}),
        "At least 1.", "is not a PDF file")
    assert project.trl_records == [] and set(_upload_files()) == kept  # the dry run wrote none


def _upload_files():
    return storage().names()


def test_the_rebaseline_form_reports_the_date_and_the_reason_at_once(client):
    from tests.milestones.test_milestones import in_research, plan

    install_gates()
    project = in_research()
    milestone = plan(project)
    login(client, project.pm)
    response = post(client, f"/milestones/{milestone.id}/rebaseline",
                    {"new_date": "2099-01-01", "reason": ""})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The due date must fall within the project&#39;s dates" in page
    assert "This field is required." in page
    assert _errors(page) == 2


def test_the_tranche_form_reports_the_amount_and_the_missing_condition_at_once(client):
    from decimal import Decimal

    from tracker import db
    from tracker.funding import services as funding

    project = company_helpers.invested_project()
    committee = make_user(Role.INVESTMENT_COMMITTEE)
    agreement = funding.record_agreement(
        committee, project, committed=Decimal("1000000"), qualifying_round_min=Decimal("3e7"),
        conversion_deadline=today() + timedelta(days=700), signed_on=today())
    db.session.commit()
    login(client, committee)
    response = post(client, f"/funding/{agreement.id}/tranches/new",
                    {"amount": "", "condition": "milestone", "milestone_id": "0", "gate": "0"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "This field is required." in page
    assert "Name one condition: a milestone, or a gate." in page
    assert _errors(page) == 2


def _panel(client):
    from tests.gates import helpers

    install_gates()
    review = helpers.submit(make_project())
    evaluators = [make_user(Role.EVALUATOR) for _ in range(4)]
    login(client, make_user(Role.HQ_ADMIN))
    return review, evaluators


def test_the_panel_form_reports_quorum_chair_and_date_at_once(client):
    review, (a, b, chair, _d) = _panel(client)
    response = post(client, f"/reviews/{review.id}/panel", {
        "evaluator_ids": [str(a.id), str(b.id)], "chair_id": str(chair.id),
        "due_date": (today() - timedelta(days=1)).isoformat()})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for message in ("The quorum is 3: name at least that many evaluators.",
                    f"The chair is one of the evaluators: choose {chair.name} among the "
                    "evaluators too, or another chair.",
                    "The due date is in the past."):
        assert message in page, message
    assert _errors(page) == 3


def test_a_chair_not_among_the_evaluators_is_never_added_unasked(client):
    review, (a, b, c, chair) = _panel(client)
    response = post(client, f"/reviews/{review.id}/panel", {
        "evaluator_ids": [str(a.id), str(b.id), str(c.id)], "chair_id": str(chair.id),
        "due_date": ""})
    assert response.status_code == 400
    assert "The chair is one of the evaluators" in response.get_data(as_text=True)
    assert review.panel == [] and review.chair_id is None


# --- the founders' table, share issues and transfers, IP deals, exits, the agreement's outcome
# and the chair's decision: each with several mistakes in one sending, all reported at once
# (they used to report them one sending at a time).


def _registered_company():
    from tests.companies import helpers

    company = helpers.make_company(company_helpers.invested_project())
    db.session.commit()
    return company


def test_the_founders_table_reports_every_row_at_fault_at_once(client):
    company = _registered_company()
    login(client, make_user(Role.HQ_ADMIN))
    before = company.registered_on - timedelta(days=1)
    response = post(client, f"/companies/{company.id}/incorporate", {
        "on_date": before.isoformat(), "total_shares": "1000",
        "holdings-0-name": "R&D team", "holdings-0-kind": "team", "holdings-0-shares": "700",
        "holdings-0-acquired_by": "ip", "holdings-0-technology": "",
        "holdings-1-name": "", "holdings-1-kind": "institute", "holdings-1-shares": "200",
        "holdings-1-acquired_by": "cash",
        "holdings-2-name": "Pool", "holdings-2-kind": "incentive_pool",
        "holdings-2-shares": "50", "holdings-2-acquired_by": "cash",
        "holdings-2-lock_up_until": before.isoformat()})
    _says(response, "was registered", "name the technology contributed", "Name each holder.",
          "the lock-up ends on", "The cap table does not add up")
    # Each problem of a row is beside that row's field, and its summary entry links there.
    from tests.test_error_summary import summary

    targets = [target for target, _text in summary(response.get_data(as_text=True))]
    assert {"on_date", "total_shares", "holdings-0-technology", "holdings-1-name",
            "holdings-2-lock_up_until"} <= set(targets), targets
    assert company.entries == []


def test_the_share_issue_form_reports_every_problem_at_once(client):
    from tests.companies import helpers

    company = _registered_company()
    helpers.incorporate(company, on=company.registered_on)
    db.session.commit()
    login(client, make_user(Role.HQ_ADMIN))
    early = company.registered_on - timedelta(days=5)
    _says(post(client, f"/companies/{company.id}/shares/new", {
        "name": "R&D team", "kind": "investor", "shares": "100", "acquired_by": "ip",
        "technology": "", "on_date": early.isoformat(),
        "lock_up_until": (early - timedelta(days=1)).isoformat()}),
        "was registered", "name the technology contributed", "the lock-up ends on",
        "is a holder of the type")


def test_the_share_transfer_form_reports_every_problem_at_once(client):
    from tests.companies import helpers

    company = _registered_company()
    helpers.incorporate(company, on=company.registered_on)
    db.session.commit()
    team = next(h for h in company.holders if h.name == "R&D team")
    login(client, make_user(Role.HQ_ADMIN))
    _says(post(client, f"/companies/{company.id}/transfers/new", {
        "from_holder_id": str(team.id), "name": "Robotics institute", "kind": "investor",
        "shares": "10", "on_date": (today() + timedelta(days=3)).isoformat(),
        "lock_up_until": today().isoformat()}),
        "is in the future.", "the lock-up ends on", "is a holder of the type")


def test_the_ip_deal_form_reports_every_problem_at_once(client):
    company = _registered_company()
    login(client, make_user(Role.HQ_ADMIN))
    from tests.companies import helpers

    achievement = helpers.register(company.projects[0])
    _says(post(client, f"/companies/{company.id}/ip/new", {
        "achievement_id": str(achievement.id), "kind": "licence", "licensee": company.name,
        "upfront": "-5", "royalty_pct": "3", "equity_shares": "",
        "signed_on": (company.registered_on - timedelta(days=3)).isoformat()}),
        "was registered", "At least CN¥0.00.")


def test_the_exit_form_reports_every_problem_at_once(client):
    from tests.companies import helpers

    company = _registered_company()
    helpers.incorporate(company, on=company.registered_on)
    db.session.commit()
    login(client, make_user(Role.HQ_ADMIN))
    _says(post(client, f"/companies/{company.id}/exit", {
        "kind": "acquisition", "proceeds": "-1",
        "on_date": (today() + timedelta(days=5)).isoformat()}),
        "is in the future.", "At least CN¥0.00.")


def test_the_outcome_form_reports_every_problem_at_once(client):
    from tests.funding.test_conversion import funded

    committee = make_user(Role.INVESTMENT_COMMITTEE)
    agreement, _company = funded(committee, deadline=today() - timedelta(days=10))
    login(client, committee)
    _says(post(client, f"/funding/{agreement.id}/outcome", {
        "outcome": "repaid", "outcome_on": (today() - timedelta(days=30)).isoformat(),
        "repaid_amount": "99,000,000"}),
        "The outcome is dated after the deadline", "is more than was disbursed")
    assert agreement.is_open


def test_the_chairs_decision_reports_every_problem_at_once(client):
    from tests.gates import helpers
    from tracker.gates.models import Outcome

    install_gates()
    review = helpers.submit(make_project())
    evaluators = helpers.name_panel(review)
    for evaluator in evaluators:
        helpers.score(review, evaluator, value=0, passed=False)
    login(client, evaluators[0])
    response = post(client, f"/reviews/{review.id}/decide", {
        "outcome": Outcome.CONDITIONAL_GO.value, "version": str(review.version),
        "conditions-0-text": "Sign the pilot agreement", "conditions-0-owner_id": "0",
        "conditions-0-due_date": (today() - timedelta(days=1)).isoformat()})
    _says(response, "record an override with its reason",
          "This condition needs a text and an owner.",
          "This condition needs a due date from today on.")
    assert review.decisions == []


# --- a new form that reports its problems one sending at a time fails here: a service (or a
# check it calls) that raises `Invalid` for two different fields, one after the other, stops at
# the first; it collects them instead (`Problems`) and raises them together.

# Functions that raise Invalid for different fields in branches that exclude one another (only
# one can apply to a given input), each with why.
EXCLUSIVE = {
    ("tracker/imports/projects.py", "imported_route"):
        "a draft's code, a final phase's ended_in and another phase's ended_in are three "
        "branches of the phase",
}


def _raised_fields(function) -> set[str]:
    fields = set()
    for node in ast.walk(function):
        if (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)
                and getattr(node.exc.func, "id", None) == "Invalid" and node.exc.args):
            fields.add(ast.unparse(node.exc.args[0]))
    return fields


@pytest.mark.no_db
def test_no_service_reports_its_problems_one_at_a_time():
    one_at_a_time = []
    for path in modules():
        name = str(path.relative_to(TRACKER.parent))
        for node in nodes(path):
            if (isinstance(node, ast.FunctionDef) and len(_raised_fields(node)) > 1
                    and (name, node.name) not in EXCLUSIVE):
                one_at_a_time.append(f"{name}:{node.name} {sorted(_raised_fields(node))}")
    assert one_at_a_time == [], "raise these together through Problems:\n" + "\n".join(
        one_at_a_time)


@pytest.mark.no_db
def test_the_scan_finds_a_service_that_reports_one_at_a_time():
    """The scan above is no test if it finds nothing: the old exit service, for one."""
    old = ast.parse('''
def record_exit(actor, company, *, kind, on, proceeds, note=""):
    if on > today():
        raise Invalid("on_date", _("in the future"))
    if proceeds < 0:
        raise Invalid("proceeds", _("The amount cannot be negative."))
''').body[0]
    assert _raised_fields(old) == {"'on_date'", "'proceeds'"}


# --- the equity incentive forms: a grant, its correction, an exercise and a leaver, each with
# a field the form refuses beside what the service finds, in one answer (issue 9, F51: the
# pool's limit and the vesting were said only once every other problem was put right).


def _incentive_company():
    from tests.companies import helpers
    from tests.incentives.test_grants import LINES

    company = _registered_company()
    helpers.incorporate(company, lines=LINES, on=company.registered_on)
    db.session.commit()
    return company


def _options(company, **values):
    from tests.incentives.test_grants import grant

    return grant(company, **{"granted_on": company.registered_on,
                             "vesting_start": company.registered_on, **values})


def test_the_grant_form_reports_every_problem_at_once(client):
    from tests.incentives.test_grants import pool_of

    company = _incentive_company()
    login(client, make_user(Role.HQ_ADMIN))
    on = company.registered_on + timedelta(days=10)
    _says(post(client, f"/companies/{company.id}/incentives/new", {
        "pool_id": str(pool_of(company).id), "user_id": "0", "person_name": "",
        "kind": "options", "shares": "1.5", "exercise_price": "",
        "granted_on": on.isoformat(), "vesting_start": "", "vesting_months": "48",
        "cliff_months": "60", "lock_up_until": on.isoformat(), "exercise_window_days": "x"}),
        "Name the person, or choose them from the users.",
        "Options have an exercise price (0 or more).",
        "Must be a whole number.", "This field is required.",
        "The cliff is between 0 and the vesting period",
        "The lock-up ends after the grant date")
    # the pool's limit beside the other problems, not after them
    _says(post(client, f"/companies/{company.id}/incentives/new", {
        "pool_id": str(pool_of(company).id), "user_id": "0", "person_name": "",
        "kind": "options", "shares": "999999999", "exercise_price": "1",
        "granted_on": on.isoformat(), "vesting_start": on.isoformat(),
        "vesting_months": "48", "cliff_months": "12"}),
        "Name the person, or choose them from the users.", "can be granted, not")


def test_the_grant_correction_reports_every_problem_at_once(client):
    company = _incentive_company()
    record = _options(company)
    login(client, make_user(Role.HQ_ADMIN))
    _says(post(client, f"/incentives/grants/{record.id}/edit", {
        "version": str(record.version), "vesting_start": "", "vesting_months": "12",
        "cliff_months": "24", "lock_up_until": record.granted_on.isoformat(),
        "exercise_window_days": "99999"}),
        "This field is required.", "The cliff is between 0 and the vesting period",
        "The lock-up ends after the grant date", "At most 3,650.")


def test_the_exercise_form_reports_every_problem_at_once(client):
    company = _incentive_company()
    record = _options(company)
    login(client, make_user(Role.HQ_ADMIN))
    _says(post(client, f"/incentives/grants/{record.id}/exercise", {
        "shares": "abc", "on_date": (company.registered_on - timedelta(days=1)).isoformat()}),
        "Must be a whole number.", "was registered")  # as every whole number says it
    # more than is vested, on a day the window is not yet in question: beside the date's
    _says(post(client, f"/incentives/grants/{record.id}/exercise", {
        "shares": "999999999", "on_date": (today() + timedelta(days=3)).isoformat()}),
        "can be exercised, not", "is in the future.")


def test_the_leaver_form_reports_every_problem_at_once(client):
    company = _incentive_company()
    record = _options(company)
    login(client, make_user(Role.HQ_ADMIN))
    _says(post(client, f"/incentives/grants/{record.id}/forfeit", {
        "left_on": (record.granted_on - timedelta(days=1)).isoformat(), "reason": ""}),
        "is before the grant", "This field is required.")
    assert record.left_on is None

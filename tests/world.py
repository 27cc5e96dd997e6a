"""One world with an object of every kind a route takes an id for, and the people who look at
it: each role, a PM and a director of another institute, an evaluator on the open panel and
one off it. Built through the services (as users made it), once per test module that asks for
it (tests/test_access_matrix.py, tests/test_forms_hypothesis.py).

`build()` returns plain values: the ids by the name of the URL argument they fill in
(`project_id`, `milestone_id`, ...) and the people by the name the tests give them.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import time_machine
from flask import Flask
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from tests.achievements.helpers import make_achievement, make_patent, make_transfer
from tests.companies import helpers as companies_helpers
from tests.conftest import csrf_token, login, shared_data
from tests.factories import (
    PASSWORD,
    _commit,
    install_gates,
    make_centre,
    make_enterprise,
    make_institute,
    make_need,
    make_project,
    make_region,
    make_user,
)
from tests.gates import helpers as gate_helpers
from tracker import db
from tracker.accounts.models import Role, User
from tracker.achievements import deals as ip_deals
from tracker.achievements import services as achievements
from tracker.apitokens import services as tokens
from tracker.apitokens.models import TokenScope
from tracker.approvals import services as approvals
from tracker.approvals.models import AppliesTo
from tracker.assessment import services as assessment
from tracker.assessment.models import Measure
from tracker.budgets.models import BudgetTemplate
from tracker.centres import services as centre_services
from tracker.changes import services as changes
from tracker.companies import deals
from tracker.companies.models import ExitKind, HolderType
from tracker.contracts import services as contracts
from tracker.dates import today
from tracker.experts.models import Expert, ExpertTitle
from tracker.funding import services as funding
from tracker.gates import decisions
from tracker.gates import services as gates
from tracker.gates.models import Outcome
from tracker.imports import jobs
from tracker.incentives import services as incentives
from tracker.milestones import services as milestones
from tracker.milestones.models import MilestoneState
from tracker.obligations import services as obligation_services
from tracker.obligations.models import ReportKind
from tracker.partners import co_funding
from tracker.partners import services as partner_services
from tracker.partners.agreement_models import AgreementKind
from tracker.pms import services as pm_services
from tracker.pms.models import InterviewOutcome, Origin
from tracker.projects import services as projects
from tracker.projects import trl
from tracker.projects.lifecycle import Phase
from tracker.projects.views import PROJECT_FIELDS as PROPOSAL_FIELDS
from tracker.reminders import preferences
from tracker.reminders.models import MessageKind, OutboxMessage
from tracker.spending import services as spending
from tracker.techfields.models import TechnicalField
from tracker.workdays import services as workdays

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"

# Who looks, in the order the tables read: `anon` is nobody signed in.
PEOPLE = ("pm", "director", "admin", "committee", "observer", "panelist", "evaluator",
          "other_pm", "other_director", "contact")
SUBJECTS = ("anon", *PEOPLE)


@dataclass
class World:
    ids: dict[str, int | str] = field(default_factory=dict)
    people: dict[str, int] = field(default_factory=dict)  # name -> user id
    emails: dict[str, str] = field(default_factory=dict)
    api_tokens: dict[str, str] = field(default_factory=dict)  # name -> bearer secret


def build() -> World:
    world = World()
    install_gates()
    admin = make_user(Role.HQ_ADMIN)
    committee = make_user(Role.INVESTMENT_COMMITTEE)
    observer = make_user(Role.OBSERVER)
    director, other_director = make_user(), make_user()
    ours = make_institute(director)
    theirs = make_institute(other_director)
    pm = make_user(Role.PROJECT_MANAGER, institute_id=ours.id)
    other_pm = make_user(Role.PROJECT_MANAGER, institute_id=theirs.id)
    colleague = make_user(institute_id=ours.id)
    panelist, evaluator = make_user(Role.EVALUATOR), make_user(Role.EVALUATOR)
    chair, third = make_user(Role.EVALUATOR), make_user(Role.EVALUATOR)
    people = dict(pm=pm, director=director, admin=admin, committee=committee,
                  observer=observer, panelist=panelist, evaluator=evaluator, other_pm=other_pm,
                  other_director=other_director)
    enterprise = make_enterprise()
    # The enterprise's contact (a limited account: its needs only); the other PM is the
    # centre's liaison, who submits needs for the centre's enterprise.
    people["contact"] = make_user(Role.ENTERPRISE_CONTACT, enterprise_id=enterprise.id)
    centre = make_centre(enterprise, liaison_id=other_pm.id)
    need = make_need(institute=ours, enterprise=enterprise)
    centre_term = centre_services.record_agreement(
        admin, centre, signed_on=date(2024, 3, 20), starts_on=date(2024, 4, 1),
        ends_on=date(2030, 3, 31), committed=Decimal("3000000"))
    centre_payment = centre_services.record_payment(
        admin, centre_term, paid_on=date(2024, 6, 1), amount=Decimal("1000000"))

    # The project: gate 1 passed with a condition, research under way, a contract paid in part,
    # a milestone submitted to the panelist with evidence, another with a move of its date
    # waiting for HQ, spending, a change waiting for HQ, a colleague named to the team.
    project = make_project(pm=pm, institute=ours, partner_enterprise_id=enterprise.id)
    projects.update_proposal(pm, project, budget_lines=[(b.category, b.amount)
                                                        for b in project.budget_lines],
                             member_ids=[colleague.id], **{
                                 name: getattr(project, name) for name in PROPOSAL_FIELDS})
    review1 = gate_helpers.submit(project, contract=False)
    contract = gate_helpers.sign_contract(project)
    gates.name_panel(admin, review1, chair, [chair, panelist, third], today() + timedelta(days=9))
    for person in (chair, panelist, third):
        gate_helpers.score(review1, person)
    decision = decisions.decide(chair, review1, review1.version, Outcome.CONDITIONAL_GO,
                                conditions=[{"text": "Name the pilot customer", "owner": pm,
                                             "due_date": today() + timedelta(days=30)}])
    _commit()
    assert project.phase is Phase.CONTRACT_RESEARCH
    condition = decision.conditions[0]
    payment = contracts.record_payment(pm, contract.instalments[0], date(2026, 3, 2),
                                       Decimal("100000.00"))
    submitted = milestones.plan_milestone(
        pm, project, phase=Phase.CONTRACT_RESEARCH, title="Prototype", deliverable="Report",
        due_date=today() + timedelta(days=60), weight=Decimal("1"))
    milestones.assign_reviewer(admin, submitted, panelist.id)
    milestones.post_update(pm, submitted, 100, "Done", [(io.BytesIO(PDF), "bench.pdf")])
    milestones.submit_milestone(pm, submitted)
    moved = milestones.plan_milestone(
        pm, project, phase=Phase.CONTRACT_RESEARCH, title="Pilot line", deliverable="",
        due_date=today() + timedelta(days=90), weight=Decimal("1"))
    rebaseline = milestones.rebaseline(pm, moved, moved.due_date + timedelta(days=200),
                                       "The supplier is late.")
    entry = spending.record_spending(pm, project, budget_line_id=project.budget_lines[0].id,
                                     spent_on=today(), amount=Decimal("1000.00"),
                                     description="Sensors")
    change = changes.change_end_date(pm, project, end_date=project.end_date + timedelta(days=400),
                                     reason="The customer asks for a field trial.")
    place = project.members[0]
    _commit()

    # Allocation-investment on a project HQ decided to invest in: a tranche on an accepted
    # milestone, paid, a company with its founders, a round that converted; a second company,
    # that exited.
    invested = make_project(pm=pm, institute=ours, phase=Phase.INVESTMENT_DECISION,
                            start_date=today() - timedelta(days=730))
    agreement = funding.record_agreement(
        committee, invested, committed=Decimal("1000000.00"),
        qualifying_round_min=Decimal("20000000.00"), discount_pct=Decimal("20"),
        signed_on=today() - timedelta(days=500),
        conversion_deadline=today() + timedelta(days=365),
        co_funders=[("苏州市", Decimal("1"))])  # a city matching HQ 1:1, partly paid
    co_funder_payment = co_funding.record_payment(
        admin, agreement.co_funders[0], amount=Decimal("200000.00"),
        paid_on=today() - timedelta(days=400))
    partner_agreement = partner_services.record_agreement(
        admin, agreement.co_funders[0].partner, kind=AgreementKind.CO_FUNDING,
        title="拨投结合配套资金协议", signed_on=today() - timedelta(days=520), starts_on=None,
        ends_on=None)
    accepted = companies_helpers.make_milestone(invested, MilestoneState.ACCEPTED)
    tranche = funding.add_tranche(committee, agreement, amount=Decimal("1000000.00"),
                                  milestone_id=accepted.id)
    disbursement = funding.record_disbursement(committee, tranche, amount=Decimal("500000.00"),
                                               paid_on=today() - timedelta(days=450))
    company = companies_helpers.make_company(invested, admin)
    companies_helpers.incorporate(company, admin)
    financing = companies_helpers.record_round(company, admin)
    conversion = funding.convert(committee, agreement, financing)
    ip_deal = companies_helpers.license_ip(company, invested, admin)  # HQ corrects it
    # A progress report the agreement owes its city co-funder (tracker/obligations).
    obligation = obligation_services.add_obligation(
        committee, agreement, kind=ReportKind.PROGRESS, due_on=today() + timedelta(days=30),
        recipient="Matrix City Science Bureau")
    # Options from its pool to the PM of another institute: theirs to see, not its company.
    pool = next(h for h in company.holders if h.kind is HolderType.INCENTIVE_POOL)
    option_grant = incentives.grant(
        admin, company, pool_id=pool.id, user=other_pm, person_name="", kind="options",
        shares=Decimal("10000"), exercise_price=Decimal("1.00"),
        granted_on=today() - timedelta(days=20), vesting_start=today() - timedelta(days=20),
        vesting_months=48, cliff_months=12, lock_up_until=None, note="")
    # And options of theirs vested in full, some exercised: an exercise to reverse.
    vested_grant = incentives.grant(
        admin, company, pool_id=pool.id, user=other_pm, person_name="", kind="options",
        shares=Decimal("1000"), exercise_price=Decimal("1.00"),
        granted_on=today() - timedelta(days=20), vesting_start=today() - timedelta(days=20),
        vesting_months=0, cliff_months=0, lock_up_until=None, note="")
    exercise = incentives.exercise(admin, vested_grant, today() - timedelta(days=10),
                                   Decimal("100"))
    gone = companies_helpers.make_company(
        make_project(pm=pm, institute=ours, phase=Phase.INVESTMENT_DECISION), admin)
    companies_helpers.incorporate(gone, admin)
    exit_ = deals.record_exit(admin, gone, kind=ExitKind.DISSOLUTION,
                              on=today() - timedelta(days=10), proceeds=Decimal("0"))
    _commit()

    # A proposal under review at gate 1: the panelist declared and sees it, the evaluator does
    # not sit on it. Its deliverable is the file of the tables.
    proposal = make_project(pm=pm, institute=ours)
    review = gate_helpers.submit(proposal, contract=False)
    gates.name_panel(admin, review, chair, [chair, panelist, third], today() + timedelta(days=9))
    gates.declare(panelist, review, conflict=False)
    _commit()
    deliverable = review.deliverables[0].file_id

    # HQ's side: the yearly assessment, the calendar, an import, tokens, the outbox.
    year = today().year
    indicator = assessment.save_indicator(
        admin, None, year=year, measure=Measure.EVIDENCE, name="服务收入", name_en="Services",
        weight=Decimal(100), target=Decimal("100000"))
    evidence = assessment.enter_evidence(director, indicator, ours, amount=Decimal("5000"),
                                         description="Testing services",
                                         uploads=[(io.BytesIO(PDF), "invoice.pdf")])
    holiday = date(year, 10, 12)
    holiday += timedelta(days=max(0, 7 - holiday.weekday()) if holiday.weekday() > 4 else 0)
    day = workdays.add_day(admin, holiday, False, "Institute holiday")
    run = jobs.queue(admin, "institutes", "institutes.csv", b"code,name\n", dry_run=True,
                     locale=None)
    token, _secret = tokens.create_token(pm, "Laptop", TokenScope.READ, 30)
    feed = preferences.regenerate_feed_token(pm)
    # Approval at the institute (tracker/approvals): the change above waits for the director's
    # signature; the director lends it to the other institute's director (who signs at the
    # director's level) from ten days on; HQ's one level.
    approval = change.approval
    assert approval is not None and approval.is_pending
    delegation = approvals.delegate(director, delegate_id=other_director.id,
                                    starts_on=today() + timedelta(days=10),
                                    ends_on=today() + timedelta(days=20))
    level = approvals.add_level(admin, name="财务会签", name_en="Finance", director=False,
                                approver_ids=[committee.id], applies_to=AppliesTo.CHANGE)
    _commit()
    message = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.recipient_id == pm.id, OutboxMessage.kind == MessageKind.EVENT)
        .order_by(OutboxMessage.id))
    assert message is not None, "the world's events sent the PM no notice"

    # The register: an achievement of the project (the PM 60 %, a named colleague 40 %), a
    # granted patent with an annuity due.
    achievement = make_achievement(project)
    patent = make_patent(achievement)
    annuity = achievements.add_annuity(pm, patent, year_no=3, due_on=today() + timedelta(days=90),
                                       fee=Decimal("1200.00"))
    _commit()
    # licensed to the partner enterprise, its first quarter reported, the upfront received
    transfer = make_transfer(achievement, admin, enterprise_id=enterprise.id,
                             signed_on=today() - timedelta(days=120))
    royalty_report = ip_deals.record_report(admin, transfer,
                                            received_on=today() - timedelta(days=5),
                                            base_amount=Decimal("500000.00"))
    receipt = ip_deals.record_income(admin, transfer, received_on=today() - timedelta(days=100),
                           amount=Decimal("100000.00"), costs=None, pays="upfront", report_id=None)
    _commit()

    technical_field = TechnicalField(code="MAT", name="材料", name_en="Materials")
    db.session.add(technical_field)
    region = make_region("south")  # in no institute: HQ admins may delete it
    # The PM's record in the register: appointed at their institute.
    pm_record = pm_services.save_record(admin, None, name=pm.name, email=pm.email,
                                        origin=Origin.DOMESTIC, institute_id=ours.id)
    pm_services.record_interview(admin, pm_record, held_on=date(2024, 1, 10),
                                 panel_ids=[admin.id], outcome=InterviewOutcome.RECOMMENDED)
    pm_services.appoint(admin, pm_record, institute_id=ours.id, starts_on=date(2024, 2, 1),
                        ends_on=date(2030, 1, 31))
    pm_team = pm_services.save_team(admin, None, name="Matrix PM team", lead_id=pm_record.id,
                                    member_ids=[])
    expert = Expert(name="Matrix Expert", professional_title=ExpertTitle.SENIOR,
                    unit="Matrix University", expertise="Materials",
                    email="matrix-expert@example.cn", phone="")
    db.session.add(expert)
    # The TRL the PM recorded since gate 1: theirs to correct or withdraw (nothing decided since).
    trl_record = trl.record_trl(pm, project, 4, "Bench test at 100 h")
    # One of gate 2's deliverables, uploaded before gate 2 is requested: theirs to correct.
    deliverable_2 = gates.upload_deliverable(pm, project, 2, "研究报告", io.BytesIO(PDF),
                                             "research-report.pdf")
    _commit()
    world.ids = dict(
        trl_id=trl_record.id, deliverable_id=deliverable_2.id, update_id=submitted.updates[0].id,
        interview_id=pm_record.interviews[0].id,
        expert_id=expert.id, record_id=pm_record.id, team_id=pm_team.id,
        achievement_id=achievement.id,
        right_id=patent.id,
        annuity_id=annuity.id, transfer_id=transfer.id, contributor_id=pm.id,
        named_contributor_id=next(c.id for c in achievement.contributors if c.user_id is None),
        report_id=royalty_report.id, receipt_id=receipt.id,
        field_id=technical_field.id, region_id=region.id, project_id=project.id,
        invested_id=invested.id,
        milestone_id=submitted.id,
        review_id=review.id,
        decision_id=decision.id, condition_id=condition.id, contract_id=contract.id,
        instalment_id=contract.instalments[0].id, payment_id=payment.id,
        rebaseline_id=rebaseline.id, entry_id=entry.id, request_id=change.id,
        member_id=place.id, agreement_id=agreement.id, tranche_id=tranche.id,
        disbursement_id=disbursement.id, conversion_id=conversion.id, company_id=company.id,
        round_id=financing.id, exit_id=exit_.id, ip_deal_id=ip_deal.id,
        share_entry_id=company.entries[0].id,
        institute_id=ours.id, enterprise_id=enterprise.id, centre_id=centre.id,
        centre_agreement_id=centre_term.id, obligation_id=obligation.id,
        centre_payment_id=centre_payment.id,
        co_funder_id=agreement.co_funders[0].id,
        co_funder_payment_id=co_funder_payment.id,
        partner_id=agreement.co_funders[0].partner_id,
        partner_agreement_id=partner_agreement.id,
        need_id=need.id, file_id=deliverable, evidence_entry_id=evidence.id,
        evidence_file_id=evidence.files[0].id, indicator_id=indicator.id, year=year,
        day_id=day.id, run_id=run.id, token_id=token.id, message_id=message.id,
        user_id=colleague.id, gate=1, feed_token=feed, approval_id=approval.id,
        delegation_id=delegation.id, level_id=level.id, grant_id=option_grant.id,
        exercise_id=exercise.id,
        budget_template_id=db.session.scalar(select(BudgetTemplate.id).order_by(
            BudgetTemplate.id)))
    world.people = {name: user.id for name, user in people.items()}
    world.emails = {name: user.email for name, user in people.items()}
    for name, user in people.items():
        if user.is_limited:  # makes no token (AccessToken.can_create): nobody, to the API
            continue
        _token, world.api_tokens[name] = tokens.create_token(user, "Matrix", TokenScope.WRITE,
                                                             30)
    _commit()
    return world


def shared(app: Flask, connection, into: World) -> World:
    """The world built once for a test module (in its `module_connection`), its ids and people
    copied into `into`, the module's own World that its table's setters read."""
    with shared_data(app, connection):
        built = build()
    into.ids, into.people = built.ids, built.people
    return built


@contextmanager
def signed_in_people(app: Flask, connection, world: World) -> Iterator[People]:
    """Its people signed in once for a test module (in its `module_connection`), the clock
    stopped at their sign-in until the module's last test. Each request is rolled back, the
    session's `last_seen_at` with it: on a running clock, every request of a module that lasts
    more than a minute wrote it again (tracker/accounts/sessions.py:resume), a commit that
    expired the request's user and made it load again, on two requests in three of the
    access table; a browser's session writes it once a minute."""
    with time_machine.travel(datetime.now(UTC), tick=False):
        with shared_data(app, connection):
            people = People(app, world, connection)
        yield people


# --- asking the app: the URL of a route in the world, and people to ask it ---------------------

# Where each URL argument comes from: the world's id of that name, or (endpoint, argument)
# where one name means different things on different routes.
ARGUMENT_OF = {
    ("approvals.show", "request_id"): "approval_id",
    ("approvals.sign", "request_id"): "approval_id",
    ("approvals.withdraw", "request_id"): "approval_id",
    ("organisations.institute", "object_id"): "institute_id",
    ("organisations.edit_institute", "object_id"): "institute_id",
    ("organisations.enterprise", "object_id"): "enterprise_id",
    ("organisations.edit_enterprise", "object_id"): "enterprise_id",
    ("organisations.centre", "object_id"): "centre_id",
    ("organisations.edit_centre", "object_id"): "centre_id",
    ("centres.edit_agreement", "agreement_id"): "centre_agreement_id",
    ("centres.new_payment", "agreement_id"): "centre_agreement_id",
    ("centres.reverse_payment", "payment_id"): "centre_payment_id",
    ("obligations.new_for_agreement", "project_id"): "invested_id",
    ("co_funding.reverse", "payment_id"): "co_funder_payment_id",
    ("partners.edit_agreement", "agreement_id"): "partner_agreement_id",
    ("organisations.need", "object_id"): "need_id",
    ("organisations.edit_need", "object_id"): "need_id",
    ("audit.history", "object_id"): "project_id",
    ("companies.detach", "project_id"): "invested_id",
    ("api.project_funding", "project_id"): "invested_id",
    ("companies.reverse_entry", "entry_id"): "share_entry_id",
    ("companies.record_paid", "entry_id"): "share_entry_id",
    ("assessment.evidence_file", "entry_id"): "evidence_entry_id",
    ("assessment.evidence_file", "file_id"): "evidence_file_id",
    ("assessment.review", "entry_id"): "evidence_entry_id",
    ("assessment.correct_evidence", "entry_id"): "evidence_entry_id",
    ("assessment.withdraw_evidence", "entry_id"): "evidence_entry_id",
    ("reminders.retry", "message_id"): "message_id",
    ("reminders.feed", "token"): "feed_token",
    ("budget_admin.edit_template", "template_id"): "budget_template_id",
    ("transfers.statement", "user_id"): "contributor_id",
    ("transfers.named_statement", "contributor_id"): "named_contributor_id",
}
CONSTANTS = {"object_type": "projects", "kind": "route", "fmt": "csv", "answer": "confirm",
             "verdict": "approve", "filename": "favicon.svg"}
CONSTANT_OF = {("imports.template", "kind"): "institutes",
               ("documents.edit_template", "kind"): "approval_notice",
               ("pms.step", "step"): "renew"}


def url_for_rule(rule, world: World) -> str:
    values = {}
    for name in rule.arguments:
        key = (rule.endpoint, name)
        if key in CONSTANT_OF:
            values[name] = CONSTANT_OF[key]
        elif key in ARGUMENT_OF:
            values[name] = world.ids[ARGUMENT_OF[key]]
        elif name in world.ids:
            values[name] = world.ids[name]
        elif name in CONSTANTS:
            values[name] = CONSTANTS[name]
        else:
            raise KeyError(f"{rule.endpoint}: no value in the world for <{name}>")
    path = rule.rule
    for name, value in values.items():
        path = re.sub(rf"<(?:[^:<>]+:)?{name}>", str(value), path)
    return path


def classify(response) -> str:
    if response.status_code in (301, 302, 303):
        location = response.headers["Location"]
        return "login" if re.match(r"(https?://[^/]+)?/login(\?|$)", location) else "redirect"
    return str(response.status_code)



def rules(app: Flask) -> dict[str, object]:
    """One rule per endpoint (an endpoint with two rules is checked through its first)."""
    found = {}
    for rule in app.url_map.iter_rules():
        found.setdefault(rule.endpoint, rule)
    return found


class People:
    """A signed-in client per person, its session cookie and CSRF token kept, so that each
    request starts from the same signed-in session whatever the one before did (a sign-out)."""

    def __init__(self, app: Flask, world: World, connection) -> None:
        self.app = app
        self.world = world
        self.connection = connection  # the module's (tests/conftest.py:module_connection)
        self.cookies: dict[str, str | None] = {}
        self.tokens: dict[str, str] = {}
        cookie = app.config["SESSION_COOKIE_NAME"]
        for name in SUBJECTS:
            client = app.test_client()
            if name != "anon":
                login(client, db.session.get(User, world.people[name]), PASSWORD)
            self.tokens[name] = csrf_token(client)
            found = client.get_cookie(cookie)
            self.cookies[name] = found.value if found else None

    def request(self, who: str, method: str, path: str, data=None):
        """`who` asks `path`; a POST carries `data` (a MultiDict, or a list of pairs: a name
        may repeat) and the session's CSRF token. Rolled back after."""
        client = self.app.test_client()
        headers = {}
        if path.startswith("/api/"):
            if who in self.world.api_tokens:
                headers["Authorization"] = f"Bearer {self.world.api_tokens[who]}"
        elif self.cookies[who]:
            client.set_cookie(self.app.config["SESSION_COOKIE_NAME"], self.cookies[who])
        if method == "POST":
            data = MultiDict(data or [])
            data.add("csrf_token", self.tokens[who])
        savepoint = self.connection.begin_nested()
        try:
            if method == "POST" and "Authorization" in headers:
                # A change through the API names the version it read (its ETag), as a client
                # does.
                read = client.get(path.rsplit("/", 1)[0], headers=headers)
                db.session.remove()
                if read.headers.get("ETag"):
                    headers["If-Match"] = read.headers["ETag"]
            return client.open(path, method=method, data=data, headers=headers)
        finally:
            db.session.remove()
            savepoint.rollback()

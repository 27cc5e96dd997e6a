import pytest
from sqlalchemy import func, select, text

from tracker import db
from tracker.accounts.models import User
from tracker.audit.models import AuditRecord
from tracker.budgets import caps
from tracker.budgets import services as budgets
from tracker.db import Base


def _counts() -> dict[str, int]:
    return {name: db.session.scalar(select(func.count()).select_from(table))
            for name, table in Base.metadata.tables.items()}


def test_seed_twice_changes_nothing_the_second_time(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    assert "8 users" in first.output and "4 gate templates" in first.output
    after_first = _counts()
    second = runner.invoke(args=["demo", "seed"])
    assert second.exit_code == 0
    assert "nothing to do" in second.output
    assert _counts() == after_first


def test_seed_gives_one_user_per_role_who_can_log_in(app, client):
    import pyotp

    from tests.conftest import post
    from tracker.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, USERS

    app.test_cli_runner().invoke(args=["demo", "seed"])
    for email, _name, roles, _locale in USERS:
        c = app.test_client()
        response = post(c, "/login", {"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        if {"hq_admin", "investment_committee"} & set(roles):  # the README's demo second factor
            assert response.headers["Location"].startswith("/login/code")
            response = post(c, "/login/code", {"code": pyotp.TOTP(DEMO_TOTP_SECRET).now()})
            assert response.status_code == 302, email
        assert c.get("/").status_code == 200, email
    assert db.session.scalar(select(func.count()).select_from(AuditRecord)) > 0


def test_seed_if_empty_skips_a_database_with_users(app):
    from tests.factories import make_user

    make_user()
    result = app.test_cli_runner().invoke(args=["demo", "seed", "--if-empty"])
    assert "not loaded" in result.output


def test_seed_and_migrations_leave_the_planner_statistics_of_the_data(app, engine):
    """Without statistics SQLite guesses its plans (it read every milestone through the wrong
    index); `flask db upgrade` and `flask demo seed` run ANALYZE."""
    sqlite = engine.dialect.name == "sqlite"
    if sqlite:  # the migrations of the test database made the statistics table
        assert db.session.scalar(text(
            "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")) == 1
    assert app.test_cli_runner().invoke(args=["demo", "seed"]).exit_code == 0
    users = db.session.scalar(select(func.count()).select_from(User))
    if sqlite:
        stats = db.session.scalars(text("SELECT stat FROM sqlite_stat1 WHERE tbl = 'users'"))
        assert {int(stat.split()[0]) for stat in stats} == {users}
    else:
        assert db.session.scalar(text(
            "SELECT reltuples FROM pg_class WHERE relname = 'users'")) == users


def test_the_demo_data_keeps_the_rules_the_app_enforces(app, client):
    """What `flask demo seed` writes is what the app would have let its users write: every
    invariant checkable on the data holds (a ¥5M agreement on a draft was not)."""
    from decimal import Decimal

    from tests.conftest import login
    from tracker.contracts.models import ResearchContract
    from tracker.demo import DEMO_PASSWORD
    from tracker.errors import Refused
    from tracker.funding import services as funding
    from tracker.funding.models import FundingAgreement
    from tracker.gates.models import GateDecision, Outcome
    from tracker.projects.lifecycle import Phase
    from tracker.projects.models import PhaseChange, Project, ProjectType

    assert app.test_cli_runner().invoke(args=["demo", "seed"]).exit_code == 0
    committee = db.session.scalar(select(User).where(User.email == "committee@demo.jitri.cn"))
    agreements = list(db.session.scalars(select(FundingAgreement)))
    assert agreements, "the demo shows allocation-investment"
    for agreement in agreements:
        project = agreement.project
        assert project.type is ProjectType.ALLOCATION_INVESTMENT
        assert not project.is_draft and not project.is_read_only, project.title
        assert FundingAgreement.can_record(committee)  # who recorded it (the phase: above)
        assert agreement.planned <= agreement.committed
        assert agreement.disbursed <= agreement.planned
    for project in db.session.scalars(select(Project)):
        assert (project.code is None) == project.is_draft, project.title
        assert project.budget_allocated <= project.budget_total, project.title
        if project.budget_template is not None:  # within its cap on indirect costs
            assert caps.figures(project.budget_template, budgets.project_amounts(
                project)).over_cap == 0, project.title
        assert project.start_date <= project.end_date
        changes = list(db.session.scalars(select(PhaseChange).where(
            PhaseChange.project_id == project.id).order_by(PhaseChange.id)))
        assert (changes[-1].to_phase if changes else Phase.DRAFT) is project.phase
        if project.is_under_way:  # a GO at gate 1 approved it
            assert db.session.scalar(select(GateDecision.id).where(
                GateDecision.project_id == project.id, GateDecision.outcome == Outcome.GO))
    for contract in db.session.scalars(select(ResearchContract)):
        assert sum((i.amount for i in contract.instalments), Decimal("0")) == contract.amount
    # The committee sees the rule on a draft's funding page instead of a dead button (the
    # demo's committee member reads Chinese), and the service refuses it.
    draft = db.session.scalar(select(Project).where(Project.phase == Phase.DRAFT).limit(1))
    login(client, committee, DEMO_PASSWORD)
    page = client.get(f"/projects/{draft.id}/funding").get_data(as_text=True)
    assert "项目经理提交后，投资决策委员会方可为其出资" in page
    assert f"/projects/{draft.id}/funding/agreement" not in page
    with pytest.raises(Refused, match="项目经理提交后"):
        funding.record_agreement(
            committee, draft, committed=Decimal("1"), qualifying_round_min=Decimal("1"),
            signed_on=draft.start_date, conversion_deadline=draft.end_date)

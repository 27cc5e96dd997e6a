"""Whoever `funder_report` (and the licence and patent rules) remind sees the item where they
work (tester finding F12): the PM's home lists their reports owed due within a month or late,
and their patent annuities and licence reports; the director's home their institute's late
reports owed; the project page its reports owed; and the list the "show all" link opens
answers the PM. Each list is capped and costs the same statements whatever the data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.achievements.helpers import make_achievement, make_patent
from tests.conftest import csrf_token, login
from tests.factories import _commit, make_enterprise, make_institute, make_project, make_user
from tests.obligations.test_services import owe, pdf
from tests.test_query_counts import assert_counts_steady
from tracker import db
from tracker.accounts.models import Role
from tracker.achievements import services as achievements
from tracker.contracts import services as contracts
from tracker.contracts.models import ContractType
from tracker.obligations import services
from tracker.projects.lifecycle import Phase
from tracker.web.work import HOME_LIMIT


def test_the_pms_home_lists_reports_owed_soon_or_late(client, clock, contract, project, hq):
    clock.set(date(2026, 7, 10))
    owe(project.pm, contract, due_on=date(2026, 6, 30), recipient="Late Office")
    owe(project.pm, contract, due_on=date(2026, 8, 1), recipient="Soon Office")
    owe(project.pm, contract, due_on=date(2026, 12, 1), recipient="Far Office")
    filed = owe(project.pm, contract, due_on=date(2026, 6, 1), recipient="Filed Office")
    services.submit_report(project.pm, filed, submitted_on=date(2026, 6, 1), upload=pdf())
    gone = owe(project.pm, contract, due_on=date(2026, 6, 2), recipient="Gone Office")
    services.withdraw_obligation(hq, gone, "recorded twice")
    db.session.commit()
    login(client, project.pm)
    home = client.get("/").get_data(as_text=True)
    assert "Reports owed to funders" in home
    assert "Late Office" in home and "10 days late" in home and "Soon Office" in home
    for absent in ("Far Office", "Filed Office", "Gone Office"):
        assert absent not in home
    listing = client.get("/reports-owed/?state=open")  # where "show all" leads
    assert listing.status_code == 200 and "Far Office" in listing.get_data(as_text=True)
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert 'id="reports-owed"' in page
    assert "Late Office" in page and "Filed Office" in page


def test_the_pms_list_is_capped_with_a_link_to_the_rest(client, clock, contract, project):
    clock.set(date(2026, 7, 10))
    for n in range(HOME_LIMIT + 1):
        owe(project.pm, contract, due_on=date(2026, 6, 1 + n), recipient=f"Office {n:02d}")
    db.session.commit()
    login(client, project.pm)
    home = client.get("/").get_data(as_text=True)
    assert home.count("Office ") == HOME_LIMIT and f"Office {HOME_LIMIT:02d}" not in home
    assert "/reports-owed/?state=open" in home


def test_the_directors_home_lists_their_institutes_late_reports(client, clock, contract,
                                                                project, director):
    clock.set(date(2026, 7, 10))
    owe(project.pm, contract, due_on=date(2026, 6, 30), recipient="Our Late Office")
    owe(project.pm, contract, due_on=date(2026, 7, 30), recipient="Our Due Office")
    db.session.commit()
    login(client, director)
    home = client.get("/").get_data(as_text=True)
    assert "Late reports owed to funders in my institute" in home
    assert "Our Late Office" in home and "Our Due Office" not in home
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    other = make_user(Role.INSTITUTE_DIRECTOR)
    make_project(institute=make_institute(director=other))
    db.session.commit()
    login(client, other)
    assert "Our Late Office" not in client.get("/").get_data(as_text=True)


def test_the_pms_home_lists_the_patent_annuity_they_are_reminded_of(client, clock):
    clock.set(date(2027, 2, 20))
    achievement = make_achievement()
    pm = achievement.project.pm
    right = make_patent(achievement)
    achievements.add_annuity(pm, right, year_no=4, due_on=date(2027, 3, 1),
                             fee=Decimal("1200"))
    _commit()
    pm.locale = "zh_CN"
    db.session.commit()
    login(client, pm)
    home = client.get("/").get_data(as_text=True)
    assert "待缴专利年费" in home and "CN202410123456.7" in home and "专利年费" in home
    link = f"/ip-rights/{right.id}"
    assert link in home and client.get(link).status_code == 200


def test_home_and_project_page_cost_the_same_with_more_reports(client, engine, clock, contract,
                                                               project, director):
    clock.set(date(2026, 7, 10))
    grown = []

    def grow():
        for _ in range(3):
            grown.append(owe(project.pm, contract, due_on=date(2026, 6, 1 + len(grown)),
                             recipient=f"Grown {len(grown)}"))
        db.session.commit()

    login(client, project.pm)
    assert_counts_steady(client, engine, ("/", f"/projects/{project.id}"), grow)
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    login(client, director)
    assert_counts_steady(client, engine, ("/",), grow)


def test_reports_owed_under_an_agreement_are_listed_as_those_under_a_contract(
        client, clock, agreement, contract, committee, project, director):
    """Whose a report owed is, the home page's lists ask through the agreement or the contract
    it is owed under (`obligations.queries.owed_by`): both kinds are listed to the PM and the
    director, another institute's project's to neither."""
    clock.set(date(2026, 7, 10))
    owe(committee, agreement, due_on=date(2026, 6, 30), recipient="Agreement Office")
    owe(project.pm, contract, due_on=date(2026, 6, 29), recipient="Contract Office")
    other = make_project(institute=make_institute(director=make_user()),
                         phase=Phase.INVESTMENT_DECISION)
    theirs = contracts.record_contract(
        other.pm, other, enterprise_id=make_enterprise().id, title="Other units",
        type=ContractType.DEVELOPMENT, amount=Decimal("100000"), signed_on=date(2026, 2, 1),
        instalments=[(date(2026, 3, 1), Decimal("100000"))])
    owe(other.pm, theirs, due_on=date(2026, 6, 28), recipient="Other Office")
    db.session.commit()
    for viewer in (project.pm, director):
        client.post("/logout", data={"csrf_token": csrf_token(client)})
        login(client, viewer)
        home = client.get("/").get_data(as_text=True)
        assert "Agreement Office" in home and "Contract Office" in home, viewer
        assert "Other Office" not in home and project.code in home

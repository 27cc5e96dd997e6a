"""HQ runs a candidate through the register's pages (record, interview, appoint: an account
made), the record's page shows it in both languages; who sees what: the director of another
institute is told the record is not there (404) and does not find it in their list, a PM sees
their own record and nobody else's."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import (
    make_enterprise,
    make_institute,
    make_pm_record,
    make_project,
    make_user,
)
from tests.test_edits import tab
from tracker import db
from tracker.accounts.models import Role, User
from tracker.contracts.models import ContractType, ResearchContract
from tracker.pms.models import PmRecord, PmTeam
from tracker.pms.register import PmState
from tracker.projects.lifecycle import Phase


def test_hq_records_interviews_and_appoints_a_candidate(client):
    admin, panelist = make_user(Role.HQ_ADMIN), make_user(Role.EVALUATOR, name="Qian Panel")
    institute = make_institute(name="先进制造研究所", name_en="Advanced Manufacturing Institute")
    login(client, admin)
    response = post(client, "/pms/new", {**tab(client, "/pms/new"), "name": "周强",
                                         "email": "zhou.qiang@example.cn", "origin": "overseas",
                                         "institute_id": str(institute.id)})
    assert response.status_code == 302, response.get_data(as_text=True)
    record = db.session.scalars(select(PmRecord)).one()
    path = f"/pms/{record.id}/interview"
    # Every problem at once: no panel, no outcome chosen wrongly, a date in the future.
    refused = post(client, path, {**tab(client, path), "held_on": "2099-01-01",
                                  "outcome": "recommended"})
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "Name who sat on the panel." in page and "future" in page
    assert post(client, path, {**tab(client, path), "held_on": "2026-10-09",
                               "panel_ids": [str(panelist.id)], "outcome": "recommended",
                               "notes": "Clear route to a pilot line"}).status_code == 302
    path = f"/pms/{record.id}/appoint"
    refused = post(client, path, {**tab(client, path), "institute_id": str(institute.id),
                                  "starts_on": "2026-11-01", "ends_on": "2029-10-31"})
    assert refused.status_code == 400
    assert "has no account yet" in refused.get_data(as_text=True)
    assert post(client, path, {**tab(client, path), "institute_id": str(institute.id),
                               "starts_on": "2026-11-01", "ends_on": "2029-10-31",
                               "password": "Correct-Horse-Battery-42"}).status_code == 302
    user = db.session.scalar(select(User).where(User.email == "zhou.qiang@example.cn"))
    assert user.has_role(Role.PROJECT_MANAGER)
    assert (record.state, record.user_id) == (PmState.APPOINTED, user.id)
    page = client.get(f"/pms/{record.id}").get_data(as_text=True)
    assert "Appointed" in page and "Qian Panel" in page and "Clear route to a pilot line" in page
    assert "Advanced Manufacturing Institute" in page
    # the history reads as sentences: the interview's day, outcome and panel, the term
    history = client.get(f"/history/pm_records/{record.id}").get_data(as_text=True)
    for words in ("PM interview recorded", "Recommended for appointment", "Qian Panel",
                  "PM appointed", "Oct 9, 2026", "Oct 31, 2029"):
        assert words in history, words
    assert "{" not in history.split("<main", 1)[1].split("</main>", 1)[0]
    # the table refuses a second appointment: 409 above the form
    again = post(client, path, {**tab(client, path), "institute_id": str(institute.id),
                                "starts_on": "2026-11-01", "ends_on": "2029-10-31"})
    assert again.status_code == 409
    admin.locale = "zh_CN"
    db.session.commit()
    page = client.get(f"/pms/{record.id}").get_data(as_text=True)
    assert "已聘任" in page and "先进制造研究所" in page and "海外" in page
    register = client.get("/pms/").get_data(as_text=True)
    assert "周强" in register and "项目经理名册" in register


def test_who_sees_a_record_and_its_figures(client):
    admin = make_user(Role.HQ_ADMIN)
    director, other_director = make_user(name="Director Ours"), make_user(name="Director Theirs")
    ours, theirs = make_institute(director), make_institute(other_director)
    pm = make_user(Role.PROJECT_MANAGER, institute_id=ours.id, name="Gao Ming")
    other_pm = make_user(Role.PROJECT_MANAGER, institute_id=theirs.id)
    record = make_pm_record(pm, ours, by=admin, appointed_at=datetime(2025, 3, 1, tzinfo=UTC))
    project = make_project(pm=pm, institute=ours, phase=Phase.CONTRACT_RESEARCH)
    db.session.add(ResearchContract(project_id=project.id, enterprise_id=make_enterprise().id,
                                    title="Development", type=ContractType.DEVELOPMENT,
                                    amount=Decimal("1234567.80"), signed_on=date(2026, 3, 1)))
    db.session.commit()
    path = f"/pms/{record.id}"
    for reader, status in ((director, 200), (pm, 200), (admin, 200), (other_director, 404),
                           (other_pm, 404)):
        login(client, reader)
        response = client.get(path)
        assert response.status_code == status, reader.name
        if status == 200:
            assert "1,234,567.80" in response.get_data(as_text=True)
        post(client, "/logout")
    login(client, other_director)
    assert "Gao Ming" not in client.get("/pms/").get_data(as_text=True)
    post(client, "/logout")
    login(client, director)
    assert "Gao Ming" in client.get("/pms/").get_data(as_text=True)
    assert client.get(f"/pms/{record.id}/end").status_code == 403  # seeing is not changing
    post(client, "/logout")
    login(client, pm)
    assert client.get("/pms/").status_code == 403
    # Their home page leads to their own record; another PM's has no such link.
    assert f'href="/pms/{record.id}"' in client.get("/").get_data(as_text=True)
    post(client, "/logout")
    login(client, other_pm)
    assert "/pms/" not in client.get("/").get_data(as_text=True)



def test_hq_forms_a_team_of_appointed_pms(client):
    admin = make_user(Role.HQ_ADMIN)
    institute = make_institute()
    lead = make_pm_record(make_user(name="Lead Lu"), institute, by=admin,
                          appointed_at=datetime(2025, 1, 5, tzinfo=UTC))
    member = make_pm_record(make_user(name="Member Ma"), institute, by=admin,
                            appointed_at=datetime(2025, 2, 5, tzinfo=UTC))
    candidate = make_pm_record(None, institute, by=admin, name="Candidate Cao")
    login(client, admin)
    path = "/pms/teams/new"
    refused = post(client, path, {**tab(client, path), "name": "Robotics PMs",
                                  "lead_id": str(candidate.id),
                                  "member_ids": [str(member.id)]})
    assert refused.status_code == 400
    assert "The lead is an appointed PM." in refused.get_data(as_text=True)
    assert post(client, path, {**tab(client, path), "name": "Robotics PMs",
                               "lead_id": str(lead.id),
                               "member_ids": [str(member.id)]}).status_code == 302
    team = db.session.scalars(select(PmTeam)).one()
    assert (team.lead_id, [m.id for m in team.members]) == (lead.id, [member.id])
    page = client.get("/pms/").get_data(as_text=True)
    assert "Robotics PMs" in page and "Member Ma" in page
    assert "Robotics PMs" in client.get(f"/pms/{member.id}").get_data(as_text=True)

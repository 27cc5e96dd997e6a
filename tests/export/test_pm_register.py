"""The project-manager register exports its three tables as the page shows them (F29, issue 12
point 5, found by a newcomer: /pms/ had no export): the records with each PM's figures (with
the state chosen), the teams, and HQ's new PMs per year; a director's file holds their
institutes' records only, and no new PMs per year, which their page does not show either.
Hand-counted: Gao Ming appointed at ours on 2025-03-01 with one project and a contract of
1,234,567.80; "=Candidate Cao" at the other institute, a candidate with no figures."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from tests.conftest import login
from tests.export.helpers import csv_rows, xlsx_rows
from tests.export.pages import tables
from tests.factories import (
    make_enterprise,
    make_institute,
    make_pm_record,
    make_project,
    make_user,
)
from tracker import db
from tracker.accounts.models import Role
from tracker.contracts.models import ContractType, ResearchContract
from tracker.dates import today
from tracker.pms import services
from tracker.projects.lifecycle import Phase


def _world() -> dict:
    admin = make_user(Role.HQ_ADMIN)
    director = make_user(name="Director Ours")
    ours, theirs = make_institute(director, name="苏州材料所"), make_institute()
    pm = make_user(Role.PROJECT_MANAGER, institute_id=ours.id, name="Gao Ming")
    record = make_pm_record(pm, ours, by=admin, appointed_at=datetime(2025, 3, 1, tzinfo=UTC),
                            ends_on=date(2028, 2, 29))
    make_pm_record(None, theirs, by=admin, name="=Candidate Cao")
    project = make_project(pm=pm, institute=ours, phase=Phase.CONTRACT_RESEARCH)
    db.session.add(ResearchContract(project_id=project.id, enterprise_id=make_enterprise().id,
                                    title="Development", type=ContractType.DEVELOPMENT,
                                    amount=Decimal("1234567.80"), signed_on=date(2026, 3, 1)))
    services.save_team(admin, None, name="=Robotics PMs", lead_id=record.id, member_ids=[])
    db.session.commit()
    return dict(admin=admin, director=director)


def test_each_table_of_the_register_is_a_file(client):
    login(client, _world()["admin"])
    page = client.get("/pms/").get_data(as_text=True)
    shown = tables(page)
    for table in ("", "&table=teams", "&table=new"):
        assert f'href="/pms/?export=csv{table}"' in page.replace("&amp;", "&") or \
            f'href="/pms/?{table[1:]}&export=csv"' in page.replace("&amp;", "&"), table
    records = csv_rows(client.get("/pms/?export=csv"))
    assert records[0] == ["Name", "State", "Institute", "Recruited from", "Term ends on",
                          "Projects", "Milestones on time", "Milestones accepted late",
                          "Contract value (CNY)", "Companies"]
    domestic = "Domestic university or institute"
    assert records[1:] == [
        ["'=Candidate Cao", "Candidate", records[1][2], domestic, "", "", "", "", "", ""],
        ["Gao Ming", "Appointed", "苏州材料所", domestic, "2028-02-29", "1", "0", "0",
         "1234567.80", "0"]]
    assert [r[0] for r in shown[0]["body"]] == ["=Candidate Cao", "Gao Ming"]
    sheet = xlsx_rows(client.get("/pms/?export=xlsx"))
    assert sheet[2][0] == "Gao Ming" and sheet[2][5] == 1 and sheet[2][8] == 1234567.8
    assert sheet[1][0] == "=Candidate Cao"
    teams = csv_rows(client.get("/pms/?table=teams&export=csv"))
    assert teams == [["Name", "Lead PM", "Members"], ["'=Robotics PMs", "Gao Ming", ""]]
    new = csv_rows(client.get("/pms/?table=new&export=csv"))
    years = list(range(today().year - 4, today().year + 1))
    assert new[0] == ["Year", "New project managers"]
    assert new[1:] == [[str(y), "1" if y == 2025 else "0"] for y in years]
    assert [r[1] for r in shown[2]["body"]] == [r[1] for r in new[1:]]
    # The state filter goes into the file.
    assert [r[0] for r in csv_rows(client.get("/pms/?state=candidate&export=csv"))[1:]] == [
        "'=Candidate Cao"]
    assert client.get("/pms/?table=everything&export=csv").status_code == 400


def test_a_director_exports_their_institutes_records(client):
    login(client, _world()["director"])
    assert [r[0] for r in csv_rows(client.get("/pms/?export=csv"))[1:]] == ["Gao Ming"]
    assert "table=new" not in client.get("/pms/").get_data(as_text=True)
    assert client.get("/pms/?table=new&export=csv").status_code == 403

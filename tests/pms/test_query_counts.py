"""The register and a record's page run as many statements with more PMs, projects, terms,
interviews and teams as with fewer."""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import count

from tests.conftest import login
from tests.factories import _commit, make_institute, make_pm_record, make_project, make_user
from tests.test_query_counts import assert_steady, page_statements
from tracker import db
from tracker.accounts.models import Role
from tracker.pms import services
from tracker.pms.models import InterviewOutcome, PmInterview, PmTerm
from tracker.projects.lifecycle import Phase

_n = count(1)


def _network(admin, director, institute, evaluator):
    n = next(_n)
    pm = make_user(Role.PROJECT_MANAGER, institute_id=institute.id)
    record = make_pm_record(pm, institute, by=admin,
                            appointed_at=datetime(2020 + n, 3, 1, tzinfo=UTC))
    db.session.add(PmTerm(record_id=record.id, institute_id=institute.id,
                          starts_on=date(2030 + n, 1, 1), ends_on=date(2033 + n, 1, 1),
                          renews_id=record.terms[0].id, recorded_by_id=admin.id))
    db.session.add(PmInterview(record_id=record.id, held_on=date(2020, 1, n),
                               outcome=InterviewOutcome.RECOMMENDED, recorded_by_id=admin.id,
                               panel=[admin, evaluator]))
    make_project(pm=pm, institute=institute, phase=Phase.CONTRACT_RESEARCH)
    make_pm_record(None, institute, by=admin)
    _commit()
    return record


def test_the_register_and_a_record_run_steady(app, engine):
    admin, evaluator = make_user(Role.HQ_ADMIN), make_user(Role.EVALUATOR)
    director = make_user()
    institute = make_institute(director)
    first = _network(admin, director, institute, evaluator)
    services.save_team(admin, None, name="Team 1", lead_id=first.id, member_ids=[])
    _commit()

    def grow():
        more = [_network(admin, director, institute, evaluator) for _ in range(3)]
        services.save_team(admin, None, name="Team 2", lead_id=more[0].id,
                           member_ids=[first.id, more[1].id])
        _commit()

    assert_steady(app, engine, grow, [(admin, "/pms/"), (director, "/pms/"),
                                      (admin, f"/pms/{first.id}")])


def test_the_register_loads_one_page_and_its_file_every_record(app, engine, client):
    """Issue 21 point 2: the register shows a page of records (with their PMs' figures), the
    file every record."""
    admin, evaluator = make_user(Role.HQ_ADMIN), make_user(Role.EVALUATOR)
    institute = make_institute(make_user())
    app.config["PAGE_SIZE"] = 3
    try:
        records = [_network(admin, None, institute, evaluator) for _ in range(4)]
        login(client, admin)
        statements = page_statements(client, engine, "/pms/")
        listed = [s for s in statements if "FROM pm_records" in s and "count(*)" not in s]
        assert listed and "LIMIT" in listed[0], listed
        first = client.get("/pms/").get_data(as_text=True)
        assert "Page 1 of 3" in first and "8 results" in first
        sheet = client.get("/pms/?export=csv").get_data(as_text=True)
        assert len(sheet.strip().splitlines()) == 1 + 8 and all(
            r.name in sheet for r in records)
    finally:
        app.config["PAGE_SIZE"] = 25

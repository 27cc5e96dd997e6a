"""The pages of the reports owed: added from the agreement's page, HQ's list of late reports
(hand-counted, on the due date's boundary), a director seeing only their institutes', the
report submitted and replaced from its page, and its file kept from those who may not see the
agreement."""

from __future__ import annotations

import io
from datetime import date

from sqlalchemy import select

from tests.conftest import csrf_token, login, post
from tests.factories import make_institute, make_project, make_user
from tests.obligations.test_services import PDF, owe, pdf
from tests.test_edits import tab
from tests.test_sent_once import SAVED_ONCE
from tracker import db
from tracker.accounts.models import Role
from tracker.obligations import services
from tracker.obligations.models import ReportObligation
from tracker.projects.lifecycle import Phase


def test_the_committee_adds_one_from_the_agreements_page(client, agreement, committee, project):
    login(client, committee)
    page = client.get(f"/projects/{project.id}/funding").get_data(as_text=True)
    assert "Reports owed to funders" in page and "Add a report owed" in page
    path = f"/projects/{project.id}/funding/reports/new"
    refused = post(client, path, {**tab(client, path), "kind": "final", "due_on": "2025-01-01",
                                  "recipient": ""})
    assert refused.status_code == 400
    text = refused.get_data(as_text=True)
    assert "once the agreement or contract is signed" in text and "Goes to" in text
    done = post(client, path, {**tab(client, path), "kind": "final", "due_on": "2028-12-31",
                               "recipient": "Suzhou Science and Technology Bureau"})
    assert done.status_code == 302
    owed = db.session.scalars(select(ReportObligation)).one()
    assert (owed.kind.value, owed.due_on) == ("final", date(2028, 12, 31))
    page = client.get(f"/projects/{project.id}/funding").get_data(as_text=True)
    assert "Suzhou Science and Technology Bureau" in page and "Final report" in page


def test_hqs_list_of_late_reports_counted_by_hand(client, clock, agreement, contract, committee,
                                                  project, hq):
    clock.set(date(2026, 7, 1))
    due_yesterday = owe(committee, agreement, due_on=date(2026, 6, 30), recipient="Late Bureau")
    owe(committee, agreement, due_on=date(2026, 7, 1), recipient="Due Today Bureau")
    on_time = owe(project.pm, contract, due_on=date(2026, 6, 1), recipient="Filed Office")
    services.submit_report(project.pm, on_time, submitted_on=date(2026, 5, 30), upload=pdf())
    withdrawn = owe(project.pm, contract, due_on=date(2026, 5, 1), recipient="Gone Office")
    services.withdraw_obligation(hq, withdrawn, "recorded twice")
    db.session.commit()
    login(client, make_user(Role.OBSERVER))
    late = client.get("/reports-owed/").get_data(as_text=True)  # late by default
    assert "Late Bureau" in late
    for other in ("Due Today Bureau", "Filed Office", "Gone Office"):
        assert other not in late
    every = client.get("/reports-owed/?state=all").get_data(as_text=True)
    for name in ("Late Bureau", "Due Today Bureau", "Filed Office", "Gone Office"):
        assert name in every
    assert "Due Today Bureau" in client.get("/reports-owed/?state=due").get_data(as_text=True)
    sheet = client.get("/reports-owed/?state=late&export=csv").get_data(as_text=True)
    assert sheet.count("Late Bureau") == 1 and len(sheet.strip().splitlines()) == 2
    assert due_yesterday.state(date(2026, 7, 1)).value == "late"


def test_a_director_lists_only_their_institutes(client, clock, agreement, committee, director):
    clock.set(date(2026, 7, 1))
    owe(committee, agreement, due_on=date(2026, 6, 1), recipient="Our Bureau")
    other = make_user(Role.INSTITUTE_DIRECTOR)
    make_project(institute=make_institute(director=other))
    db.session.commit()
    login(client, director)
    assert "Our Bureau" in client.get("/reports-owed/").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    login(client, other)
    assert "Our Bureau" not in client.get("/reports-owed/").get_data(as_text=True)


def test_the_pm_submits_and_replaces_from_the_page(client, agreement, committee, project):
    owed = owe(committee, agreement)
    db.session.commit()
    login(client, project.pm)
    path = f"/reports-owed/{owed.id}"
    assert "Submit the report" in client.get(path).get_data(as_text=True)
    empty = post(client, f"{path}/submit", {**tab(client, path), "submitted_on": "2026-06-20"})
    assert empty.status_code == 400 and "Choose the report" in empty.get_data(as_text=True)
    sent = post(client, f"{path}/submit", {**tab(client, path), "submitted_on": "2026-06-20",
                                           "file": (io.BytesIO(PDF), "q2.pdf")},
                content_type="multipart/form-data")
    assert sent.status_code == 302, sent.get_data(as_text=True)
    page = client.get(path).get_data(as_text=True)
    assert "q2.pdf" in page and "Submit a corrected report" in page
    no_reason = post(client, f"{path}/submit", {**tab(client, path),
                                                "submitted_on": "2026-06-21",
                                                "file": (io.BytesIO(PDF), "q2-v2.pdf")},
                     content_type="multipart/form-data")
    assert no_reason.status_code == 400 and "say why this file replaces it" in \
        no_reason.get_data(as_text=True)
    post(client, f"{path}/submit", {**tab(client, path), "submitted_on": "2026-06-21",
                                    "reason": "Wrong quarter's figures",
                                    "file": (io.BytesIO(PDF), "q2-v2.pdf")},
         content_type="multipart/form-data")
    page = client.get(path).get_data(as_text=True)
    assert "q2-v2.pdf" in page and "q2.pdf" in page and "Wrong quarter" in page
    db.session.expire_all()
    file_id = db.session.get(ReportObligation, owed.id).current.file_id
    assert client.get(f"/files/{file_id}").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    login(client, make_user(Role.EVALUATOR))  # sees no agreement: no file either
    assert client.get(f"/files/{file_id}").status_code == 404


def test_both_languages_name_the_page(client, agreement, committee, project):
    owed = owe(committee, agreement)
    db.session.commit()
    project.pm.locale = "zh_CN"
    db.session.commit()
    login(client, project.pm)
    page = client.get(f"/reports-owed/{owed.id}").get_data(as_text=True)
    assert "进展报告" in page and "提交报告" in page


def test_back_and_send_again_after_a_withdrawal_says_it_was_withdrawn(client, agreement,
                                                                      committee, project):
    """The withdraw form sent twice (Back) says it was saved once; any other action under an
    obligation withdrawn since (an old tab), by who may take it: a 409 saying so, not a 403
    telling the reader their role may not. Who may not take it (the committee files no
    report: the PM or HQ does) hears 403 whatever the state."""
    owed = owe(committee, agreement)
    db.session.commit()
    login(client, committee)
    path = f"/reports-owed/{owed.id}"
    form = tab(client, path)
    assert post(client, f"{path}/withdraw", {**form, "why_withdrawn": "No such report"}
                ).status_code == 302
    again = post(client, f"{path}/withdraw", {**form, "why_withdrawn": "No such report"})
    assert again.status_code == 302 and again.headers["Location"].endswith(path)
    assert SAVED_ONCE in client.get(path).get_data(as_text=True)
    other_tab = {name: value for name, value in form.items() if name != "once"}
    submitted = {"submitted_on": "2026-06-20"}
    again = post(client, f"{path}/edit", other_tab)
    assert again.status_code == 409 and "was cancelled" in again.get_data(as_text=True)
    assert post(client, f"{path}/submit", {**other_tab, **submitted}).status_code == 403
    login(client, project.pm)
    again = post(client, f"{path}/submit", {**tab(client, path), **submitted})
    assert again.status_code == 409 and "was cancelled" in again.get_data(as_text=True)


def test_the_page_links_to_its_history_as_other_record_pages_do(client, agreement, committee,
                                                                project):
    owed = owe(committee, agreement)
    db.session.commit()
    login(client, project.pm)
    page = client.get(f"/reports-owed/{owed.id}").get_data(as_text=True)
    link = f"/history/report_obligations/{owed.id}"
    assert link in page
    history = client.get(link)
    assert history.status_code == 200 and "Report owed recorded" in history.get_data(
        as_text=True)


def test_the_committee_hears_a_closed_project_said_as_such_not_403(client, agreement, committee,
                                                                    project):
    """Who holds the terms of an agreement's report (the committee) is refused by the
    project's state once it closed (409, naming its phase, linking back), not told their role
    may not (403); HQ admins, who still record what a closed project owes, are not refused;
    the page offers the committee no form then."""
    owed = owe(committee, agreement)
    project.phase = Phase.TERMINATED
    db.session.commit()
    login(client, committee)
    path = f"/reports-owed/{owed.id}"
    assert "/withdraw" not in client.get(path).get_data(as_text=True)
    for action, fields in (("edit", {}), ("withdraw", {"why_withdrawn": "No such report"})):
        refused = post(client, f"{path}/{action}", fields)
        page = refused.get_data(as_text=True)
        assert refused.status_code == 409, action
        assert "terminated" in page and "HQ corrects the decision" in page, action
        assert f'href="{path}"' in page or f'action="{path}/' in page, action
    added = post(client, f"/projects/{project.id}/funding/reports/new", {})
    assert added.status_code == 409 and f'href="/projects/{project.id}/funding"' in (
        added.get_data(as_text=True))
    hq = client.application.test_client()
    login(hq, make_user(Role.HQ_ADMIN))
    assert post(hq, f"{path}/withdraw", {"why_withdrawn": "No such report"}).status_code == 302

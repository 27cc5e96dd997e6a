"""A PM interview recorded wrong (issue 9 point 5): HQ corrects it or withdraws it with the
reason while the candidate is still being interviewed; once appointed or not on it, it is
frozen and the refusal says what to do; the last interview withdrawn makes the person a
candidate again; a stale save is refused with the input kept; the record's history says so in
both languages."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import _commit, make_institute, make_user
from tests.test_edits import hidden, tab
from tests.unchanged import audited, refused_as_unchanged
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.errors import Forbidden, Invalid, Refused
from tracker.pms import interviews, services
from tracker.pms.models import InterviewOutcome, Origin, PmInterview, PmRecord
from tracker.pms.register import PmState


def _interviewed(director=None):
    admin, panelist = make_user(Role.HQ_ADMIN), make_user(Role.EVALUATOR, name="Panel One")
    institute = make_institute(director)
    record = services.save_record(admin, None, name="李伟", email="li.wei@example.cn",
                                  origin=Origin.OVERSEAS, institute_id=institute.id)
    interview = services.record_interview(admin, record, held_on=date(2026, 10, 9),
                                          panel_ids=[panelist.id, admin.id],
                                          outcome=InterviewOutcome.ANOTHER_ROUND, notes="Strong")
    _commit()
    return admin, panelist, record, interview


def _audit(action: str) -> AuditRecord:
    return db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == action, AuditRecord.object_type == "pm_interviews")
        .order_by(AuditRecord.id.desc())).first()


def _form(interview, **kw) -> dict:
    data = {"held_on": interview.held_on.isoformat(), "outcome": interview.outcome.value,
            "panel_ids": [str(u.id) for u in interview.panel], "notes": interview.notes,
            "reason": "Typed wrong"}
    data.update(kw)
    return data


def test_hq_corrects_an_interview_and_the_record_history_says_so(client):
    admin, panelist, record, interview = _interviewed()
    login(client, admin)
    page = client.get(f"/pms/{record.id}").get_data(as_text=True)
    assert f"/pms/interviews/{interview.id}/correct" in page
    path = f"/pms/interviews/{interview.id}/correct"
    response = post(client, path, _form(interview, **tab(client, path), held_on="2026-10-08",
                                        outcome="recommended", panel_ids=[str(admin.id)],
                                        reason="The panel's sheet says the 8th, recommended"))
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    interview = db.session.get(PmInterview, interview.id)
    assert (interview.held_on, interview.outcome) == (date(2026, 10, 8),
                                                      InterviewOutcome.RECOMMENDED)
    assert [u.id for u in interview.panel] == [admin.id]
    record_ = _audit("pm.interview_correct")
    assert record_.changes["held_on"] == ["2026-10-09", "2026-10-08"]
    assert record_.changes["outcome"] == ["another_round", "recommended"]
    assert record_.changes["panel"][1] == [admin.id]
    history = client.get(f"/history/pm_records/{record.id}").get_data(as_text=True)
    assert "PM interview corrected" in history and "Recommended for appointment" in history
    assert "The panel&#39;s sheet says the 8th, recommended" in history
    post(client, "/logout")
    login(client, make_user(Role.HQ_ADMIN, locale="zh_CN"))
    history = client.get(f"/history/pm_records/{record.id}").get_data(as_text=True)
    assert "更正了项目经理面试记录" in history and "PM interview corrected" not in history
    # The person interviewed is a candidate (候选人), not a need's candidate (候选对接方).
    page = client.get(f"/pms/interviews/{interview.id}/correct").get_data(as_text=True)
    assert re.search(r">\s*候选人\s*<", page) and not re.search(r">\s*候选\s*<", page)


def test_the_last_interview_withdrawn_makes_a_candidate_again(client):
    admin, _panelist, record, interview = _interviewed()
    login(client, admin)
    path = f"/pms/interviews/{interview.id}/withdraw"
    response = post(client, path, {**tab(client, path), "reason": "Another candidate's"})
    assert response.status_code == 302
    db.session.expire_all()
    record = db.session.get(PmRecord, record.id)
    assert record.state is PmState.CANDIDATE
    assert record.interviews[0].is_void  # kept, marked
    page = client.get(f"/pms/{record.id}").get_data(as_text=True)
    assert "Another candidate&#39;s" in page and "Withdrawn" in page
    assert _audit("pm.interview_withdraw").changes["void_reason"] == [
        None, "Another candidate's"]
    with pytest.raises(Refused):  # no appointment on a withdrawn interview
        services.appoint(admin, record, institute_id=record.institute_id,
                         starts_on=date(2026, 11, 1), ends_on=date(2029, 10, 31),
                         password="Correct-Horse-Battery-42")


def test_an_interview_the_decision_relied_on_is_frozen(client):
    admin, _panelist, record, interview = _interviewed()
    services.decline(admin, record, "Another candidate was preferred")
    _commit()
    with pytest.raises(Refused, match="say so in the record's note"):
        interviews.correct_interview(admin, interview, held_on=date(2026, 10, 8),
                                     panel_ids=[admin.id], outcome=InterviewOutcome.RECOMMENDED,
                                     notes="", reason="x")
    with pytest.raises(Refused, match="HQ's decision relied on this interview"):
        interviews.withdraw_interview(admin, interview, "x")
    login(client, admin)
    assert f"/pms/interviews/{interview.id}/" not in client.get(
        f"/pms/{record.id}").get_data(as_text=True)
    response = client.get(f"/pms/interviews/{interview.id}/correct")
    text = response.get_data(as_text=True)
    assert response.status_code == 409 and "Not appointed" in text
    assert f'href="/pms/{record.id}' in text  # back to the record


def test_a_stale_correction_is_refused_with_the_input_kept(client):
    admin, _panelist, _record, interview = _interviewed()
    login(client, admin)
    path = f"/pms/interviews/{interview.id}/correct"
    one, two = tab(client, path), tab(client, path)
    assert post(client, path, _form(interview, **one, notes="Strong on process")
                ).status_code == 302
    response = post(client, path, _form(interview, **two, notes="Typed in the second tab",
                                        reason="Second tab"))
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "You saved this in another tab or window" in page
    assert "Typed in the second tab" in page
    db.session.expire_all()
    assert db.session.get(PmInterview, interview.id).notes == "Strong on process"
    again = _form(interview, notes="Typed in the second tab", reason="Second tab",
                  **{name: hidden(page, name) for name in ("version", "seen_at", "once")})
    assert post(client, path, again).status_code == 302
    # the panel alone moves the version too
    interview = db.session.get(PmInterview, interview.id)
    version = interview.version
    interviews.correct_interview(admin, interview, held_on=interview.held_on,
                                 panel_ids=[admin.id], outcome=interview.outcome,
                                 notes=interview.notes, reason="One panelist left early")
    _commit()
    assert interview.version == version + 1


@pytest.mark.parametrize("who,answer", [
    ("admin", 200), ("director", 403), ("observer", 403), ("other", 404)])
def test_only_hq_admins_are_offered_or_may_correct_or_withdraw(client, who, answer):
    director = make_user()
    admin, _panelist, record, interview = _interviewed(director)
    user = {"admin": admin, "director": director, "observer": make_user(Role.OBSERVER),
            "other": make_user(Role.PROJECT_MANAGER)}[who]
    _commit()
    login(client, user)
    for verb in ("correct", "withdraw"):
        assert client.get(f"/pms/interviews/{interview.id}/{verb}").status_code == answer
    if answer == 200:
        return
    if answer == 403:
        assert f"/pms/interviews/{interview.id}/" not in client.get(
            f"/pms/{record.id}").get_data(as_text=True)
    with pytest.raises(Forbidden):
        interviews.withdraw_interview(user, interview, "x")


def test_a_correction_says_every_problem_at_once():
    admin, _panelist, _record, interview = _interviewed()
    with pytest.raises(Invalid) as refused:
        interviews.correct_interview(admin, interview, held_on=None, panel_ids=[],
                                     outcome=None, notes="", reason=" ")
    assert {f for f, _m in refused.value.problems} == {"held_on", "panel_ids", "outcome",
                                                        "reason"}


def test_a_correction_that_changes_nothing_is_refused_and_one_that_does_shows_beside_it(client):
    admin, _panelist, record, interview = _interviewed()
    login(client, admin)
    path = f"/pms/interviews/{interview.id}/correct"
    same = post(client, path, _form(interview, **tab(client, path), reason="Typed it again"))
    assert refused_as_unchanged(same, "Typed it again") and audited("pm.interview_correct") == 0
    assert post(client, path, _form(interview, **tab(client, path), outcome="recommended",
                                    reason="The sheet says recommended")).status_code == 302
    page = client.get(f"/pms/{record.id}").get_data(as_text=True)
    assert f"by {admin.name}: The sheet says recommended" in page
    # The history names the outcome as the form does, in both languages.
    history = client.get(f"/history/pm_records/{record.id}").get_data(as_text=True)
    assert "Interview outcome" in history
    post(client, "/logout")
    login(client, make_user(Role.HQ_ADMIN, locale="zh_CN"))
    history = client.get(f"/history/pm_records/{record.id}").get_data(as_text=True)
    assert "面试结论" in history and "处置结果" not in history

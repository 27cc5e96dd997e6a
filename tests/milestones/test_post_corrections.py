"""A progress post made wrong (issue 9 point 5): its author corrects it (percentage, note, files
added or withdrawn) or withdraws it with the reason while the milestone is open; the milestone's
percentage follows; a file withdrawn stays downloadable; the evidence of a milestone under
review or accepted is frozen, and the refusal says how to proceed."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import _commit, install_gates, make_institute, make_user
from tests.gates import helpers
from tests.milestones.test_milestones import PNG, in_research, plan
from tests.test_edits import hidden, tab
from tests.unchanged import audited, refused_as_unchanged
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.errors import Forbidden, Invalid, Refused
from tracker.milestones import posts, services
from tracker.milestones.models import Milestone, ProgressUpdate


@pytest.fixture(autouse=True)
def _gates():
    install_gates()


def _posted(**kw):
    """A milestone with two posts by its PM: 40 % with a photo, then 60 % with two files."""
    project = in_research(**kw)
    milestone = plan(project)
    first = services.post_update(project.pm, milestone, 40, "Bench test passed",
                                 [(io.BytesIO(PNG), "bench.png")])
    second = services.post_update(project.pm, milestone, 60, "Line commissioned",
                                  [(io.BytesIO(helpers.PDF), "line.pdf"),
                                   (io.BytesIO(PNG), "wrong-site.png")])
    _commit()
    return milestone, first, second


def _audit(action: str) -> AuditRecord:
    return db.session.scalars(select(AuditRecord).where(AuditRecord.action == action)
                              .order_by(AuditRecord.id.desc())).first()


def test_the_author_corrects_a_post_its_files_and_the_milestone_follows(client):
    milestone, _first, second = _posted()
    pm = milestone.project.pm
    login(client, pm)
    page = client.get(f"/milestones/{milestone.id}").get_data(as_text=True)
    assert f"/milestones/posts/{second.id}/correct" in page
    path = f"/milestones/posts/{second.id}/correct"
    wrong = next(e for e in second.evidence if e.file.original_name == "wrong-site.png")
    response = post(client, path, {
        **tab(client, path), "percent": "55", "note": "Line commissioned, one station short",
        "withdrawn_files": [str(wrong.file_id)], "files": [(io.BytesIO(PNG), "site.png")],
        "reason": "The photo was of the other site"}, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    second = db.session.get(ProgressUpdate, second.id)
    assert (second.percent, db.session.get(Milestone, milestone.id).percent_complete) == (55, 55)
    assert sorted(e.file.original_name for e in second.standing_evidence) == [
        "line.pdf", "site.png"]
    assert [e.is_void for e in second.evidence if e.file_id == wrong.file_id] == [True]
    record = _audit("progress.correct")
    assert record.object_type == "progress_updates" and record.changes["percent"] == [60, 55]
    assert record.changes["files_withdrawn"] == [None, ["wrong-site.png"]]
    assert record.changes["files_added"] == [None, ["site.png"]]
    assert record.changes["reason"] == [None, "The photo was of the other site"]
    page = client.get(f"/milestones/{milestone.id}").get_data(as_text=True)
    assert "wrong-site.png" in page and "Withdrawn" in page
    assert client.get(f"/files/{wrong.file_id}").status_code == 200  # still theirs to read
    history = client.get(f"/history/milestones/{milestone.id}").get_data(as_text=True)
    assert "Progress post corrected" in history and "The photo was of the other site" in history
    assert "Files withdrawn" in history and "wrong-site.png" in history
    post(client, "/logout")
    login(client, make_user(Role.HQ_ADMIN, locale="zh_CN"))
    history = client.get(f"/history/milestones/{milestone.id}").get_data(as_text=True)
    assert "Progress post corrected" not in history and "更正了进展" in history


def test_a_withdrawn_post_stays_and_the_milestone_returns_to_the_post_before():
    milestone, first, second = _posted()
    pm = milestone.project.pm
    posts.withdraw_post(pm, second, "Posted on the wrong milestone")
    _commit()
    assert second.is_void and milestone.percent_complete == 40
    record = _audit("progress.withdraw")
    assert record.changes["percent_complete"] == [60, 40]
    assert record.changes["void_reason"] == [None, "Posted on the wrong milestone"]
    posts.withdraw_post(pm, first, "Posted on the wrong milestone too")
    _commit()
    assert milestone.percent_complete == 0  # what it was before the first post
    assert len(milestone.updates) == 2  # both kept
    with pytest.raises(Refused, match="withdrawn"):
        posts.withdraw_post(pm, first, "again")


@pytest.mark.parametrize("reviewed", ["submitted", "accepted", "waived"])
def test_the_evidence_of_a_milestone_under_review_or_accepted_is_frozen(client, reviewed):
    reviewer = make_user(Role.EVALUATOR, name="Reviewer Qian")
    hq = make_user(Role.HQ_ADMIN)
    milestone, _first, second = _posted()
    pm = milestone.project.pm
    services.assign_reviewer(hq, milestone, reviewer.id)
    services.submit_milestone(pm, milestone)
    if reviewed == "accepted":
        services.review_milestone(reviewer, milestone, True, "")
    if reviewed == "waived":
        services.waive_milestone(hq, milestone, "Superseded by the plan")
    _commit()
    # The advice is something the author can do in that state: an accepted or waived
    # milestone takes no new post (so "post anew" would be refused), so it says whom to tell.
    said = {"submitted": "its reviewer reads this post as it is",
            "accepted": "Reviewer Qian accepted the milestone",
            "waived": "a waived milestone is not reopened and takes no new post"}[reviewed]
    if reviewed != "submitted":
        with pytest.raises(Refused):
            services.post_update(pm, milestone, 70, "anew", [])
        db.session.rollback()
        assert "takes no new post" in posts.post_refusal(second)
    with pytest.raises(Refused, match=said):
        posts.correct_post(pm, second, percent=50, note="x", uploads=[], withdrawn_files=[],
                           reason="x")
    with pytest.raises(Refused, match=said):
        posts.withdraw_post(pm, second, "x")
    login(client, pm)
    page = client.get(f"/milestones/{milestone.id}").get_data(as_text=True)
    assert f"/milestones/posts/{second.id}/" not in page
    for verb in ("correct", "withdraw"):
        response = client.get(f"/milestones/posts/{second.id}/{verb}")
        text = response.get_data(as_text=True)
        assert response.status_code == 409 and said in text
        assert f'href="/milestones/{milestone.id}#progress"' in text
    # a form sent from a tab opened before: the same reason, above the form as sent
    response = post(client, f"/milestones/posts/{second.id}/withdraw", {"reason": "Mine"})
    text = response.get_data(as_text=True)
    assert response.status_code == 409 and said in text and "Mine" in text


def test_a_stale_correction_is_refused_with_what_changed_and_the_input_kept(client):
    milestone, _first, second = _posted()
    login(client, milestone.project.pm)
    path = f"/milestones/posts/{second.id}/correct"
    one, two = tab(client, path), tab(client, path)
    assert post(client, path, {**one, "percent": "65", "note": "Line commissioned",
                               "reason": "Percentage typed wrong"}).status_code == 302
    response = post(client, path, {**two, "percent": "58", "note": "Line half commissioned",
                                   "reason": "Overstated"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "You saved this in another tab or window" in page
    assert "Line half commissioned" in page and "Overstated" in page
    db.session.expire_all()
    assert db.session.get(ProgressUpdate, second.id).percent == 65
    again = {"percent": "58", "note": "Line half commissioned", "reason": "Overstated",
             **{name: hidden(page, name) for name in ("version", "seen_at", "once")}}
    assert post(client, path, again).status_code == 302
    assert db.session.get(Milestone, milestone.id).percent_complete == 58


@pytest.mark.parametrize("who,answer", [
    ("pm", 200), ("hq", 403), ("director", 403), ("observer", 403), ("other_pm", 404)])
def test_only_the_author_is_offered_or_may_correct_or_withdraw(client, who, answer):
    director = make_user()
    milestone, first, _second = _posted(institute=make_institute(director))
    user = {"pm": milestone.project.pm, "hq": make_user(Role.HQ_ADMIN),
            "observer": make_user(Role.OBSERVER), "director": director,
            "other_pm": make_user(Role.PROJECT_MANAGER)}[who]
    _commit()
    login(client, user)
    for verb in ("correct", "withdraw"):
        assert client.get(f"/milestones/posts/{first.id}/{verb}").status_code == answer
    if answer == 200:
        return
    assert post(client, f"/milestones/posts/{first.id}/withdraw",
                {"reason": "x"}).status_code == answer
    if answer == 403:
        page = client.get(f"/milestones/{milestone.id}").get_data(as_text=True)
        assert f"/milestones/posts/{first.id}/" not in page
    with pytest.raises(Forbidden):
        posts.withdraw_post(user, first, "x")


def test_a_correction_says_every_problem_at_once():
    milestone, _first, second = _posted()
    with pytest.raises(Invalid) as refused:
        posts.correct_post(milestone.project.pm, second, percent=120, note="",
                           uploads=[], withdrawn_files=[999999], reason=" ")
    assert {f for f, _m in refused.value.problems} == {"percent", "withdrawn_files", "reason"}


def test_a_correction_that_changes_nothing_is_refused_and_one_that_does_shows_beside_it(client):
    milestone, _first, second = _posted()
    pm = milestone.project.pm
    login(client, pm)
    path = f"/milestones/posts/{second.id}/correct"
    same = post(client, path, {**tab(client, path), "percent": "60", "note": "Line commissioned",
                               "reason": "Typed it again"}, content_type="multipart/form-data")
    assert refused_as_unchanged(same, "Typed it again") and audited("progress.correct") == 0
    assert post(client, path, {**tab(client, path), "percent": "55",
                               "note": "Line commissioned", "reason": "One station short"},
                content_type="multipart/form-data").status_code == 302
    page = client.get(f"/milestones/{milestone.id}").get_data(as_text=True)
    assert f"by {pm.name}: One station short" in page and "<strong>55%</strong>" in page
    posts.withdraw_post(pm, second, "Posted on the wrong milestone")
    _commit()
    page = client.get(f"/milestones/{milestone.id}").get_data(as_text=True)
    assert f"by {pm.name} as recorded by mistake: Posted on the wrong milestone" in page
    # Its history says the percentage as its page does, under the form's label.
    history = client.get(f"/history/milestones/{milestone.id}").get_data(as_text=True)
    assert "Percent complete" in history and "55%" in history and "Per cent" not in history

"""A TRL record made wrong (issue 9 point 5): the PM corrects it or withdraws it with the reason
until a gate has decided with it standing; the project's TRL, the gates' check, follows; the
project's history says so in both languages; a stale save is refused with the input kept."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import _commit, install_gates, make_institute, make_project, make_user
from tests.gates import helpers
from tests.test_edits import hidden, tab
from tests.unchanged import audited, refused_as_unchanged
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.errors import Forbidden, Invalid, Refused
from tracker.files.models import StoredFile
from tracker.gates import scoring
from tracker.projects import trl
from tracker.projects.history_models import TrlRecord
from tracker.projects.lifecycle import Phase

PDF = helpers.PDF


@pytest.fixture(autouse=True)
def _gates():
    install_gates()


def _under_way(trl_now: int = 3, **kw):
    project = make_project(phase=Phase.CONTRACT_RESEARCH, trl_now=trl_now, **kw)
    first = trl.record_trl(project.pm, project, 4, "Bench test at 100 h")
    second = trl.record_trl(project.pm, project, 6, "Pilot line run")
    _commit()
    return project, first, second


def _audit(action: str) -> AuditRecord:
    return db.session.scalars(select(AuditRecord).where(AuditRecord.action == action)
                              .order_by(AuditRecord.id.desc())).first()


def test_the_pm_corrects_the_latest_trl_and_the_project_and_its_history_follow(client):
    project, _first, second = _under_way()
    login(client, project.pm)
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert f"/projects/trl/{second.id}/correct" in page and "6 now, 8 targeted" in page
    path = f"/projects/trl/{second.id}/correct"
    form = client.get(path).get_data(as_text=True)
    assert "Pilot line run" in form and "Correct a TRL record" in form
    response = post(client, path, {**tab(client, path), "level": "5",
                                   "note": "Pilot line run, one station short",
                                   "reason": "Station 3 was not installed yet"})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(TrlRecord, second.id).level == 5
    assert project.current_trl == 5  # what gates check
    record = _audit("trl.correct")
    assert record.object_type == "trl_records" and record.object_id == second.id
    assert record.changes["level"] == [6, 5]
    assert record.changes["reason"] == [None, "Station 3 was not installed yet"]
    assert "5 now, 8 targeted" in client.get(f"/projects/{project.id}").get_data(as_text=True)
    history = client.get(f"/history/projects/{project.id}").get_data(as_text=True)
    assert "TRL record corrected" in history and "Station 3 was not installed yet" in history
    post(client, "/logout")
    login(client, make_user(Role.HQ_ADMIN, locale="zh_CN"))
    history = client.get(f"/history/projects/{project.id}").get_data(as_text=True)
    assert "TRL record corrected" not in history and "Station 3 was not installed yet" in history
    assert "更正" in history


def test_a_withdrawn_trl_stays_marked_with_its_file_and_the_gate_check_reads_the_one_before(
        client):
    project = make_project(phase=Phase.CONTRACT_RESEARCH, trl_now=3)
    login(client, project.pm)
    assert post(client, f"/projects/{project.id}/trl", {
        "level": "5", "note": "", "file": (io.BytesIO(PDF), "rig.pdf")},
        content_type="multipart/form-data").status_code == 302
    entry = project.trl_records[-1]
    path = f"/projects/trl/{entry.id}/withdraw"
    assert post(client, path, {**tab(client, path), "reason": ""}).status_code == 400
    response = post(client, path, {**tab(client, path), "reason": "The report was another rig's"})
    assert response.status_code == 302
    db.session.expire_all()
    entry = db.session.get(TrlRecord, entry.id)
    assert entry.is_void and entry.voided_by_id == project.pm_id
    assert project.current_trl == 3  # the proposal's again
    record = _audit("trl.withdraw")
    assert record.changes["trl"] == [5, 3]
    assert record.changes["void_reason"] == [None, "The report was another rig's"]
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "The report was another rig&#39;s" in page and "Withdrawn" in page
    assert f"/projects/trl/{entry.id}/correct" not in page  # nothing more offered
    assert client.get(f"/files/{entry.file_id}").status_code == 200
    assert client.get(path).status_code == 409  # withdrawn already
    history = client.get(f"/history/projects/{project.id}").get_data(as_text=True)
    assert "TRL record withdrawn as recorded by mistake" in history


def test_a_trl_a_gate_decided_on_is_frozen_and_the_refusal_says_what_to_do(client):
    project = make_project(trl_now=3)
    helpers.go(helpers.submit(project))
    entry = trl.record_trl(project.pm, project, 5, "Rig test at 200 h")
    review = helpers.request(project)
    assert not [b for b in scoring.blockers(review) if "TRL" in b]
    helpers.go(review)  # gate 2 decided with TRL 5 standing
    _commit()
    assert trl.trl_refusal(entry).startswith("Gate 2 was decided on")
    with pytest.raises(Refused, match="record the TRL as it stands now"):
        trl.correct_trl(project.pm, entry, level=4, note="x", reason="y")
    with pytest.raises(Refused):
        trl.withdraw_trl(project.pm, entry, "y")
    login(client, project.pm)
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert f"/projects/trl/{entry.id}/correct" not in page
    response = client.get(f"/projects/trl/{entry.id}/correct")
    text = response.get_data(as_text=True)
    assert response.status_code == 409 and "Gate 2 was decided on" in text
    assert f'href="/projects/{project.id}#trl"' in text  # back to the project


def test_a_stale_correction_is_refused_with_what_changed_and_the_input_kept(client):
    project, first, _second = _under_way()
    login(client, project.pm)
    path = f"/projects/trl/{first.id}/correct"
    one, two = tab(client, path), tab(client, path)
    assert post(client, path, {**one, "level": "3", "note": "Bench test at 100 h",
                               "reason": "Level typed wrong"}).status_code == 302
    response = post(client, path, {**two, "level": "4", "note": "Bench test, 120 h",
                                   "reason": "Hours typed wrong"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "You saved this in another tab or window" in page
    assert "Hours typed wrong" in page and "Bench test, 120 h" in page
    db.session.expire_all()
    assert db.session.get(TrlRecord, first.id).level == 3
    again = {"level": "4", "note": "Bench test, 120 h", "reason": "Hours typed wrong",
             **{name: hidden(page, name) for name in ("version", "seen_at", "once")}}
    assert post(client, path, again).status_code == 302
    # the withdrawal's form carries the version too
    wpath = f"/projects/trl/{first.id}/withdraw"
    stale = tab(client, wpath)
    assert post(client, path, {**tab(client, path), "level": "4", "note": "Bench test",
                               "reason": "Note shortened"}).status_code == 302
    assert post(client, wpath, {**stale, "reason": "Not ours"}).status_code == 409
    assert not db.session.get(TrlRecord, first.id).is_void


@pytest.mark.parametrize("who,answer", [
    ("pm", 200), ("hq", 403), ("director", 403), ("observer", 403), ("other_pm", 404)])
def test_only_the_pm_is_offered_or_may_correct_or_withdraw(client, who, answer):
    director = make_user()
    project, first, _second = _under_way(institute=make_institute(director))
    user = {"pm": project.pm, "hq": make_user(Role.HQ_ADMIN),
            "observer": make_user(Role.OBSERVER), "director": director,
            "other_pm": make_user(Role.PROJECT_MANAGER)}[who]
    _commit()
    login(client, user)
    for verb in ("correct", "withdraw"):
        assert client.get(f"/projects/trl/{first.id}/{verb}").status_code == answer
    if answer == 200:
        return
    assert post(client, f"/projects/trl/{first.id}/withdraw",
                {"reason": "x"}).status_code == answer
    if answer == 403:
        page = client.get(f"/projects/{project.id}").get_data(as_text=True)
        assert f"/projects/trl/{first.id}/" not in page
    with pytest.raises(Forbidden):
        trl.withdraw_trl(user, first, "x")
    with pytest.raises(Forbidden):
        trl.correct_trl(user, first, level=5, note="x", reason="x")


def test_a_correction_needs_its_reason_and_its_evidence():
    project, first, _second = _under_way()
    with pytest.raises(Invalid) as refused:
        trl.correct_trl(project.pm, first, level=12, note=" ", reason=" ")
    assert {field for field, _message in refused.value.problems} == {"level", "note", "reason"}


def test_a_correction_that_changes_nothing_is_refused_and_one_that_does_shows_beside_it(client):
    project, _first, second = _under_way()
    login(client, project.pm)
    path = f"/projects/trl/{second.id}/correct"
    same = post(client, path, {**tab(client, path), "level": "6", "note": "Pilot line run",
                               "reason": "Typed it again"})
    assert refused_as_unchanged(same, "Typed it again") and audited("trl.correct") == 0
    assert post(client, path, {**tab(client, path), "level": "5", "note": "Pilot line run",
                               "reason": "Station 3 was missing"}).status_code == 302
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert f"by {project.pm.name}: Station 3 was missing" in page
    form = client.get(path).get_data(as_text=True)
    assert "Correct the TRL record" in form and "beside the corrected record" in form
    # A withdrawal's form says what a withdrawal keeps, not what a correction does.
    form = client.get(f"/projects/trl/{second.id}/withdraw").get_data(as_text=True)
    assert "Why it was recorded by mistake" in form and "corrected record" not in form
    post(client, "/logout")
    login(client, make_user(Role.HQ_ADMIN, locale="zh_CN"))
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert f"由 {project.pm.name} 更正：Station 3 was missing" in page


def _with_file(client, project, name: str = "wrong-rig.pdf", note: str = "") -> TrlRecord:
    login(client, project.pm)
    assert post(client, f"/projects/{project.id}/trl", {
        "level": "5", "note": note, "file": (io.BytesIO(PDF), name)},
        content_type="multipart/form-data").status_code == 302
    return project.trl_records[-1]


@pytest.mark.parametrize("locale,label", [("en", "Evidence file: "), ("zh_CN", "佐证文件：")])
def test_a_correction_replaces_the_file_and_the_history_links_the_old_and_the_new(
        client, locale, label):
    director = make_user()
    project = make_project(phase=Phase.CONTRACT_RESEARCH, trl_now=3,
                           institute=make_institute(director))
    entry = _with_file(client, project)
    old_id = entry.file_id
    path = f"/projects/trl/{entry.id}/correct"
    form = client.get(path).get_data(as_text=True)
    assert "wrong-rig.pdf" in form and 'name="file"' in form and 'name="remove_file"' in form
    response = post(client, path, {**tab(client, path), "level": "5", "note": "",
                                   "file": (io.BytesIO(PDF), "rig-B-report.pdf"),
                                   "reason": "Attached rig A's report by mistake"},
                    content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    entry = db.session.get(TrlRecord, entry.id)
    new_id = entry.file_id
    assert new_id not in (None, old_id) and entry.file.original_name == "rig-B-report.pdf"
    assert db.session.get(StoredFile, old_id) is not None  # nothing lost
    record = _audit("trl.correct")
    assert record.changes["file_id"] == [old_id, new_id]
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    section = page[page.index('id="trl"'):page.index("</section>", page.index('id="trl"'))]
    assert f'<a href="/files/{new_id}">rig-B-report.pdf</a>' in section
    assert "wrong-rig.pdf" not in section  # the record shows its file, not the wrong one
    assert client.get(f"/files/{old_id}").status_code == 200
    assert client.get(f"/files/{new_id}").status_code == 200
    post(client, "/logout")
    for reader in (director, make_user(Role.HQ_ADMIN)):  # those who see the project
        reader.locale = locale
        _commit()
        login(client, reader)
        history = client.get(f"/history/projects/{project.id}").get_data(as_text=True)
        assert (f'{label}<a href="/files/{old_id}">wrong-rig.pdf</a> → '
                f'<a href="/files/{new_id}">rig-B-report.pdf</a>') in history
        assert "Attached rig A&#39;s report by mistake" in history
        assert "file_id" not in history
        assert client.get(f"/files/{old_id}").status_code == 200
        post(client, "/logout")
    outsider = make_user(Role.PROJECT_MANAGER)
    login(client, outsider)
    for address in (f"/files/{old_id}", f"/files/{new_id}",
                    f"/history/projects/{project.id}", f"/history/trl_records/{entry.id}"):
        assert client.get(address).status_code == 404, address


def test_a_file_taken_off_leaves_the_note_and_stays_in_the_history(client):
    project = make_project(phase=Phase.CONTRACT_RESEARCH, trl_now=3)
    entry = _with_file(client, project, note="Rig run of 200 h")
    old_id = entry.file_id
    path = f"/projects/trl/{entry.id}/correct"
    response = post(client, path, {**tab(client, path), "level": "5", "note": "",
                                   "remove_file": "y", "reason": "Not this record's file"})
    assert response.status_code == 400  # with neither a note nor a file, no evidence
    assert "Give the evidence of this TRL" in response.get_data(as_text=True)
    assert post(client, path, {**tab(client, path), "level": "5", "note": "Rig run of 200 h",
                               "remove_file": "y", "reason": "Not this record's file"}
                ).status_code == 302
    db.session.expire_all()
    assert db.session.get(TrlRecord, entry.id).file_id is None
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert f"/files/{old_id}" not in page.split('id="trl"')[1].split("</section>")[0]
    history = client.get(f"/history/trl_records/{entry.id}").get_data(as_text=True)
    assert f'Evidence file: <a href="/files/{old_id}">wrong-rig.pdf</a> → —' in history
    assert client.get(f"/files/{old_id}").status_code == 200

"""Evidence from a phone (issue #25, point 1): photos in JPEG, PNG, HEIC or HEIF and PDFs,
checked by content; the limits a file and a post stated beside the field; a refused post keeps
its note and percentage and the files already accepted wait in the author's draft, so nothing is
chosen twice; a request over the limit answers the app's own page in the user's language.
(The browser test posting seven 3.5 MB photos and a PDF at 390 px: tests/browser/.)"""

from __future__ import annotations

import io
from datetime import timedelta

import lxml.html
import pytest
from sqlalchemy import select
from werkzeug.test import EnvironBuilder

from tests.conftest import login, post, shared_data
from tests.factories import install_gates
from tests.gates.helpers import PDF
from tests.milestones.test_milestones import PNG, in_research, plan
from tracker import db
from tracker.files.models import StoredFile
from tracker.files.storage import storage
from tracker.milestones import evidence
from tracker.milestones.models import DraftEvidence, Evidence, Milestone
from tracker.reminders import scheduler

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 64
# The first box of a phone's HEIF photo: ftyp, its major brand, version, compatible brands.
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
HEIF = b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic" + b"\x00" * 64
AVIF = b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _gates():
    install_gates()


@pytest.fixture(scope="module")
def milestone_id(app, module_connection) -> int:
    """A milestone planned in a project in research, built once for the module (each test
    posts to it in its own savepoint)."""
    with shared_data(app, module_connection):
        install_gates()
        return plan(in_research()).id


@pytest.fixture
def milestone(client, milestone_id) -> Milestone:
    """The shared milestone, its PM signed in on `client`."""
    milestone = db.session.get(Milestone, milestone_id)
    login(client, milestone.project.pm)
    return milestone


def _send(client, milestone, data):
    return post(client, f"/milestones/{milestone.id}/update", data,
                content_type="multipart/form-data")


def _page(response) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(response.get_data(as_text=True))


def test_the_field_offers_a_phones_photos_and_states_both_limits(client, app, milestone):
    doc = _page(client.get(f"/milestones/{milestone.id}"))
    files = doc.xpath('//input[@name="files"]')[0]
    accept = files.get("accept").split(",")
    for offered in (".jpg", ".jpeg", ".png", ".heic", ".heif", ".pdf", "image/jpeg", "image/png",
                    "image/heic", "image/heif", "application/pdf"):
        assert offered in accept
    assert files.get("multiple") is not None and files.get("capture") is None  # camera or album
    help_text = doc.get_element_by_id(files.get("aria-describedby")).text_content()
    assert "HEIC" in help_text
    assert (f"At most {app.config['MAX_UPLOAD_MB']} MB a file and "
            f"{app.config['MAX_POST_MB']} MB in all.") in help_text


def test_photos_in_every_format_and_a_pdf_are_posted(client, milestone):
    response = _send(client, milestone, {"percent": "30", "note": "现场照片", "files": [
        (io.BytesIO(JPEG), "IMG_0001.JPG"), (io.BytesIO(PNG), "截图.png"),
        (io.BytesIO(HEIC), "IMG_0002.HEIC"), (io.BytesIO(HEIF), "photo.heif"),
        (io.BytesIO(PDF), "报告.pdf")]})
    assert response.status_code == 302
    names = sorted(e.file.original_name for e in db.session.scalars(select(Evidence)))
    assert names == sorted(["IMG_0001.JPG", "截图.png", "IMG_0002.HEIC", "photo.heif", "报告.pdf"])
    types = {f.original_name: f.content_type for f in db.session.scalars(select(StoredFile))}
    assert types["IMG_0002.HEIC"] == "image/heic" and types["photo.heif"] == "image/heif"
    assert db.session.scalar(select(DraftEvidence)) is None


@pytest.mark.parametrize("content,name", [(AVIF, "fake.heic"), (PNG, "photo.heic"),
                                          (HEIC, "photo.jpg"), (b"MZ" + b"0" * 80, "x.heif")])
def test_a_heif_photo_is_checked_by_its_content(client, milestone, content, name):
    response = _send(client, milestone, {"percent": "30", "files": [(io.BytesIO(content), name)]})
    assert response.status_code == 400
    assert "whatever its name says" in response.get_data(as_text=True)
    assert db.session.scalar(select(StoredFile).where(StoredFile.original_name == name)) is None


def test_a_refused_post_keeps_its_words_and_the_files_accepted(client, milestone):
    refused = _send(client, milestone, {"percent": "150", "note": "第一批照片", "files": [
        (io.BytesIO(JPEG), "a.jpg"), (io.BytesIO(b"MZ" + b"0" * 80), "b.jpg"),
        (io.BytesIO(PDF), "c.pdf")]})
    assert refused.status_code == 400
    doc = _page(refused)
    assert doc.xpath('//input[@name="percent"]/@value') == ["150"]
    assert doc.xpath('//textarea[@name="note"]')[0].text_content().strip() == "第一批照片"
    summary = doc.xpath('//*[@class="error-summary"]')[0].text_content()
    assert "b.jpg" in summary and "not a JPG file" in summary and "Percent" in summary
    attached = " ".join(doc.xpath('//fieldset[legend[contains(., "already attached")]]//label'
                                  '/text()'))
    assert "a.jpg" in attached and "c.pdf" in attached and "b.jpg" not in attached
    assert len(db.session.scalars(select(DraftEvidence)).all()) == 2

    # Sent again without choosing a file: the post takes the two held, leaving out one ticked.
    c_pdf = db.session.scalar(select(StoredFile).where(StoredFile.original_name == "c.pdf"))
    posted = _send(client, milestone, {"percent": "40", "note": "第一批照片",
                                       "once": doc.xpath('//input[@name="once"]/@value')[0],
                                       "dropped": [str(c_pdf.id)]})
    assert posted.status_code == 302
    assert [e.file.original_name for e in db.session.scalars(select(Evidence))] == ["a.jpg"]
    assert db.session.scalar(select(DraftEvidence)) is None
    assert db.session.get(StoredFile, c_pdf.id) is None


def test_a_post_over_its_limit_refuses_the_file_that_crosses_it(client, app, milestone,
                                                                monkeypatch):
    monkeypatch.setitem(app.config, "MAX_POST_MB", 1)
    big = JPEG + b"\x00" * (700 * 1024)
    response = _send(client, milestone, {"percent": "10", "files": [
        (io.BytesIO(big), "one.jpg"), (io.BytesIO(big), "two.jpg")]})
    assert response.status_code == 400
    assert "two.jpg: the post would be larger than 1 MB" in response.get_data(as_text=True)
    held = db.session.scalars(select(DraftEvidence).order_by(DraftEvidence.id)).all()
    assert [d.file.original_name for d in held] == ["one.jpg"]


def test_a_form_sent_twice_holds_its_files_once(client, milestone):
    page = _page(client.get(f"/milestones/{milestone.id}"))
    once = page.xpath('//form[contains(@action, "/update")]//input[@name="once"]/@value')[0]
    for _ in range(2):
        response = _send(client, milestone, {"percent": "20", "once": once,
                                             "files": [(io.BytesIO(JPEG), "a.jpg")]})
        assert response.status_code == 302
    assert len(db.session.scalars(select(StoredFile).where(
        StoredFile.original_name == "a.jpg")).all()) == 1
    assert db.session.scalar(select(DraftEvidence)) is None


def test_a_request_over_the_limit_answers_the_apps_page_in_chinese(client, app, milestone):
    milestone.project.pm.locale = "zh_CN"
    db.session.commit()
    app.config["MAX_CONTENT_LENGTH"], before = 2000, app.config["MAX_CONTENT_LENGTH"]
    try:
        response = _send(client, milestone, {"percent": "10", "note": "现场照片：七张",
                                             "files": [(io.BytesIO(JPEG + b"\x00" * 5000),
                                                        "big.jpg")]})
    finally:
        app.config["MAX_CONTENT_LENGTH"] = before
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "<title>" in page and 'lang="zh-CN"' in page
    doc = _page(response)
    assert doc.findtext(".//title").startswith("错误")
    # The milestone page again, the post's form as typed, the limit beside its files.
    form = doc.xpath('//form[contains(@action, "/update")]')[0]
    assert form.xpath('.//input[@name="percent"]/@value') == ["10"]
    assert form.xpath('.//textarea[@name="note"]')[0].text_content().strip() == "现场照片：七张"
    summary = form.xpath('.//*[@class="error-summary"]')[0].text_content()
    assert "60 MB" in summary and "20 MB" in summary
    assert db.session.scalar(select(StoredFile).where(StoredFile.original_name == "big.jpg")) \
        is None  # no byte of the file was kept


def test_a_too_large_request_elsewhere_answers_the_apps_page(client, app, milestone):
    app.config["MAX_CONTENT_LENGTH"], before = 2000, app.config["MAX_CONTENT_LENGTH"]
    try:
        response = post(client, f"/milestones/{milestone.id}/rebaseline",
                         {"reason": "x" * 5000, "new_date": "2030-01-01"})
    finally:
        app.config["MAX_CONTENT_LENGTH"] = before
    assert response.status_code == 413
    assert f'href="/milestones/{milestone.id}"' in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/login", "/milestones/1/submit"])
def test_a_too_large_request_is_read_to_its_end_before_the_answer(app, path):
    """A body refused unread (413) is read and dropped before the answer goes out: a server
    closing with it unread resets the connection (nginx's 502, a browser's "connection reset")
    on every route, the milestone pages' included."""
    size = app.config["MAX_CONTENT_LENGTH"] + 300_000
    environ = EnvironBuilder(path, method="POST", data=b"x" * size,
                             content_type="application/x-www-form-urlencoded").get_environ()
    statuses = []
    b"".join(app.wsgi_app(environ, lambda status, headers, *_: statuses.append(status)))
    assert statuses[0].startswith("413") and environ["wsgi.input"].tell() == size


def test_drafts_left_longer_than_the_setting_are_deleted_with_their_files(client, app,
                                                                          milestone):
    """The scheduler's daily clean-up (tracker/reminders/scheduler.py:run_cleanup) deletes a
    draft whose newest file is older than DRAFT_EVIDENCE_DAYS, row, file record and bytes; a
    draft with a recent file is kept whole, however old its other files."""
    other = plan(milestone.project, title="Field test")
    for target, name in ((milestone, "old.jpg"), (other, "older.jpg"), (other, "new.jpg")):
        response = _send(client, target, {"percent": "150", "files": [
            (io.BytesIO(JPEG), name)]})
        assert response.status_code == 400  # refused post: the file waits in the draft
    stored = {f.original_name: f for f in db.session.scalars(select(StoredFile).where(
        StoredFile.original_name.in_(["old.jpg", "older.jpg", "new.jpg"])))}
    days = app.config["DRAFT_EVIDENCE_DAYS"]
    now = db.utcnow()
    stored["old.jpg"].uploaded_at = now - timedelta(days=days, minutes=1)
    stored["older.jpg"].uploaded_at = now - timedelta(days=days + 30)
    stored["new.jpg"].uploaded_at = now - timedelta(days=days - 1)
    db.session.commit()
    old_name = stored["old.jpg"].storage_name
    assert storage().exists(old_name)

    scheduler.run_cleanup(app)

    kept = [d.file.original_name for d in db.session.scalars(
        select(DraftEvidence).order_by(DraftEvidence.id))]
    assert kept == ["older.jpg", "new.jpg"]
    assert db.session.scalar(select(StoredFile).where(StoredFile.original_name == "old.jpg")) \
        is None
    assert not storage().exists(old_name) and storage().exists(stored["new.jpg"].storage_name)
    assert evidence.discard_abandoned(now + timedelta(days=days)) == 2  # the other, in time

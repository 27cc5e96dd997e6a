"""Official documents: each kind issued as a PDF read back with pypdf, the same bytes again from
its record, HQ's wording in the next document, and who may see or issue them."""

from __future__ import annotations

import hashlib
import io
import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests.conftest import login, post, shared_data
from tests.factories import _commit, install_gates, make_institute, make_project, make_user
from tests.gates import helpers
from tests.test_edits import tab
from tests.test_query_counts import grown, page_statements
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.budgets.models import BudgetCategory
from tracker.dates import today
from tracker.documents import services
from tracker.documents.models import DocumentKind, DocumentTemplate, OfficialDocument
from tracker.errors import Refused
from tracker.files.storage import storage
from tracker.gates import decisions
from tracker.gates import services as gates
from tracker.gates.models import (
    Conclusion,
    CriterionKind,
    GateDecision,
    Outcome,
    Recommendation,
)
from tracker.milestones.models import Milestone
from tracker.projects.lifecycle import Phase
from tracker.projects.models import BudgetLine, Project


@pytest.fixture(autouse=True)
def _font(app):
    """The documents need the system's Chinese font (`make fonts`): without it these tests are
    skipped, except under .ci/run, which requires what `make test` installs."""
    if not Path(app.config["DOCUMENT_FONT"]).is_file():
        message = f"{app.config['DOCUMENT_FONT']} is not installed (make fonts)"
        if os.environ.get("BROWSER_TESTS_REQUIRED") == "1":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(autouse=True)
def _gates():
    install_gates()


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _stored(document: OfficialDocument) -> bytes:
    with storage().open(document.file.storage_name) as stored:
        return stored.read()


def _scored_decision(review, values=(3, 4, 5), outcome=Outcome.GO, **fields):
    """A panel of three who score every should-meet criterion 3, 4 and 5 out of 5 (weighted:
    60 %, 80 % and 100 %, averaged 80 %), and the chair's decision."""
    evaluators = helpers.name_panel(review)
    for evaluator, value, name in zip(evaluators, values, ("张伟", "Anna Evans", "李娜"),
                                      strict=True):
        evaluator.name = name
        gates.declare(evaluator, review, conflict=False)
        gates.submit_scores(evaluator, review, {
            c.id: ({"passed": True} if c.kind is CriterionKind.MUST else {"value": value})
            for c in review.criteria}, Recommendation.GO, comment=f"{name} 意见")
        _commit()
    decision = decisions.decide(evaluators[0], review, review.version, outcome,
                                rationale="技术路线清晰，同意立项。", **fields)
    _commit()
    return decision


@pytest.fixture(scope="module")
def approved_ids(app, module_connection) -> tuple[int, int]:
    """A project through gate 1 (GO) with a plan: milestones and three budget lines. Built once
    for the module (each test issues its documents in its own savepoint): the ids of the project
    and the decision."""
    with shared_data(app, module_connection):
        install_gates()
        project = make_project(title="高性能碳纤维复合材料", budget_total=Decimal("3000000.00"),
                               summary="研制拉伸强度 6 GPa 的碳纤维。")
        project.budget_lines[0].category = "设备费"
        project.budget_lines[0].amount = Decimal("1200000.00")
        project.budget_lines.append(BudgetLine(category="业务费", amount=Decimal("1300000.00")))
        project.budget_lines.append(BudgetLine(category="劳务费", amount=Decimal("500000.00")))
        _commit()
        decision = _scored_decision(helpers.submit(project))
        db.session.add(Milestone(project_id=project.id, phase=Phase.CONTRACT_RESEARCH,
                                 title="样品试制完成", deliverable="测试报告",
                                 due_date=today() + timedelta(days=90)))
        _commit()
        return project.id, decision.id


@pytest.fixture
def approved(approved_ids) -> tuple[Project, GateDecision]:
    """The shared project and its decision, loaded in the test's session."""
    project_id, decision_id = approved_ids
    return db.session.get(Project, project_id), db.session.get(GateDecision, decision_id)


def _as(client, user) -> None:
    post(client, "/logout")
    login(client, user)


def _admin():
    return make_user(Role.HQ_ADMIN, locale="zh_CN")


def test_the_approval_notice_holds_code_title_decision_number_and_pages(approved):
    project, decision = approved
    document = services.issue(_admin(), DocumentKind.APPROVAL_NOTICE, project, decision, "zh_CN")
    _commit()
    pdf = _stored(document)
    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    text = _text(pdf)
    assert project.code in text and "高性能碳纤维复合材料" in text
    assert "立项通知书" in text and "通过" in text  # the title and the decision, GO
    assert f"{project.code}-LX-01" == document.number and document.number in text
    assert "正式版本" in text and "第 1 页 共 1 页" in text.replace("，", " ")
    fonts = {str(f["/BaseFont"]) for page in reader.pages
             for f in page["/Resources"]["/Font"].values()}
    assert any("WenQuanYi" in name and "+" in name for name in fonts)  # a subset, embedded
    assert document.file.project_id == project.id and document.decision_id == decision.id
    record = db.session.scalar(select(AuditRecord).where(
        AuditRecord.action == "document.issue", AuditRecord.object_id == document.id))
    assert record.changes["number"] == [None, document.number]


def test_the_review_opinion_form_holds_each_experts_scores_and_the_averages(approved):
    project, decision = approved
    document = services.issue(_admin(), DocumentKind.REVIEW_OPINION, project, decision, "zh_CN")
    _commit()
    text = _text(_stored(document))
    assert project.code in text and "评审意见表" in text
    for name in ("张伟", "Anna Evans", "李娜"):
        assert name in text
    assert "技术先进性" in text  # a should-meet criterion, by its Chinese text
    # Each expert's weighted score, and the average (also the decision's weighted score).
    for score in ("60.00%", "80.00%", "100.00%"):
        assert score in text
    assert decision.weighted_score == Decimal("80.00")
    assert "4.00" in text  # the mean of 3, 4 and 5 on each should-meet criterion
    # A must-meet criterion: how many found it met.
    assert "3 人中 3 人认为满足" in text.replace("\n", "")
    assert "平均分" in text and "（组长）" in text  # the averages' column; the chair named


def test_the_acceptance_certificate_holds_the_conclusion(approved):
    project, _ = approved
    for milestone in db.session.scalars(select(Milestone).where(
            Milestone.project_id == project.id)):
        db.session.delete(milestone)
    _commit()
    review = helpers.request(project)
    decision = _scored_decision(review, values=(4, 4, 4), target_phase=Phase.COMPLETED,
                                conclusion=Conclusion.PASSED, completion_ratio=Decimal("92.5"))
    document = services.issue(_admin(), DocumentKind.ACCEPTANCE_CERTIFICATE, project, decision,
                              "zh_CN")
    _commit()
    text = _text(_stored(document))
    assert project.code in text and "高性能碳纤维复合材料" in text
    assert "验收证书" in text and "通过验收" in text and "92.5" in text
    assert document.number == f"{project.code}-YS-01"


def test_the_task_agreement_holds_milestones_and_budget_in_english(approved):
    project, _ = approved
    document = services.issue(_admin(), DocumentKind.TASK_AGREEMENT, project, None, "en")
    _commit()
    text = _text(_stored(document))
    assert project.code in text and "Project Task Agreement" in text
    assert "样品试制完成" in text and "测试报告" in text  # the milestone and its deliverable
    for category, amount in (("设备费", "1,200,000.00"), ("业务费", "1,300,000.00"),
                             ("劳务费", "500,000.00"), ("Total", "3,000,000.00")):
        assert category in text and amount in text
    assert "Final version" in text and "Page 1 of" in text


def test_a_task_agreement_names_its_template_categories_in_its_language_and_adds_up(approved):
    """Lines of a template named in the document's language (the English one printed 设备费),
    and what the total holds beyond the lines on a row of its own (the rows of 2,300,000 stood
    above a total of 3,000,000 at 100 %: found by a newcomer)."""
    project, _ = approved
    by_name = {c.name: c for c in db.session.scalars(
        select(BudgetCategory).where(BudgetCategory.template_id == 1))}
    project.budget_template_id = 1
    for line in project.budget_lines:
        line.category_id = by_name[line.category].id
    project.budget_lines[1].amount = Decimal("600000.00")  # 2,300,000 in lines of 3,000,000
    _commit()
    text = _text(_stored(services.issue(_admin(), DocumentKind.TASK_AGREEMENT, project, None,
                                        "en")))
    for row in ("Equipment 1,200,000.00 40.00", "Operations 600,000.00 20.00",
                "Labour 500,000.00 16.67", "Not allocated to a category 700,000.00 23.33",
                "Total 3,000,000.00 100.00"):
        assert row in " ".join(text.split()).replace("CN¥", "").replace("¥", "").replace(
            "%", ""), row
    assert "设备费" not in text


def test_a_document_is_made_again_byte_for_byte_from_its_record(approved):
    project, decision = approved
    admin = _admin()
    issued = [services.issue(admin, kind, project, record, language)
              for kind, record in ((DocumentKind.APPROVAL_NOTICE, decision),
                                   (DocumentKind.REVIEW_OPINION, decision),
                                   (DocumentKind.TASK_AGREEMENT, None))
              for language in ("zh_CN", "en")]
    _commit()
    for document in issued:
        stored = _stored(document)
        assert services.regenerate(document) == stored
        assert hashlib.sha256(stored).hexdigest() == document.sha256
        assert b"D:20000101000000" in stored  # reportlab's invariant date: no clock in it
    # Issuing again what nothing changed gives back the same document and number.
    again = services.issue(admin, DocumentKind.APPROVAL_NOTICE, project, decision, "zh_CN")
    assert again.id == issued[0].id
    # The content is built from the record again as it was stored.
    from tracker.documents import content
    first = issued[0]
    wording = services.template_for(first.kind).in_language("zh_CN")
    assert content.build(first.kind, project, decision, "zh_CN", wording, first.number,
                         today()) == first.content


def test_the_plan_changed_makes_a_new_task_agreement_with_the_next_number(approved):
    project, _ = approved
    admin = _admin()
    first = services.issue(admin, DocumentKind.TASK_AGREEMENT, project, None, "zh_CN")
    _commit()
    project.technical_route = "湿法纺丝，高温碳化。"
    _commit()
    second = services.issue(admin, DocumentKind.TASK_AGREEMENT, project, None, "zh_CN")
    _commit()
    assert (first.number, second.number) == (f"{project.code}-RW-01", f"{project.code}-RW-02")
    assert "湿法纺丝" in _text(_stored(second)) and "湿法纺丝" not in _text(_stored(first))
    assert services.regenerate(first) == _stored(first)  # the first stays what it was


def test_a_letterhead_edited_by_hq_appears_in_the_next_document(client, approved):
    project, decision = approved
    admin = _admin()
    _as(client, admin)
    page = client.get("/admin/documents/approval_notice")
    assert page.status_code == 200
    # Issued through the page, then again with the same choices once the wording changed: a
    # new document, not "this form had already been sent".
    first = post(client, f"/projects/{project.id}/documents",
                 {"document": f"approval_notice:{decision.id}", "language": "zh_CN"})
    assert first.status_code == 302
    before = db.session.scalars(select(OfficialDocument).order_by(OfficialDocument.id)).all()[-1]
    form = {"letterhead": "江苏省产业技术研究院", "letterhead_en": "JITRI",
            "title": "立项通知书", "title_en": "Approval Notice", "opening": "经研究，同意立项。",
            "opening_en": "Approved.", "closing": "特此通知。", "closing_en": "",
            "issuer": "科技发展部",
            "issuer_en": "Science and Technology Department", "version": "", "seen_at": ""}
    saved = post(client, "/admin/documents/approval_notice", form)
    assert saved.status_code == 302
    record = db.session.scalar(select(AuditRecord).where(
        AuditRecord.action == "document_template.create"))
    assert record.changes["letterhead"] == [None, "江苏省产业技术研究院"]
    issued = post(client, f"/projects/{project.id}/documents",
                  {"document": f"approval_notice:{decision.id}", "language": "zh_CN"})
    assert issued.status_code == 302
    after = db.session.scalars(select(OfficialDocument).order_by(OfficialDocument.id)).all()[-1]
    assert after.number == f"{project.code}-LX-02"
    assert "江苏省产业技术研究院" in _text(_stored(after)) and "科技发展部" in _text(_stored(after))
    assert "江苏省产业技术研究院" not in _text(_stored(before))
    assert services.regenerate(before) == _stored(before)  # issued documents keep their wording
    english = post(client, f"/projects/{project.id}/documents",
                   {"document": f"approval_notice:{decision.id}", "language": "en"})
    assert english.status_code == 302
    latest = db.session.scalars(select(OfficialDocument).order_by(OfficialDocument.id)).all()[-1]
    assert "JITRI" in _text(_stored(latest)) and "Science and Technology Department" in _text(
        _stored(latest))


def test_who_may_see_and_issue_the_documents(client, approved):
    project, decision = approved
    admin = _admin()
    notice = services.issue(admin, DocumentKind.APPROVAL_NOTICE, project, decision, "zh_CN")
    opinion = services.issue(admin, DocumentKind.REVIEW_OPINION, project, decision, "zh_CN")
    _commit()
    # Someone who may not see the project: 404 on its documents page and on each PDF.
    outsider = make_user(Role.PROJECT_MANAGER)
    _as(client, outsider)
    assert client.get(f"/projects/{project.id}/documents").status_code == 404
    assert client.get(f"/files/{notice.file_id}").status_code == 404
    assert client.get(f"/files/{opinion.file_id}").status_code == 404
    other_director = make_user(Role.PROJECT_MANAGER)
    make_institute(director=other_director)
    _as(client, other_director)
    assert client.get(f"/files/{notice.file_id}").status_code == 404
    # The PM sees the project: the notice, not the opinion form (the named scorecards are the
    # panel's and HQ's), and issues nothing.
    _as(client, project.pm)
    page = client.get(f"/projects/{project.id}/documents")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert notice.number in text and opinion.number not in text and "Issue a document" not in text
    got = client.get(f"/files/{notice.file_id}")
    assert got.status_code == 200 and got.data == _stored(notice)
    assert client.get(f"/files/{opinion.file_id}").status_code == 404
    assert post(client, f"/projects/{project.id}/documents",
                {"document": f"approval_notice:{decision.id}", "language": "zh_CN"}
                ).status_code == 403
    # A member of the panel that scored reads the opinion form.
    chair = decision.review.panel[0].user
    _as(client, chair)
    assert client.get(f"/files/{opinion.file_id}").status_code == 200
    # HQ's wording pages are HQ admins' only.
    _as(client, project.pm)
    assert client.get("/admin/documents/").status_code == 403


def test_without_the_font_nothing_is_issued(app, approved):
    project, decision = approved
    font, app.config["DOCUMENT_FONT"] = app.config["DOCUMENT_FONT"], "/nonexistent/font.ttc"
    try:
        with pytest.raises(Refused, match="/nonexistent/font.ttc"):
            services.issue(_admin(), DocumentKind.APPROVAL_NOTICE, project, decision, "zh_CN")
    finally:
        app.config["DOCUMENT_FONT"] = font
    assert db.session.scalar(select(OfficialDocument.id)) is None


def test_the_documents_page_reads_every_review_s_decisions_at_once(client, engine, approved):
    """A project's documents follow its decisions: each review's were read one by one (found
    by the issue 21 audit). Through gate 2 as well, the page runs what it ran after gate 1."""
    project, _ = approved
    login(client, _admin())
    path = f"/projects/{project.id}/documents"
    after_gate_1 = page_statements(client, engine, path)
    for milestone in db.session.scalars(select(Milestone).where(
            Milestone.project_id == project.id)):
        db.session.delete(milestone)
    _commit()
    _scored_decision(helpers.request(project), values=(4, 4, 4), target_phase=Phase.COMPLETED,
                     conclusion=Conclusion.PASSED, completion_ratio=Decimal("92.5"))
    after_gate_2 = page_statements(client, engine, path)
    assert "验收证书" in client.get(path).get_data(as_text=True)  # gate 2's certificate offered
    assert len(after_gate_2) == len(after_gate_1), grown(after_gate_1, after_gate_2)


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_two_tabs_on_a_wording_never_saved_lose_nothing(app, locale):
    """Two tabs on a kind of document HQ has not worded yet (its defaults shown, no row):
    the second save overwrote the first (session 9's audit: the form carried no version until
    a row existed). It is refused (409) saying what was saved meanwhile, its input kept."""
    client = app.test_client()
    login(client, make_user(Role.HQ_ADMIN, locale=locale))
    path = "/admin/documents/review_opinion"
    first, second = tab(client, path), tab(client, path)
    assert first["version"] == "0"
    form = {"letterhead": "江苏省产业技术研究院", "letterhead_en": "JITRI", "title": "评审意见表",
            "title_en": "Review opinion", "opening": "经评审。", "opening_en": "Reviewed.",
            "closing": "", "closing_en": "", "issuer": "科技发展部", "issuer_en": "S&T"}
    saved = post(client, path, {**form, **first, "title": "第一个标签页"})
    assert saved.status_code == 302
    stale = post(client, path, {**form, **second, "title": "第二个标签页"})
    assert stale.status_code == 409
    page = stale.get_data(as_text=True)
    assert "第一个标签页" in page and "第二个标签页" in page  # what was saved, and this input
    assert ("另一个标签页或窗口中保存" in page) if locale == "zh_CN" else ("in another tab" in page)
    template = db.session.scalar(select(DocumentTemplate))
    db.session.refresh(template)
    assert template.title == "第一个标签页"

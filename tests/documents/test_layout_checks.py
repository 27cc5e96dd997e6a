"""What the official documents looked like to newcomers (#23 point 6, rendered to images and
looked at): table cells of English cut mid-word, the signature alone on the last page, the
task agreement's team printed "—" for a team named and waiting, a doubled full stop after a
unit's name ("Ltd.."), and HQ's wording with no length said. Each checked here on the PDF read
back with pypdf, or on the page."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader

from tests.conftest import post
from tests.factories import _commit, make_institute, make_project, make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.dates import today
from tracker.documents import services
from tracker.documents.models import DocumentKind, DocumentTemplate
from tracker.documents.render import render
from tracker.errors import Invalid
from tracker.experts.models import Expert, ExpertTitle
from tracker.experts.recusal import exclusions
from tracker.milestones.models import Milestone
from tracker.projects.lifecycle import Phase
from tracker.projects.models import ProjectMember

from . import test_documents as issued
from .test_documents import _admin, _as, _stored

# The fixtures of the documents' tests: the font (or a skip), the gates, an approved project.
_font, _gates, approved_ids, approved = (issued._font, issued._gates, issued.approved_ids,
                                         issued.approved)


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _long_plan(project) -> None:
    """A plan that runs over pages: many milestones of long English words."""
    for i in range(14):
        db.session.add(Milestone(
            project_id=project.id, phase=Phase.CONTRACT_RESEARCH,
            title=f"Characterisation of interfacial shear strength {i}",
            deliverable="Qualification documentation report",
            due_date=today() + timedelta(days=90 + i)))
    _commit()


def test_english_cells_break_between_words_not_inside_them(approved):
    project, _decision = approved
    _long_plan(project)
    pdf = _stored(services.issue(_admin(), DocumentKind.TASK_AGREEMENT, project, None, "en"))
    text = "\n".join(_pages(pdf))
    # The phase column is narrow: "Contract research" goes on two lines, as two words.
    assert "resear\nch" not in text and "Contract\nresearch" in text
    assert "documenta\ntion" not in text and "Characterisatio\nn" not in text


def test_the_signature_never_stands_alone_on_the_last_page(approved):
    """The review opinion form of three experts filled page 1 to the foot: its issuer and date
    went alone to page 2. They now go with the last section (the panel's opinion)."""
    project, decision = approved
    project.title = "高性能碳纤维复合材料及其在新能源汽车轻量化车身结构件中的工程化应用研究"
    _commit()
    for kind, record in ((DocumentKind.REVIEW_OPINION, decision),
                         (DocumentKind.APPROVAL_NOTICE, decision)):
        for language in ("zh_CN", "en"):
            pages = _pages(_stored(services.issue(_admin(), kind, project, record, language)))
            last = pages[-1]
            assert decision.rationale in last, (kind, language, len(pages))
    _long_plan(project)
    pages = _pages(_stored(services.issue(_admin(), DocumentKind.TASK_AGREEMENT, project, None,
                                          "zh_CN")))
    assert len(pages) > 1 and "合计" in pages[-1] and "项目管理部" in pages[-1]


def test_a_document_issued_before_keeps_its_layout(approved):
    """A content stored without a layout (issued before layout 2) is laid out as it was, so
    it is still made again byte for byte; the same content in layout 2 differs."""
    project, decision = approved
    document = services.issue(_admin(), DocumentKind.APPROVAL_NOTICE, project, decision, "en")
    _commit()
    assert document.content["layout"] == 2
    # Narrow English cells (the task agreement's phase column): cut mid-word before.
    content = {**document.content, "sections": [*document.content["sections"], {
        "heading": "Milestones", "columns": ["No.", "Milestone", "Phase", "Due", "Deliverable"],
        "widths": [0.08, 0.32, 0.17, 0.17, 0.26],
        "rows": [["1", "Prototype", "Contract research", "Mar 1, 2027", "Test report"]]}]}
    old = {k: v for k, v in content.items() if k != "layout"}
    assert render(old) == render(dict(old)) and render(old) != render(content)


def test_the_task_agreement_names_the_team_led_by_the_pm_waiting_places_said(approved):
    project, _decision = approved
    confirmed, waiting = make_user(name="王小明"), make_user(name="李华")
    project.members.append(ProjectMember(user_id=confirmed.id, role="研究员",
                                         confirmed_at=db.utcnow()))
    project.members.append(ProjectMember(user_id=waiting.id))
    _commit()
    text = " ".join(" ".join(_pages(_stored(services.issue(
        _admin(), DocumentKind.TASK_AGREEMENT, project, None, "zh_CN")))).split())
    assert f"{project.pm.name}（项目经理）" in text
    assert "王小明（研究员）" in text and "李华（待确认）" in text
    alone = make_project(pm=make_user(Role.PROJECT_MANAGER, name="Solo PM"),
                         phase=Phase.CONTRACT_RESEARCH)
    english = " ".join(" ".join(_pages(_stored(services.issue(
        _admin(), DocumentKind.TASK_AGREEMENT, alone, None, "en")))).split())
    assert "Solo PM (project manager)" in english


def test_a_unit_whose_name_ends_with_a_stop_is_not_followed_by_another():
    institute = make_institute(name="Suzhou Advanced Materials Co., Ltd.")
    project = make_project(institute=institute)
    expert = Expert(name="Dr. Gao", professional_title=ExpertTitle.SENIOR,
                    unit="Suzhou Advanced Materials Co., Ltd.", expertise="Materials",
                    email="gao@example.cn", phone="")
    db.session.add(expert)
    _commit()
    reason = exclusions(project, [expert])[expert.id][0]
    assert reason.endswith("Co., Ltd.") and ".." not in reason


def test_hq_is_told_each_wordings_limit_and_by_how_much_it_is_over(client):
    admin = _admin()
    _as(client, admin)
    page = client.get("/admin/documents/approval_notice").get_data(as_text=True)
    assert "最多 60 个字符。" in page and 'maxlength="60"' in page
    form = {"letterhead": "研" * 61, "letterhead_en": "JITRI", "title": "立项通知书",
            "title_en": "Approval Notice", "opening": "", "opening_en": "", "closing": "",
            "closing_en": "", "issuer": "科技发展部", "issuer_en": "S&T Department",
            "version": "", "seen_at": ""}
    answer = post(client, "/admin/documents/approval_notice", form)
    assert answer.status_code == 400
    assert "最多 60 个字符：当前为 61 个。" in answer.get_data(as_text=True)
    with pytest.raises(Invalid, match="300.*301"):
        services.save_template(make_user(Role.HQ_ADMIN),
                               DocumentTemplate(kind=DocumentKind.APPROVAL_NOTICE),
                               {**form, "letterhead": "JITRI", "closing_en": "x" * 301})

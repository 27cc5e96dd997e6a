"""The wording each kind of document starts with, in both languages, until HQ edits it
(/admin/documents). Chinese is the document's language by default; the English is a faithful
rendering for partners abroad, not a translation catalogue entry: HQ edits both as text.
The letterhead and the issuer are the headquarters' own names (those given to `flask hq
create`), never an anonymous "产业技术研究院" (issue 13, adoption finding F21)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tracker.documents.models import DocumentKind, DocumentTemplate

if TYPE_CHECKING:
    from tracker.organisations.models import Headquarters

GENERIC, GENERIC_EN = "产业技术研究院", "Industrial Technology Research Institute"
OFFICE_EN = "Project Management Office"

DEFAULTS: dict[DocumentKind, dict[str, str]] = {
    DocumentKind.APPROVAL_NOTICE: {
        "letterhead": "产业技术研究院", "letterhead_en": "Industrial Technology Research Institute",
        "title": "立项通知书", "title_en": "Project Approval Notice",
        "opening": "经专家评审和研究院审定，同意下列项目立项。请项目负责人按照任务书组织实施，"
                   "按期完成研究任务。",
        "opening_en": "Following the expert review and the Institute's decision, the project "
                      "below is approved. The project manager shall carry it out as the task "
                      "agreement sets and complete its research on time.",
        "closing": "特此通知。", "closing_en": "Notice is hereby given.",
        "issuer": "产业技术研究院 项目管理部", "issuer_en": "Project Management Office",
    },
    DocumentKind.REVIEW_OPINION: {
        "letterhead": "产业技术研究院", "letterhead_en": "Industrial Technology Research Institute",
        "title": "评审意见表", "title_en": "Review Opinion Form",
        "opening": "评审专家组按照评审指标对下列项目进行了评审，各专家评分及平均分如下。",
        "opening_en": "The expert panel reviewed the project below against the gate's criteria. "
                      "Each expert's scores and the averaged scores follow.",
        "closing": "", "closing_en": "",
        "issuer": "评审专家组", "issuer_en": "The review panel",
    },
    DocumentKind.ACCEPTANCE_CERTIFICATE: {
        "letterhead": "产业技术研究院", "letterhead_en": "Industrial Technology Research Institute",
        "title": "验收证书", "title_en": "Acceptance Certificate",
        "opening": "验收专家组对下列项目的研究任务完成情况进行了验收，验收结论如下。",
        "opening_en": "The acceptance panel examined how the project below completed its "
                      "research tasks. Its conclusion follows.",
        "closing": "特发此证。", "closing_en": "This certificate is issued accordingly.",
        "issuer": "产业技术研究院 项目管理部", "issuer_en": "Project Management Office",
    },
    DocumentKind.TASK_AGREEMENT: {
        "letterhead": "产业技术研究院", "letterhead_en": "Industrial Technology Research Institute",
        "title": "项目任务书", "title_en": "Project Task Agreement",
        "opening": "项目承担单位和项目负责人按照本任务书确定的目标、进度和预算组织实施项目。",
        "opening_en": "The institute and the project manager carry out the project to the "
                      "objectives, schedule and budget this agreement sets.",
        "closing": "本任务书经研究院批准后生效。",
        "closing_en": "This agreement takes effect once approved by the Institute.",
        "issuer": "产业技术研究院 项目管理部", "issuer_en": "Project Management Office",
    },
}


def default_template(kind: DocumentKind, hq: Headquarters | None) -> DocumentTemplate:
    """An unsaved template of `kind` with the default wording, headed and signed with `hq`'s
    names (its Chinese name where it has no English one); the generic ones without an HQ."""
    wording = dict(DEFAULTS[kind])
    if hq is not None:
        name_en = hq.name_en or hq.name
        for field in ("letterhead", "issuer"):
            wording[field] = wording[field].replace(GENERIC, hq.name)
        wording["letterhead_en"] = wording["letterhead_en"].replace(GENERIC_EN, name_en)
        if wording["issuer_en"] == OFFICE_EN:
            wording["issuer_en"] = f"{name_en} {OFFICE_EN}"
    return DocumentTemplate(kind=kind, **wording)

"""A new network's official documents are headed and signed with its own names, those given
to `flask hq create`, until HQ edits the wording (issue 13, adoption finding F21: they read
the generic "产业技术研究院 / 产业技术研究院 项目管理部"); the wording page shows them. A
document of a decision imported as history is dated the day it is issued and says so beside
the decision's day. Both languages."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from tests.conftest import login
from tests.imports.helpers import run
from tests.imports.test_projects import HEADER, _row, _setting
from tracker import db
from tracker.dates import local_date, today
from tracker.display.formatting import day
from tracker.documents import services
from tracker.documents.models import DocumentKind
from tracker.organisations.models import Headquarters
from tracker.projects.models import Project

# language: (letterhead, issuer, the imported decision's dating)
SAID = {"zh_CN": ("沈阳产业技术研究院", "沈阳产业技术研究院 项目管理部",
                  "{issued}出具；所涉决定于 {day} 在启用本系统前作出（已导入）"),
        "en": ("SYIIT", "SYIIT Project Management Office",
               "{issued}, for a decision taken on {day} before the tracker (imported)")}


@pytest.fixture(autouse=True)
def _font(app):
    if not Path(app.config["DOCUMENT_FONT"]).is_file():
        message = f"{app.config['DOCUMENT_FONT']} is not installed (make fonts)"
        if os.environ.get("BROWSER_TESTS_REQUIRED") == "1":
            pytest.fail(message)
        pytest.skip(message)


def _network():
    """The import's setting, its HQ named as `flask hq create SYIIT --name-zh 沈阳产业技术研究院
    --name-en SYIIT` names it, and a project imported through gate 1 (GO on 2019-05-20)."""
    admin, _pm = _setting()
    hq = db.session.scalar(select(Headquarters))
    hq.name, hq.name_en = "沈阳产业技术研究院", "SYIIT"
    db.session.flush()
    result = run(admin, "projects", [HEADER, _row(passed="1: 2019-05-20")])
    assert result.errors == []
    return admin, db.session.scalar(select(Project))


def test_the_documents_carry_the_hqs_names_and_an_imported_decisions_is_dated_today():
    admin, project = _network()
    decision = project.gate_reviews[0].decisions[0]
    for language, (letterhead, issuer, dating) in SAID.items():
        document = services.issue(admin, DocumentKind.APPROVAL_NOTICE, project, decision,
                                  language)
        content = document.content
        assert (content["letterhead"], content["issuer"]) == (letterhead, issuer)
        with force_locale(language):
            issued, taken = day(today()), day(local_date(decision.decided_at))
        assert content["date"] == issued
        assert [content["fields"][-1][1]] == [dating.format(issued=issued, day=taken)]
    opinion = services.template_for(DocumentKind.REVIEW_OPINION, project.hq)
    assert (opinion.letterhead, opinion.issuer, opinion.issuer_en) == (
        "沈阳产业技术研究院", "评审专家组", "The review panel")  # the panel signs its own


def test_the_wording_page_shows_the_hqs_letterhead(client):
    admin, _project = _network()
    for locale, (letterhead, _issuer, _dating) in SAID.items():
        admin.locale = locale
        db.session.flush()
        login(client, admin)
        page = client.get("/admin/documents/").get_data(as_text=True)
        assert f"<td>{letterhead}</td>" in page, page
        assert "<td>产业技术研究院</td>" not in page
        assert "Industrial Technology Research Institute" not in page

"""An issued document's review and its verdict on the project's documents page write the
comma of the page's language (tests/test_name_then_time.py has the other pages)."""

from __future__ import annotations

from tests.documents.test_documents import (  # noqa: F401 - fixtures
    _font,
    _gates,
    approved,
    approved_ids,
)
from tests.factories import _commit, make_user
from tests.test_name_then_time import comma_after, read
from tracker.accounts.models import Role
from tracker.documents import services as documents
from tracker.documents.models import DocumentKind


def test_an_issued_documents_review_and_verdict_take_the_chinese_comma(client, approved):  # noqa: F811
    project, decision = approved
    admin = make_user(Role.HQ_ADMIN)
    documents.issue(admin, DocumentKind.REVIEW_OPINION, project, decision, "zh_CN")
    _commit()
    page = read(client, admin, f"/projects/{project.id}/documents")
    name = decision.review.shown("name")
    assert comma_after(page, name)

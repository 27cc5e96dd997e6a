"""An imported gate decision names no chair (issue 13, adoption finding F20): no panel sat in
the tracker, so its review has none; the importing HQ admin is named as who imported it, never
as the panel's chair or the one who decided. The review page and its printed form (评审意见表)
say so, with no quorum line and no chair's signature; the project's timeline says the decision
was imported, and by whom. Both import paths, both languages."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.conftest import login, post
from tests.imports.helpers import run
from tests.imports.test_projects import HEADER, _row, _setting
from tracker import db
from tracker.imports.models import ImportState
from tracker.projects.models import Project

SAID = {"en": ("— (imported decision, no panel)", "Proposal review: GO (imported, by {name})",
               ("scorecards submitted", "Chair of the panel (signature)", "GO by {name}")),
        "zh_CN": ("—（导入的决定，无评审组）", "立项评审：通过（已导入，{name} 导入）",
                  ("已提交 0 份评分表", "评审组组长（签字）", "{name} 作出"))}


def _timeline(page: str) -> str:
    page = page[page.index('<ol class="timeline">'):]
    return re.sub(r"\s+", " ", page[:page.index("</ol>")])


@pytest.mark.parametrize("path", ["bulk", "row by row"])
def test_an_imported_decision_has_no_chair_and_says_who_imported_it(client, monkeypatch, path):
    from tracker.imports.projects_bulk import BulkProjects

    if path == "row by row":
        monkeypatch.setattr(BulkProjects, "batch", lambda self, actor: None)
    admin, _pm = _setting()
    result = run(admin, "projects", [HEADER, _row(passed="1: 2019-05-20")])
    assert result.state is ImportState.DONE, result.errors
    project = db.session.scalar(select(Project))
    review = project.gate_reviews[0]
    assert (review.chair_id, review.decisions[0].decided_by_id) == (None, admin.id)
    for locale, (no_chair, timeline, never) in SAID.items():
        admin.locale = locale
        db.session.flush()
        login(client, admin)
        page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
        assert no_chair in page
        for wrong in never:
            assert wrong.format(name=admin.name) not in page
        said = _timeline(client.get(f"/projects/{project.id}").get_data(as_text=True))
        assert timeline.format(name=admin.name) in said, said
        assert never[2].format(name=admin.name) not in said
        post(client, "/logout")

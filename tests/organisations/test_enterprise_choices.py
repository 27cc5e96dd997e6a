"""Issue 21 point 2: every form that names an enterprise offers them by id and name, read in
one statement of two columns; no enterprise is loaded as a record to fill a drop-down (about
600 at full size)."""

from __future__ import annotations

import pytest

from tests.conftest import login
from tests.factories import make_enterprise, make_project, make_user
from tests.test_query_counts import records_loaded
from tracker.accounts.models import Role
from tracker.organisations.models import Enterprise
from tracker.projects.models import Phase

# The pages whose forms offer every enterprise (to a PM the first, to an HQ admin the
# others); `{project}` is a project in contract research.
FORMS = ["/projects/new", "/projects/{project}/contracts/new", "/admin/users/new",
         "/admin/experts/new", "/centres/new", "/needs/new"]


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("path", FORMS)
def test_a_form_offers_every_enterprise_by_id_and_name_without_loading_one(
        client, path, language):
    project = make_project(phase=Phase.CONTRACT_RESEARCH)
    viewer = (make_user(Role.PROJECT_MANAGER, locale=None, institute_id=project.institute_id)
              if path == "/projects/new" else make_user(Role.HQ_ADMIN, locale=None))
    enterprises = [make_enterprise(name=f"企业 {n}", name_en=f"Enterprise Co {n}")
                   for n in range(3)]
    make_enterprise(name="只有中文名的企业")  # no English name: the Chinese one in both
    login(client, viewer)
    shown = {e.id: (e.name_en if language == "en" else e.name) for e in enterprises}
    text, loaded = records_loaded(Enterprise, client, path.format(project=project.id),
                                  language)
    for id_, name in shown.items():
        assert f'<option value="{id_}">{name}</option>' in text, (path, name)
    assert "只有中文名的企业" in text
    assert loaded == [], path

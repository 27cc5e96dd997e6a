"""The OpenAPI document is built from the code, served with a readable page, and the API keeps
to it: schemathesis sends generated requests to every operation and fails on a 500 or on an
answer (status, media type, body, headers) the document does not describe. Few examples per
operation, so the suite stays fast."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from tests.api.helpers import bearer, token_for
from tests.factories import _commit, install_gates, make_project
from tests.gates import helpers as gates
from tracker.milestones import services
from tracker.web.api.spec import OPERATIONS

CHECKS = [checks.not_a_server_error, checks.status_code_conformance,
          checks.content_type_conformance, checks.response_schema_conformance,
          checks.response_headers_conformance]


def test_every_operation_is_in_the_document_and_the_page(client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.1")
    ids = {op["operationId"] for methods in spec["paths"].values() for op in methods.values()}
    assert ids == {op.endpoint for op in OPERATIONS}
    assert "/api/v1/milestones/{milestone_id}/progress" in spec["paths"]
    page = client.get("/help/api")
    assert page.status_code == 200 and page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    assert "POST /api/v1/milestones/{milestone_id}/submit" in text
    # Nothing is fetched from elsewhere: no script, and no address that leaves the app (a word
    # such as "cdn" could turn up by chance inside the form's random CSRF token).
    assert "<script" not in text
    assert not re.search(r'(?:src|href)="(?:https?:)?//', text)


@pytest.fixture
def secret():
    """A PM's write token, with a project and a milestone among the ids tried."""
    install_gates()
    project = make_project()
    gates.go(gates.submit(project))
    services.plan_milestone(project.pm, project, phase=project.phase, title="Prototype",
                            deliverable="", due_date=date(2026, 6, 30), weight=Decimal("1"))
    _commit()
    return token_for(project.pm)


def test_the_api_keeps_to_its_document(app, secret):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == len(OPERATIONS)
    for operation in operations:
        # (schemathesis's own pytest plugin does not run under this pytest: driven by hand)
        @given(case=operation.as_strategy())
        @settings(max_examples=2, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def keeps_to_it(case):
            case.call_and_validate(headers=bearer(secret), checks=CHECKS)

        keeps_to_it()

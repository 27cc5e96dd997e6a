"""No input to a funding or company form produces a 500."""

from __future__ import annotations

from tests.companies import helpers
from tests.conftest import login, post
from tests.factories import make_project, make_user
from tests.test_forms_fuzz import NAME_RE, NASTY
from tracker.accounts.models import Role
from tracker.projects.lifecycle import Phase


def test_every_funding_and_company_form_survives_malformed_input(client):
    committee = make_user(Role.INVESTMENT_COMMITTEE)
    agreement, company = helpers.worked_example(committee=committee)
    fresh = make_project(phase=Phase.SPIN_OFF)
    empty = helpers.make_company(fresh)
    login(client, committee)
    tranche = agreement.tranches[0]
    pages = [
        f"/projects/{fresh.id}/funding/agreement", f"/funding/{agreement.id}/tranches/new",
        f"/funding/tranches/{tranche.id}/disburse", f"/funding/{agreement.id}/convert",
        f"/funding/{agreement.id}/outcome", "/companies/new", f"/companies/{company.id}/edit",
        f"/companies/{empty.id}/incorporate", f"/companies/{company.id}/shares/new",
        f"/companies/{company.id}/transfers/new", f"/companies/{company.id}/rounds/new",
        f"/companies/{company.id}/ip/new", f"/companies/{company.id}/exit",
    ]
    # The agreement is converted: no conversion's form is offered, nor (409, said before the
    # form) a payment of its tranche, a new tranche or its outcome; a crafted POST is still
    # answered.
    crafted = {"/convert": ["round_id"], "/disburse": ["amount", "paid_on", "reference"],
               "/tranches/new": ["amount", "condition", "milestone_id", "gate"],
               "/outcome": ["outcome", "outcome_on", "repaid_amount", "substitute", "note"]}
    refused = ("/disburse", "/tranches/new", "/outcome")
    for path in pages:
        page = client.get(path)
        assert page.status_code == (409 if path.endswith(refused) else 200), path
        names = sorted(set(NAME_RE.findall(page.get_data(as_text=True)))
                       - {"csrf_token", "locale", "next", "q"})
        for ending, fields in crafted.items():
            if path.endswith(ending):
                names = names or fields
        assert names, path
        for value in NASTY:
            response = post(client, path, {name: value for name in names})
            assert response.status_code < 500, (path, value[:20])
        response = post(client, path, {name: ["1", "2"] for name in names})
        assert response.status_code < 500, path
    for path in ["/companies/", f"/companies/{company.id}"]:
        for value in NASTY:
            # A date that is not one is an error, never silently today.
            assert client.get(path, query_string={"on": value}).status_code == (
                400 if value else 200)

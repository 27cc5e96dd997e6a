"""A form is offered only when its action is possible (issue 9 point 6): for each state-changing
route whose record tests/test_permission_before_state.py puts in a state that refuses it
(`STATES`, `REFUSING_AS_BUILT`), the pages of that record, rendered for whoever may act, offer
no way to it: no form posting to it, no button's formaction, no link to its form page.

The record's pages are each shorter address of the route (/payments/5/reverse -> /payments/5),
the pages of each record its address names and the project's page. A record's pages are found
from the app: every page (a GET route) whose one argument is that record's id; `PAGES` adds those
found otherwise (a page of the record that holds it, a page taking two ids, a page with a form
of its own), by the world's names of ids. A page taking ids that is in neither (nor a file,
`NOT_PAGES`) fails `test_every_page_of_a_record_is_surveyed`, so a new page is not missed.
Whether the state refuses the action is asked of the app, not assumed: who
may act is shown to be refused there by tests/test_permission_before_state.py (a route not in
its `DOER_UNPROVEN`); a route whose refusal is not shown there but has a form page of its own
is asked that page, which answers the form (200) only when the action is possible. A route
refused by something other than its record's state is left out with the reason
(`NOT_BY_STATE`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests import test_permission_before_state as refusing
from tests.conftest import shared_data
from tests.factories import _commit
from tests.test_access_matrix import ACCESS, parse
from tests.world import ARGUMENT_OF, People, World, build, rules, signed_in_people, url_for_rule
from tracker import db
from tracker.companies.models import CompanyExit, ShareEntry
from tracker.gates.decision_models import GateDecision
from tracker.incentives.models import OptionExercise
from tracker.milestones.models import Rebaseline

# What offers an action: a form posting to it, a button's formaction, or a link to its page.
OFFER = re.compile(r'\b(action|formaction|href)="([^"?#]*)')

# Ids of the records that hold others (read once, when the world is built).
HOLDERS = {"exit_company_id": (CompanyExit, "exit_id", "company_id"),
           "entry_company_id": (ShareEntry, "share_entry_id", "company_id"),
           "exercise_grant_id": (OptionExercise, "exercise_id", "grant_id"),
           "decision_review_id": (GateDecision, "decision_id", "review_id"),
           "rebaseline_milestone_id": (Rebaseline, "rebaseline_id", "milestone_id")}

# The pages that show a record found otherwise than by its id alone, by the world's name of its
# id (tests/world.py), filled in from the world's ids.
FUNDING = ("/projects/{invested_id}", "/projects/{invested_id}/funding")
CONTRACT = ("/contracts/{contract_id}",)
COMPANY = ("/companies/{company_id}",)
RIGHT = ("/ip-rights/{right_id}",)
TRANSFER = ("/transfers/{transfer_id}",)
PM_RECORD = ("/pms/{record_id}",)
PAGES: dict[str, tuple[str, ...]] = {
    # A project's pages with a form of their own (found pages are GET routes of no action).
    "project_id": ("/projects/{project_id}/spending", "/projects/{project_id}/documents"),
    "rebaseline_id": ("/milestones/{rebaseline_milestone_id}",),
    "update_id": ("/milestones/{milestone_id}",),
    "instalment_id": CONTRACT, "payment_id": CONTRACT,
    "exit_id": ("/companies/{exit_company_id}",),
    "share_entry_id": ("/companies/{entry_company_id}",),
    "ip_deal_id": COMPANY, "round_id": COMPANY,
    "exercise_id": ("/incentives/grants/{exercise_grant_id}",),
    "annuity_id": RIGHT, "receipt_id": TRANSFER, "report_id": TRANSFER,
    "decision_id": ("/reviews/{decision_review_id}",),
    "evidence_entry_id": ("/assessment/{year}/institutes/{institute_id}",),
    "year": ("/assessment/{year}/funding", "/assessment/"),
    "message_id": ("/admin/reminders/",),
    "token_id": ("/account/tokens",),
    "centre_payment_id": ("/centres/{centre_id}",),
    "centre_agreement_id": ("/centres/{centre_id}",),
    "partner_agreement_id": ("/partners/{partner_id}",),
    "interview_id": PM_RECORD,
    **dict.fromkeys(("invested_id", "agreement_id", "tranche_id", "disbursement_id",
                     "conversion_id", "co_funder_id", "co_funder_payment_id"), FUNDING),
}

# Routes taking ids that answer no page to survey: files, and pages of no record's state.
NOT_PAGES = {
    "projects.download": "a file", "imports.errors": "a CSV file of the run's errors",
    "imports.template": "a file to fill in", "reminders.feed": "a calendar feed",
    "assessment.evidence_file": "a file", "static": "the app's own files",
    "audit.history": "the history of any record: what happened, no form",
    "transfers.statement": "a contributor's income statement across deals: no form",
    "transfers.named_statement": "a contributor's income statement across deals: no form",
    "assessment.drill_down": "an indicator's figures and evidence, read only: the evidence's "
                             "forms are on the institute's page (`PAGES`)",
}

# Routes the table lists as refused as built by something other than their record's state.
NOT_BY_STATE = {
    "gates.correct": "the world's decision is in force and its project where it led it: the "
                     "409 the table hears is the review's version, which an empty form does "
                     "not send (the review's page offers the correction rightly; a project "
                     "moved on is tested in tests/gates/test_corrections.py)",
    "incentives.edit": "a grant whose holder left refuses a new schedule, lock-up or window "
                       "(the leaving fixed them) but takes the rest of its correction (its "
                       "note): the correction form is rightly offered",
}

_world = refusing._world


@pytest.fixture(scope="module")
def world(app, module_connection) -> World:
    with shared_data(app, module_connection):
        built = build()
        for name, (model, key, attribute) in HOLDERS.items():
            built.ids[name] = getattr(db.session.get(model, built.ids[key]), attribute)
    _world.ids, _world.people = built.ids, built.people
    return built


@pytest.fixture(scope="module")
def people(app, module_connection, world) -> Iterator[People]:
    with signed_in_people(app, module_connection, world) as people:
        yield people


def _page_rules(app) -> list:
    """Every page taking ids: a GET route of no action (an action's form is its own page),
    outside the API and `NOT_PAGES`."""
    return [rule for endpoint, rule in rules(app).items()
            if "GET" in rule.methods and "POST" not in rule.methods and rule.arguments
            and endpoint not in NOT_PAGES and not rule.rule.startswith("/api/")]


def _template(rule) -> str:
    """The rule's address with each argument as the world's name of its id: `{contract_id}`."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>",
                  lambda m: "{" + ARGUMENT_OF.get((rule.endpoint, m[1]), m[1]) + "}", rule.rule)


def _found_pages(app) -> dict[str, list[str]]:
    """The pages of each record found from the app: those whose one argument is its id."""
    found: dict[str, list[str]] = {}
    for rule in _page_rules(app):
        if len(rule.arguments) == 1:
            [name] = rule.arguments
            found.setdefault(ARGUMENT_OF.get((rule.endpoint, name), name), []).append(
                _template(rule))
    return found


def _pages(app, rule, ids: dict) -> list[str]:
    """The pages of the route's record: each shorter address of the route, the pages of each
    record its address names (found, and `PAGES`), and the project's."""
    path = url_for_rule(rule, World(ids=ids))
    parts = path.strip("/").split("/")
    pages = ["/" + "/".join(parts[:n]) for n in range(len(parts) - 1, 0, -1)]
    found = _found_pages(app)
    for name in rule.arguments:
        key = ARGUMENT_OF.get((rule.endpoint, name), name)
        if rule.endpoint.startswith("companies.") and key == "entry_id":
            key = "share_entry_id"
        pages += [page.format(**ids) for page in (*found.get(key, ()), *PAGES.get(key, ()))]
    return list(dict.fromkeys([*pages, f"/projects/{ids['project_id']}"]))


@pytest.mark.no_db
def test_every_page_of_a_record_is_surveyed(app):
    """A page taking ids is found from its one id, or listed in `PAGES` (or `NOT_PAGES`): a
    page added for a record is surveyed without a line, or the test says where it goes."""
    listed = {page for pages in PAGES.values() for page in pages}
    missed = [rule.endpoint for rule in _page_rules(app)
              if len(rule.arguments) > 1 and _template(rule) not in listed]
    assert missed == []


def _offered(people: People, who: str, path: str, pages: list[str]) -> list[str]:
    """The pages, of those `who` may read, that offer `path`: a link to one of the record's
    own pages (a tab) is not an offer of its form."""
    found = []
    for page in pages:
        answer = people.request(who, "GET", page)
        if answer.status_code != 200:
            continue
        for kind, target in OFFER.findall(answer.get_data(as_text=True)):
            if target == path and (kind != "href" or path not in pages):
                found.append(page)
                break
    return found


def _doers(endpoint: str, path: str) -> list[str]:
    answers = parse(ACCESS[endpoint]["POST"], path.startswith("/api/"))
    return [who for who, answer in answers.items()
            if answer == "ok" and who in refusing.DOERS.get(endpoint, {who})]


@pytest.mark.parametrize("endpoint", sorted({*refusing.REFUSING_AS_BUILT, *refusing.STATES}
                                             - set(NOT_BY_STATE)))
def test_a_record_in_a_state_that_refuses_an_action_offers_no_form_for_it(app, world, people,
                                                                           endpoint):
    rule = rules(app)[endpoint]
    if rule.rule.startswith("/api/"):
        pytest.skip("the API offers no forms")
    made = refusing.STATES.get(endpoint, lambda: None)()
    ids = {**world.ids, **(made if isinstance(made, dict) else {})}
    _commit()
    path = url_for_rule(rule, World(ids=ids))
    pages = _pages(app, rule, ids)
    wrong = {}
    unproven = refusing.DOER_UNPROVEN.get(endpoint)
    for who in _doers(endpoint, path):
        if unproven and ("GET" not in rule.methods  # its form page says if it may act now
                         or people.request(who, "GET", path).status_code == 200):
            continue
        if offered := _offered(people, who, path, pages):
            wrong[who] = offered
    assert not wrong, f"{path} is refused in this state but offered on {wrong}"

"""Who gets what: every route of the app, for nobody signed in and for each kind of person, by GET
and by POST, against the answer the permission code gives (issue #18, point 2).

The table below (`ACCESS`) is written from the rules (`requires(...)` on the view, the model's
`can_<verb>` predicates, load-or-404), not recorded from the app. A POST is sent with its CSRF
token and no fields: "ok" means the request reached the action (its form refused as empty, 400;
the action refused in the object's state, 409; done, a redirect; or a page), as opposed to being
turned away (403), told the thing is not there for them (404) or sent to sign in. Each request
runs in a savepoint rolled back after it, so every answer is to the same world
(tests/world.py). A route without a line in the table fails `test_every_route_has_a_line`.

The same walk counts every page's statements (issue 21 point 1, at the end): each GET route is
asked once by each person (`walked`), for the table and as the world before it grows; and its
pages are those the walk of every list for its files reads (tests/export/every_list.py, whose
tests this module runs).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import NamedTuple

import pytest
from flask import Flask
from werkzeug.routing import IntegerConverter

from tests.conftest import shared_data
from tests.export.every_list import (  # noqa: F401  (its tests, run here on this module's walk)
    main_of,
    test_a_list_exports_what_it_shows_to_whoever_reads_it,
    test_a_list_s_file_links_keep_the_page_s_filters,
    test_a_page_with_a_table_is_a_list_or_says_why,
    test_the_catalogues_name_only_pages_there_are,
    test_the_walk_has_a_test_for_every_page_of_the_app,
)
from tests.source import TRACKER, modules, nodes
from tests.test_query_counts import counting, grown
from tests.world import (
    PEOPLE,
    SUBJECTS,
    People,
    World,
    build,
    classify,
    rules,
    signed_in_people,
    url_for_rule,
)
from tests.world_growth import grow
from tracker import db
from tracker.accounts.models import User
from tracker.web import health

OK = {"200", "redirect", "400", "409"}  # reached the action
# An enterprise's contact is a limited account (tracker/accounts/walls.py): "all" leaves them
# out, and a line that does not name them expects the wall's answer, 403 (to the API, where
# they have no token: nobody's answer).
WALLED = "contact"
GROUPS = {
    "all": set(PEOPLE) - {WALLED},
    "hq": {"admin", "committee", "observer"},
    "evaluators": {"panelist", "evaluator"},
    "directors": {"director", "other_director"},
    "pms": {"pm", "other_pm"},
}

def _expand(names: str) -> list[str]:
    return [n for name in names.split() for n in sorted(GROUPS.get(name, {name}))]


def parse(spec: str, api: bool) -> dict[str, str]:
    """'pm director hq: 200; *: 404' -> the answer of each subject."""
    answers: dict[str, str] = {}
    rest = None
    for part in filter(None, (p.strip() for p in spec.split(";"))):
        who, answer = (s.strip() for s in part.split(":"))
        for name in who.split():
            if name == "*":
                rest = answer
            for subject in GROUPS.get(name, {name}) if name != "*" else ():
                assert subject in SUBJECTS, f"unknown subject {name!r} in {spec!r}"
                answers.setdefault(subject, answer)
    for subject in SUBJECTS:
        if subject == WALLED and subject not in answers:
            answers[subject] = answers["anon"] if api else "403"
        if subject not in answers:
            if subject == "anon":
                answers[subject] = "401" if api else "login"
            else:
                assert rest is not None, f"{spec!r} says nothing of {subject}"
                answers[subject] = rest
    return answers


def matches(expected: str, got: str) -> bool:
    return got in OK if expected == "ok" else got == expected


# --- the table ---------------------------------------------------------------------------------

# Who sees the project of the world (tests/world.py): its PM, its institute's director and the
# HQ-wide roles (`Project.can_view`); the panelist sat on its gate 1, decided since, and keeps
# only that review's record. The proposal under review (`review_id`) is seen by the panelist,
# who declared; the evaluator sits on no panel. "Others" below are the rest of the people.
SEES = "pm director hq"
OTHERS_404 = "*: 404"
ADMIN_ONLY = "admin: 200; *: 403"  # requires(User.is_hq_admin) and the like
ADMIN_POSTS = "admin: ok; *: 403"
# A page of the project: 404 to whoever may not see it (load_project), 403 to those who see it
# but may not act, the action reached for those who may.
def on_project(acting: str, seeing: str = SEES) -> str:
    doers = set(_expand(acting))
    seers = set(_expand(seeing)) - doers
    parts = [f"{' '.join(sorted(doers))}: ok"]
    if seers:
        parts.append(f"{' '.join(sorted(seers))}: 403")
    return "; ".join([*parts, "*: 404"])


# A page whose who is a rule of the user alone (`requires(rule)`, asked before its record is
# loaded): 403 to everyone the rule refuses, whether they see the record or not.
def ruled(acting: str, get: str | None = "200") -> dict[str, str]:
    return {**({"GET": f"{acting}: {get}; *: 403"} if get else {}),
            "POST": f"{acting}: ok; *: 403"}


ACCESS: dict[str, dict[str, str]] = {
    # --- signing in and one's own account: anyone signed in, for themselves ---------------
    "auth.login": {"GET": "anon: 200; all contact: redirect",
                   "POST": "anon: ok; all contact: redirect"},
    "auth.logout": {"POST": "all contact: login"},  # signed out, back to the sign-in page
    "auth.account": {"GET": "all contact: 200", "POST": "all contact: ok"},
    # No sign-in waiting for a second step: back to the first (mfa.code, _pending_user).
    "mfa.code": {"GET": "anon: login; all contact: login",
                 "POST": "anon: login; all contact: login"},
    "mfa.text_code": {"POST": "anon: login; all: login"},
    "mfa.setup": {"GET": "all: 200", "POST": "all: ok"},
    "mfa.disable": {"POST": "all: ok"},  # refused (409) where the roles require it
    "mfa.recovery_codes": {"POST": "all: ok"},
    "tokens.mine": {"GET": "all: 200", "POST": "all: ok"},
    "tokens.revoke": {"POST": "pm admin: ok; *: 404"},  # the PM's token: theirs, or HQ's
    "tokens.every": {"GET": ADMIN_ONLY},  # AccessToken.can_list_all
    "notifications.inbox": {"GET": "all: 200"},
    "notifications.settings": {"GET": "all: 200", "POST": "all: ok"},
    "notifications.read_all": {"POST": "all: ok"},
    "notifications.read_one": {"POST": "pm: ok; *: 404"},  # a notice to the PM: theirs alone
    "reminders.preferences": {"GET": "all: 200", "POST": "all: ok"},
    "reminders.regenerate_feed": {"POST": "all: ok"},
    "reminders.revoke_feed": {"POST": "all: ok"},
    "reminders.feed": {"GET": "anon: 200; all: 200"},  # the secret in the address is the key
    "web.set_language": {"POST": "anon: redirect; all contact: redirect"},
    "web.home": {"GET": "all: 200; contact: redirect"},  # the contact's: their needs
    "web.healthz": {"GET": "anon: 200; all contact: 200"},
    "static": {"GET": "anon: 200; all contact: 200"},
    "api_docs.docs": {"GET": "anon: 200; all: 200"},
    # Features the test configuration leaves off (no SMS gateway, no identity service, no
    # metrics token): their pages are not there for anyone.
    **{endpoint: {method: "anon: 404; all: 404" for method in methods}
       for endpoint, methods in {
           "phones.phone": ["GET"], "phones.bind": ["POST"], "phones.unbind": ["POST"],
           "phones.send_binding_code": ["POST"], "phones.sms_sign_in": ["POST"],
           "phones.forgot_password": ["GET", "POST"], "phones.reset_password": ["GET", "POST"],
           "sso.cas_start": ["GET"], "sso.cas_callback": ["GET"], "sso.oidc_start": ["GET"],
           "sso.oidc_callback": ["GET"], "sso.ldap_login": ["GET", "POST"]}.items()},
    "metrics.scrape": {"GET": "anon: 404; all contact: 404"},  # for machines: past the walls

    # --- HQ administration: User.is_hq_admin (and its synonyms) ---------------------------
    "users.list_users": {"GET": ADMIN_ONLY},
    "users.new_user": {"GET": ADMIN_ONLY, "POST": ADMIN_POSTS},
    "users.edit_user": {"GET": ADMIN_ONLY, "POST": ADMIN_POSTS},
    "users.reset_mfa": {"POST": ADMIN_POSTS},
    "users.reset_password": {"POST": ADMIN_POSTS},
    "settings.edit": {"GET": ADMIN_ONLY, "POST": ADMIN_POSTS},
    "gate_admin.list_templates": {"GET": ADMIN_ONLY},
    "budget_admin.list_templates": {"GET": ADMIN_ONLY},  # BudgetTemplate.can_configure
    "budget_admin.new_template": {"GET": ADMIN_ONLY, "POST": ADMIN_POSTS},
    "budget_admin.edit_template": {"GET": ADMIN_ONLY, "POST": ADMIN_POSTS},
    "gate_admin.edit_template": {"GET": ADMIN_ONLY, "POST": ADMIN_POSTS},
    "imports.upload": {"GET": ADMIN_ONLY, "POST": ADMIN_POSTS},
    "jobs.index": {"GET": ADMIN_ONLY},
    "imports.show": {"GET": ADMIN_ONLY},
    "imports.errors": {"GET": ADMIN_ONLY},
    "imports.template": {"GET": ADMIN_ONLY},
    "imports.cancel": {"POST": ADMIN_POSTS},
    "imports.import_checked": {"POST": ADMIN_POSTS},
    "reminders.calendar": {"GET": ADMIN_ONLY, "POST": ADMIN_POSTS},
    "reminders.remove_day": {"POST": ADMIN_POSTS},
    "reminders.complete_year": {"POST": ADMIN_POSTS},
    "reminders.outbox": {"GET": ADMIN_ONLY},
    "reminders.retry": {"POST": ADMIN_POSTS},
    "reminders.retry_failed": {"POST": ADMIN_POSTS},
    "reminders.ladders": {"GET": "admin: redirect; *: 403"},  # moved to the settings page
    "audit.trail": {"GET": "admin observer: 200; *: 403"},  # AuditRecord.can_list
    # The project's history: whoever sees the project.
    "audit.history": {"GET": f"{SEES}: 200; {OTHERS_404}"},

    # --- reference data: everyone reads, HQ admins edit ----------------------------------
    "organisations.institutes": {"GET": "all: 200"},
    "organisations.institute": {"GET": "all: 200"},
    "organisations.new_institute": {"GET": ADMIN_ONLY, "POST": ADMIN_POSTS},
    "organisations.edit_institute": {"GET": ADMIN_ONLY, "POST": ADMIN_POSTS},
    "organisations.enterprises": {"GET": "all: 200"},
    "organisations.enterprise": {"GET": "all: 200"},
    "organisations.new_enterprise": {"GET": ADMIN_ONLY, "POST": ADMIN_POSTS},
    "organisations.edit_enterprise": {"GET": ADMIN_ONLY, "POST": ADMIN_POSTS},
    "organisations.centres": {"GET": "all: 200"},
    "organisations.centre": {"GET": "all: 200"},
    "organisations.new_centre": {"GET": ADMIN_ONLY, "POST": ADMIN_POSTS},
    "organisations.edit_centre": {"GET": ADMIN_ONLY, "POST": ADMIN_POSTS},
    # A centre's agreement and figures (CentreAgreement.can_see: HQ-wide roles; can_record:
    # HQ admins).
    "centres.overview": {"GET": "hq: 200; *: 403"},
    # The project-manager register (tracker/pms): HQ admins change it; the HQ-wide roles see
    # every record, a director their institutes' (the list; the record of another institute's
    # PM is not there for them: 404), the PM their own record only.
    "pms.register": {"GET": "hq directors: 200; *: 403"},
    "pms.new": {"GET": ADMIN_ONLY, "POST": ADMIN_POSTS},
    "pms.show": {"GET": "pm director hq: 200; *: 404"},
    "pms.edit": {"GET": ADMIN_ONLY, "POST": ADMIN_POSTS},
    "pms.step": {"GET": ADMIN_ONLY, "POST": ADMIN_POSTS},
    "pms.new_team": {"GET": ADMIN_ONLY, "POST": ADMIN_POSTS},
    # PmInterview.can_correct / can_withdraw: HQ admins (the world's PM is appointed: 409).
    **{endpoint: {"GET": "admin: ok; pm director committee observer: 403; *: 404",
                  "POST": "admin: ok; pm director committee observer: 403; *: 404"}
       for endpoint in ("pms.correct_interview", "pms.withdraw_interview")},
    "pms.edit_team": {"GET": ADMIN_ONLY, "POST": ADMIN_POSTS},
    "centres.new_agreement": {"GET": ADMIN_ONLY, "POST": ADMIN_POSTS},
    "centres.edit_agreement": {"GET": ADMIN_ONLY, "POST": ADMIN_POSTS},
    "centres.new_payment": {"GET": ADMIN_ONLY, "POST": ADMIN_POSTS},
    "centres.reverse_payment": {"GET": ADMIN_ONLY, "POST": ADMIN_POSTS},
    # Needs: listed for HQ, directors and PMs (TechnologyNeed.can_list); one matched to our
    # institute is seen by HQ and that institute's people (visible_to).
    # The enterprise's contact lists and sees its needs; the other PM, the centre's liaison,
    # sees the centre's (none is the world's need).
    "organisations.needs": {"GET": "hq directors pms contact: 200; *: 403"},
    "organisations.need": {"GET": f"{SEES} contact: 200; {OTHERS_404}"},
    # A need's intake: its enterprise's contact, a centre's liaison (TechnologyNeed.can_submit).
    "needs.submit_need": {"GET": "contact other_pm: 200; *: 403",
                          "POST": "contact other_pm: ok; *: 403"},
    # HQ's work on the world's need, matched to our institute (TechnologyNeed.can_edit).
    **{endpoint: {"POST": f"admin: ok; pm director committee observer: 403; {OTHERS_404}"}
       for endpoint in ("needs.analyse", "needs.propose", "needs.match", "needs.make_project",
                        "needs.move")},
    "organisations.new_need": {"GET": ADMIN_ONLY, "POST": ADMIN_POSTS},
    "organisations.edit_need": {"GET": f"admin: 200; pm director committee observer: 403; "
                                       f"{OTHERS_404}",
                                "POST": f"admin: ok; pm director committee observer: 403; "
                                        f"{OTHERS_404}"},

    # --- portfolio pages -------------------------------------------------------------------
    "projects.list_projects": {"GET": "all: 200"},  # each sees the projects they may see
    "projects.new": {"GET": "pms: 200; *: 403", "POST": "pms: ok; *: 403"},  # can_create
    "reports.show": {"GET": "hq directors: 200; *: 403"},  # Project.can_view_dashboard
    "reports.annual": {"GET": "hq directors: 200; *: 403"},
    "gates.awaiting": {"GET": "hq directors: 200; *: 403"},  # GateReview.can_list_awaiting
    "gates.my_reviews": {"GET": "evaluators: 200; *: 403"},  # GateReview.can_list_own
    "milestones.overdue_list": {"GET": "hq directors pms: 200; *: 403"},
    "contracts.report": {"GET": "hq directors pms: 200; *: 403"},  # ResearchContract.can_list
    "contracts.registered": {"GET": "hq directors pms: 200; *: 403"},
    "funding.agreements": {"GET": "hq directors: 200; *: 403"},  # FundingAgreement.can_list
    "spending.across": {"GET": "hq directors: 200; *: 403"},  # SpendingEntry.can_list
    "companies.portfolio": {"GET": "hq directors pms: 200; *: 403"},  # Company.can_list

    # --- the project and what hangs on it -------------------------------------------------
    "projects.show": {"GET": f"{SEES}: 200; {OTHERS_404}"},
    "changes.project": {"GET": f"{SEES}: 200; {OTHERS_404}"},
    # A submission at the institute (tracker/approvals): seen by whoever sees its project
    # (and its signers); signed by the director it waits for (ApprovalRequest.step_for),
    # withdrawn by its applicant, the PM (ApprovalRequest.can_withdraw).
    "approvals.show": {"GET": f"{SEES}: 200; {OTHERS_404}"},
    "approvals.sign": {"POST": on_project("director")},
    "approvals.withdraw": {"POST": on_project("pm")},
    # Posted by those asked to sign: directors, and the committee member HQ's level names.
    "approvals.delegations": {"GET": "all: 200",
                              "POST": "director other_director committee: ok; *: 403"},
    # The director's delegation to the other director: ended by the director or HQ
    # (ApprovalDelegation.can_cancel), refused to its delegate, not there for anyone else.
    "approvals.end_delegation": {"POST": "director admin: ok; other_director: 403; *: 404"},
    "approvals.levels": {"GET": ADMIN_ONLY, "POST": ADMIN_POSTS},  # ApprovalLevel.can_configure
    "approvals.move_level": {"POST": ADMIN_POSTS},
    "approvals.remove_level": {"POST": ADMIN_POSTS},
    "spending.project": {"GET": f"{SEES}: 200; {OTHERS_404}",
                         "POST": on_project("pm")},  # SpendingEntry.can_record
    "funding.show": {"GET": f"{SEES}: 200; {OTHERS_404}"},  # FundingAgreement.can_see
    # Reports owed to funders (tracker/obligations): the list, HQ-wide roles, directors and
    # PMs (their projects', ReportObligation.can_list); the agreement's progress report, seen
    # by who sees the agreement, added, corrected, cancelled and restored by the committee and
    # HQ admins (can_add, can_manage, holds_terms: restoring one not cancelled is a 409),
    # submitted by the PM and HQ admins (can_submit); a contract's, added by whoever records
    # the contract.
    "obligations.index": {"GET": "hq directors pms: 200; *: 403"},
    "obligations.show": {"GET": f"{SEES}: 200; {OTHERS_404}"},
    "obligations.new_for_agreement": {
        "GET": f"admin committee: 200; {on_project('admin committee')}",
        "POST": on_project("admin committee")},
    "obligations.new_for_contract": {"GET": f"pm admin: 200; {on_project('pm admin')}",
                                     "POST": on_project("pm admin")},
    "obligations.edit": {"GET": f"admin committee: 200; {on_project('admin committee')}",
                         "POST": on_project("admin committee")},
    "obligations.withdraw": {"POST": on_project("admin committee")},
    "obligations.restore": {"POST": on_project("admin committee")},
    "obligations.submit_report": {"POST": on_project("pm admin")},
    # The PM edits a proposal (can_edit_proposal); of a project under way they are refused by
    # its state (409: changes go through a change request), the others by their roles.
    "projects.edit": {"GET": on_project("pm"), "POST": on_project("pm")},
    "projects.submit_proposal": {"POST": on_project("pm")},  # 409 for the PM: submitted
    "projects.withdraw": {"POST": on_project("pm admin")},  # 409: not a draft
    "projects.request_gate": {"POST": on_project("pm")},
    "projects.upload_deliverable": {"POST": on_project("pm")},  # can_prepare
    "projects.record_trl": {"POST": on_project("pm")},  # can_manage_plan
    # TrlRecord.can_correct / can_withdraw: the PM who runs the project (nothing decided since).
    **{endpoint: {"GET": f"pm: 200; {on_project('pm')}", "POST": on_project("pm")}
       for endpoint in ("trl.correct", "trl.withdraw")},
    # Deliverable.can_correct: the project's PM (until its gate's review is requested).
    "gates.correct_deliverable": {"GET": f"pm: 200; {on_project('pm')}",
                                  "POST": on_project("pm")},
    "projects.resume": {"POST": on_project("admin")},  # Project.can_decide_hold
    "projects.terminate": {"POST": on_project("admin")},
    "changes.change": {"POST": on_project("pm")},  # the PM asks; HQ decides
    "changes.show": {"GET": f"{SEES}: 200; {OTHERS_404}"},
    # Official documents of the project: read by whoever sees it, issued by HQ admins
    # (documents.models.may_issue); the approval notice of its gate 1 is offered.
    "documents.project": {"GET": f"{SEES}: 200; {OTHERS_404}", "POST": on_project("admin")},
    "documents.templates": {"GET": ADMIN_ONLY},  # DocumentTemplate.can_edit
    # The expert pool is HQ's (Expert.can_manage).
    "experts.index": {"GET": ADMIN_ONLY},
    "experts.show": {"GET": ADMIN_ONLY},
    "experts.new": {"GET": ADMIN_ONLY, "POST": ADMIN_POSTS},
    "experts.edit": {"GET": ADMIN_ONLY, "POST": ADMIN_POSTS},
    "experts.account": {"POST": ADMIN_POSTS},
    # HQ's list of technical fields (TechnicalField.can_edit).
    "techfields.index": {"GET": ADMIN_ONLY},
    "techfields.new": {"GET": ADMIN_ONLY, "POST": ADMIN_POSTS},
    "techfields.edit": {"GET": ADMIN_ONLY, "POST": ADMIN_POSTS},
    "regions.index": {"GET": ADMIN_ONLY},
    "regions.new": {"GET": ADMIN_ONLY, "POST": ADMIN_POSTS},
    "regions.edit": {"GET": ADMIN_ONLY, "POST": ADMIN_POSTS},
    "regions.delete": {"POST": ADMIN_POSTS},
    "documents.edit_template": {"GET": ADMIN_ONLY, "POST": ADMIN_POSTS},
    # The achievement and IP register (tracker/achievements): listed for HQ-wide roles,
    # directors and PMs (Achievement.can_list); an achievement and its rights are seen by whoever
    # sees its project and by its contributors (can_view), kept by the project's PM and HQ
    # admins (can_manage).
    "achievements.index": {"GET": "hq directors pms: 200; *: 403"},
    # Late duties under licences and patents: the same people, each the rows they may see.
    "duties.late": {"GET": "hq directors pms: 200; *: 403"},
    "achievements.show": {"GET": f"{SEES}: 200; {OTHERS_404}"},
    "achievements.right": {"GET": f"{SEES}: 200; {OTHERS_404}"},
    **{endpoint: {"GET": f"pm admin: 200; {on_project('pm admin')}",
                  "POST": on_project("pm admin")}
       for endpoint in ("achievements.new", "achievements.edit", "achievements.new_right",
                        "achievements.edit_right")},
    # Transfers and licences of the achievement: seen with it (Transfer.can_view), recorded
    # by HQ admins and the committee (Transfer.can_manage). A contributor's income statement
    # (the PM's): theirs and the HQ-wide roles' (IncomeShare.can_read_statement), not there for
    # anyone else, their director and other PMs included.
    "transfers.show": {"GET": f"{SEES}: 200; {OTHERS_404}"},
    # Every deal across the portfolio: the HQ-wide roles, and directors their institutes'
    # (Transfer.can_list, as the funding list).
    "transfers.index": {"GET": "hq directors: 200; *: 403"},
    **{endpoint: ruled("admin committee") for endpoint in ("transfers.new", "transfers.edit")},
    "transfers.report": ruled("admin committee", get=None),
    "transfers.income": ruled("admin committee", get=None),
    # A receipt or a report recorded by mistake, reversed by whoever records them.
    **{endpoint: {"GET": f"admin committee: 200; {on_project('admin committee')}",
                  "POST": on_project("admin committee")}
       for endpoint in ("transfers.reverse_income", "transfers.reverse_report")},
    # A deal recorded by mistake, voided by whoever records them (the world's deal has
    # income standing: 409 naming it).
    "transfers.void": {"GET": on_project("admin committee"),
                       "POST": on_project("admin committee")},
    "transfers.statement": {"GET": "pm hq: 200; *: 404"},
    # The statement of the colleague named as written (no account): HQ's to print for them.
    "transfers.named_statement": {"GET": "hq: 200; *: 404"},
    "achievements.add_annuity": {"POST": on_project("pm admin")},
    "achievements.pay_annuity": {"POST": on_project("pm admin")},
    # An unpaid annuity corrected, a payment reversed (the world's annuity is unpaid: 409).
    "achievements.edit_annuity": {"GET": f"pm admin: 200; {on_project('pm admin')}",
                                  "POST": on_project("pm admin")},
    "achievements.reverse_annuity": {"GET": on_project("pm admin"),
                                     "POST": on_project("pm admin")},
    # Withdrawn or moved by whoever keeps the register (can_manage); the world's achievement
    # is licensed, so both answer 409 naming the deal; its right has no annuity paid.
    **{endpoint: {"GET": on_project("pm admin"), "POST": on_project("pm admin")}
       for endpoint in ("achievements.withdraw", "achievements.move")},
    "achievements.withdraw_right": {"GET": f"pm admin: 200; {on_project('pm admin')}",
                                    "POST": on_project("pm admin")},
    "changes.decide": {"POST": on_project("admin")},  # ChangeRequest.can_decide
    # A decision corrected by who decides (ChangeRequest.decides): the world's change waits
    # for HQ, so there is none to correct yet (409).
    "changes.correct": {"GET": f"admin: 409; {on_project('admin')}",
                        "POST": on_project("admin")},
    # The colleague's place: they or the director answer (ProjectMember.can_answer).
    "projects.answer_place": {"POST": on_project("director")},
    # The deliverable of the proposal under review: its viewers and the panelist who declared.
    "projects.download": {"GET": f"{SEES} panelist: 200; {OTHERS_404}"},
    "milestones.new": {"GET": f"pm: 200; {on_project('pm')}", "POST": on_project("pm")},
    # The submitted milestone: the panelist reviews it and sees it meanwhile (can_review).
    "milestones.show": {"GET": f"{SEES} panelist: 200; {OTHERS_404}"},
    # Its PM asks for the edit form or posts it while it is under review: 409 naming that.
    "milestones.edit": {"GET": f"pm: 409; {on_project('pm', SEES + ' panelist')}",
                        "POST": on_project("pm", SEES + " panelist")},  # 409: under review
    "milestones.rebaseline": {"POST": on_project("pm", SEES + " panelist")},
    "milestones.update": {"POST": on_project("pm", SEES + " panelist")},
    # ProgressUpdate.can_correct / can_withdraw: its author (the world's is under review: 409).
    **{endpoint: {"GET": on_project("pm", SEES + " panelist"),
                  "POST": on_project("pm", SEES + " panelist")}
       for endpoint in ("posts.correct", "posts.withdraw")},
    "milestones.submit_milestone": {"POST": on_project("pm", SEES + " panelist")},
    "milestones.review": {"POST": on_project("panelist", SEES + " panelist")},
    "milestones.assign": {"POST": on_project("admin", SEES + " panelist")},
    "milestones.waive": {"POST": on_project("admin", SEES + " panelist")},
    # The other milestone's move of its due date waits for HQ.
    "milestones.decide_rebaseline": {"POST": on_project("admin")},
    # HQ corrects its decision (Rebaseline.can_correct): the world's waits for one (409).
    "milestones.correct_rebaseline": {"GET": f"admin: 409; {on_project('admin')}",
                                      "POST": on_project("admin")},
    "contracts.show": {"GET": f"{SEES}: 200; {OTHERS_404}"},
    # ResearchContract.can_record: the PM and HQ admins.
    "contracts.new": {"GET": f"pm admin: 200; {on_project('pm admin')}",
                      "POST": on_project("pm admin")},
    "contracts.register": {"GET": f"pm admin: 200; {on_project('pm admin')}",
                           "POST": on_project("pm admin")},
    "contracts.edit": {"GET": f"pm admin: 200; {on_project('pm admin')}",
                       "POST": on_project("pm admin")},
    # Its schedule corrected by them too; removing the world's instalment (a payment stands
    # against it) and voiding its contract (the same payment) are refused, 409; so is a new
    # instalment, said before the form (the world's instalments ask for the whole value).
    "contracts.new_instalment": {"GET": f"pm admin: 409; {on_project('pm admin')}",
                                 "POST": on_project("pm admin")},
    "contracts.edit_instalment": {"GET": f"pm admin: 200; {on_project('pm admin')}",
                                  "POST": on_project("pm admin")},
    "contracts.remove_instalment": {"GET": on_project("pm admin"),
                                    "POST": on_project("pm admin")},
    "contracts.void": {"GET": on_project("pm admin"), "POST": on_project("pm admin")},
    "contracts.pay": {"POST": on_project("pm admin")},
    "contracts.reverse_payment": {"GET": f"pm admin: 200; {on_project('pm admin')}",
                                  "POST": on_project("pm admin")},
    "spending.reverse": {"GET": f"pm: 200; {on_project('pm')}", "POST": on_project("pm")},

    # --- gates -------------------------------------------------------------------------------
    # The proposal under review: its viewers and the panel (GateReview.can_view).
    "gates.review": {"GET": f"{SEES} panelist: 200; {OTHERS_404}"},
    "gates.panel": ruled("admin"),  # requires(GateReview.can_name_panel)
    "gates.declare": {"POST": on_project("panelist", SEES + " panelist")},  # 409: declared
    "gates.scores": {"POST": on_project("panelist", SEES + " panelist")},
    "gates.decide": {"POST": f"{SEES} panelist: 403; {OTHERS_404}"},  # the chair alone
    # An evaluator corrects their own declaration (the panelist's: 200) and submitted scores
    # (the panelist has none: 409) until the panel decides; those who see the review without
    # sitting on it may not (PanelMember.can_correct_declaration, can_correct_scores).
    "gates.correct_declaration": {"GET": f"panelist: 200; {on_project('panelist', SEES)}",
                                  "POST": on_project("panelist", SEES)},
    "gates.correct_scores": {"GET": f"panelist: 409; {on_project('panelist', SEES)}",
                             "POST": on_project("panelist", SEES)},
    # The decision at gate 1 of the project: its record stays the panelist's to read;
    # the chair or HQ corrects it (GateDecision.can_correct).
    "gates.correct": {"POST": on_project("admin", SEES + " panelist")},
    # The condition is the PM's to meet (Condition.can_mark_met), HQ's or the chair's to
    # confirm (can_confirm).
    "gates.condition_met": {"POST": on_project("pm")},
    "gates.condition_confirm": {"POST": on_project("admin")},

    # --- allocation-investment: the committee decides (FundingAgreement.can_decide) --------
    # Recording and paying: requires(FundingAgreement.can_decide) before the record is loaded.
    "funding.new_agreement": ruled("committee"),
    # The agreement's pages load the invested project (same viewers) first.
    # The world's agreement is converted: no tranche is added, said before the form (409).
    "funding.new_tranche": ruled("committee", get="409"),
    # The world's tranche is paid in part and its money converted: not payable, said before
    # the form (409).
    "funding.disburse": ruled("committee", get="409"),
    "funding.edit_agreement": {"GET": f"committee: 200; {on_project('committee')}",
                               "POST": on_project("committee")},
    # The world's tranche is paid and its money converted: no correction's form (409) until
    # the disbursement is reversed, nor of an outcome (the conversion is reversed instead).
    "funding.edit_tranche": {"GET": f"committee: 409; {on_project('committee')}",
                             "POST": on_project("committee")},
    "funding.edit_outcome": {"GET": f"committee: 409; {on_project('committee')}",
                             "POST": on_project("committee")},
    "funding.withdraw_outcome": {"GET": f"committee: 409; {on_project('committee')}",
                                 "POST": on_project("committee")},
    "funding.convert": ruled("committee"),
    # Converted: no outcome is recorded (409, said before the form).
    "funding.outcome": ruled("committee", get="409"),
    # requires(FundingAgreement.can_decide) before anything is loaded.
    "funding.reverse_conversion": {"GET": "committee: 200; *: 403",
                                   "POST": "committee: ok; *: 403"},
    # The world's disbursement was converted: its form is refused (409) until the conversion
    # is reversed, as sending it would be (tests/test_reverse_forms.py).
    "funding.reverse_disbursement": {"GET": "committee: 409; *: 403",
                                     "POST": "committee: ok; *: 403"},
    # Voids (tracker/funding/voids.py): requires(FundingAgreement.can_decide) first; the
    # world's agreement converted its tranche's money, so neither form is offered (409, saying
    # to reverse the conversion, the disbursement first).
    **{endpoint: {"GET": "committee: 409; *: 403", "POST": "committee: ok; *: 403"}
       for endpoint in ("funding.void_agreement", "funding.void_tranche")},
    # Partners: HQ-wide roles read them (Partner.can_list), HQ admins record them.
    "partners.index": {"GET": "hq: 200; *: 403"},
    "partners.show": {"GET": "hq: 200; *: 403"},
    "partners.new": {"GET": ADMIN_ONLY, "POST": ADMIN_POSTS},
    "partners.edit": {"GET": ADMIN_ONLY, "POST": ADMIN_POSTS},
    "partners.merge": {"GET": ADMIN_ONLY, "POST": ADMIN_POSTS},
    "partners.new_agreement": {"GET": ADMIN_ONLY, "POST": ADMIN_POSTS},
    "partners.edit_agreement": {"GET": ADMIN_ONLY, "POST": ADMIN_POSTS},
    # What a co-funder paid: HQ admins and the committee (CoFunder.can_record_payment), who
    # see every agreement.
    "co_funding.pay": {"GET": "admin committee: 200; *: 403",
                       "POST": "admin committee: ok; *: 403"},
    "co_funding.reverse": {"GET": "admin committee: 200; *: 403",
                           "POST": "admin committee: ok; *: 403"},

    # --- companies: seen with the invested project's funding (Company.can_view), managed by
    # HQ admins and the committee (Company.can_manage) -------------------------------------
    "companies.show": {"GET": f"{SEES}: 200; {OTHERS_404}"},
    "companies.new": {"GET": "admin committee: 200; *: 403", "POST": "admin committee: ok; *: 403"},
    # The company's forms: requires(Company.can_manage) before the company is loaded.
    **{endpoint: ruled("admin committee")
       for endpoint in ("companies.edit", "companies.incorporate", "companies.issue",
                        "companies.transfer", "companies.new_round", "companies.new_ip_deal",
                        "companies.record_exit")},
    # An IP deal's correction and void ask IpDeal.can_correct and can_void of the deal.
    **{endpoint: {"GET": f"admin committee: 200; {on_project('admin committee')}",
                  "POST": on_project("admin committee")}
       for endpoint in ("companies.edit_ip_deal", "companies.void_ip_deal")},
    # requires(Company.can_manage) before the record is loaded: 403 to everyone else.
    **{endpoint: {"GET": "admin committee: 200; *: 403", "POST": "admin committee: ok; *: 403"}
       for endpoint in ("companies.reverse_exit", "companies.record_paid")},
    # The world's first share entry priced the round after it: why not (409) before any form.
    "companies.reverse_entry": {"GET": "admin committee: 409; *: 403",
                                "POST": "admin committee: ok; *: 403"},
    # The world's founders' table has a round after it: why not (409) before any form.
    "companies.void_founders": {"GET": "admin committee: 409; *: 403",
                                "POST": "admin committee: ok; *: 403"},
    # The world's round had money converted at it: no form (409) until that is reversed.
    "companies.reverse_round": {"GET": "admin committee: 409; *: 403",
                                "POST": "admin committee: ok; *: 403"},
    # Company.can_detach; the world's company comes from one project: no form (409).
    "companies.detach": {"GET": "admin: 409; *: 403", "POST": ADMIN_POSTS},
    # Equity incentives: the company's page with its viewers; a grant's page also to its
    # holder (the other PM, who does not see the company), changed by the company's managers.
    "incentives.company": {"GET": f"{SEES}: 200; {OTHERS_404}"},
    # A grant's forms: requires(IncentiveGrant.can_manage) before anything is loaded.
    "incentives.new_grant": ruled("admin committee"),
    "incentives.show": {"GET": f"{SEES} other_pm: 200; {OTHERS_404}"},
    **{endpoint: ruled("admin committee")
       for endpoint in ("incentives.edit", "incentives.forfeit")},
    # The world's grant has nothing vested yet: no exercise form (409), its post refused.
    "incentives.exercise": ruled("admin committee", get="409"),
    # requires(Company.can_manage) before the record is loaded: 403 to everyone else. The
    # world's grant has no leaving to reverse: no form (409).
    "incentives.reverse_exercise": {"GET": "admin committee: 200; *: 403",
                                    "POST": "admin committee: ok; *: 403"},
    "incentives.reverse_leaving": {"GET": "admin committee: 409; *: 403",
                                   "POST": "admin committee: ok; *: 403"},

    # --- the yearly assessment: HQ-wide roles and directors (Indicator.can_list); our
    # institute's page for HQ and its own director (can_view_institute) ---------------------
    "assessment.index": {"GET": "hq directors: 200; *: 403"},
    "assessment.institute": {"GET": "hq director: 200; other_director: 404; *: 403"},
    "assessment.drill_down": {"GET": "hq director: 200; other_director: 404; *: 403"},
    "assessment.evidence_file": {"GET": "hq director: 200; other_director: 404; *: 403"},
    # Its own director enters evidence (EvidenceEntry.can_enter).
    "assessment.enter_evidence": {"POST": "director: ok; other_director: 404; *: 403"},
    "assessment.indicators": {"GET": ADMIN_ONLY, "POST": ADMIN_POSTS},
    "assessment.edit_indicator": {"GET": ADMIN_ONLY, "POST": ADMIN_POSTS},
    "assessment.review": {"GET": ADMIN_ONLY, "POST": ADMIN_POSTS},
    # EvidenceEntry.can_correct: the institute's director; can_withdraw: HQ admins too (an
    # entry they accepted: the world's awaits review, 409).
    "assessment.correct_evidence": {"GET": "director: 200; other_director: 404; *: 403",
                                    "POST": "director: ok; other_director: 404; *: 403"},
    "assessment.withdraw_evidence": {
        "GET": "director: 200; admin: ok; other_director: 404; *: 403",
        "POST": "director admin: ok; other_director: 404; *: 403"},
    "assessment.funding": {"GET": ADMIN_ONLY, "POST": ADMIN_POSTS},
    "assessment.approve": {"POST": ADMIN_POSTS},
    "assessment.publish": {"POST": ADMIN_POSTS},

    # --- the API: a personal access token, or 401; the same rules as the pages -------------
    "api.openapi": {"GET": "anon: 200; all: 200"},
    "api.me": {"GET": "all: 200"},
    "api.institutes": {"GET": "all: 200"},
    "api.enterprises": {"GET": "all: 200"},
    "api.centres": {"GET": "all: 200"},
    "api.needs": {"GET": "hq directors pms: 200; *: 403"},
    "api.projects": {"GET": "all: 200"},
    "api.project": {"GET": f"{SEES}: 200; {OTHERS_404}"},
    "api.project_milestones": {"GET": f"{SEES}: 200; {OTHERS_404}"},
    # The panelist keeps the record of the review they sat on.
    "api.project_reviews": {"GET": f"{SEES} panelist: 200; {OTHERS_404}"},
    "api.project_funding": {"GET": f"{SEES}: 200; {OTHERS_404}"},  # the invested project
    "api.milestone": {"GET": f"{SEES} panelist: 200; {OTHERS_404}"},
    "api.post_progress": {"POST": on_project("pm", SEES + " panelist")},  # 409: under review
    "api.submit_milestone": {"POST": on_project("pm", SEES + " panelist")},
    "api.overdue_milestones": {"GET": "hq directors pms: 200; *: 403"},
    "api.contracts": {"GET": "hq directors pms: 200; *: 403"},
    "api.contract": {"GET": f"{SEES}: 200; {OTHERS_404}"},
    "api.agreements": {"GET": "hq directors: 200; *: 403"},
    "api.companies": {"GET": "hq directors pms: 200; *: 403"},
    "api.cap_table": {"GET": f"{SEES}: 200; {OTHERS_404}"},
    "api.outbox": {"GET": ADMIN_ONLY},
}


# --- the machinery ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(app, module_connection) -> World:
    with shared_data(app, module_connection):
        return build()


@pytest.fixture(scope="module")
def people(app, module_connection, world) -> Iterator[People]:
    with signed_in_people(app, module_connection, world) as people:
        yield people


class Answer(NamedTuple):
    answer: str  # as the table writes it (`classify`)
    status: int
    statements: list[str]  # those the request ran, the harness's savepoints aside
    main: str | None = None  # a page's <main>, when kept: answered 200 in HTML


def ask(engine, people: People, who: str, path: str, keep: bool = False) -> Answer:
    """`who` GETs `path`, its statements counted (everything the module's session holds
    expired first, so that nothing it keeps hides a load a real request makes); `keep`: and
    the page's <main>, for the walk of every list for its files."""
    # /healthz lists the storage's files at most every five minutes a process: counted each
    # time, or a slow run (a loaded machine) counts it on one world and not the other.
    health.forget()
    db.session.expire_all()
    with counting(engine) as statements:
        response = people.request(who, "GET", path)
    page = keep and response.status_code == 200 and response.mimetype == "text/html"
    return Answer(classify(response), response.status_code,
                  [s for s in statements if "SAVEPOINT" not in s],
                  main_of(response.get_data(as_text=True)) if page else None)


@pytest.fixture(scope="module")
def walked(app, engine, module_connection, world, people) -> dict[str, tuple[str, dict]]:
    """Every GET route's address in the world and everyone's `Answer` to it, {endpoint:
    (path, {who: Answer})}, asked once for the module: the table's GETs
    (`test_who_gets_what`), the statements' steadiness (`test_every_page_runs_as_many_
    statements_on_more_data`) and the pages of the walk of every list for its files
    (tests/export/every_list.py) read the same requests. Each is rolled back, so every answer
    is to the world as built, whichever test reads it and whatever ran before."""
    with shared_data(app, module_connection):
        return {endpoint: (path, {who: ask(engine, people, who, path, keep=True)
                                  for who in SUBJECTS})
                for endpoint, rule in sorted(rules(app).items()) if "GET" in rule.methods
                for path in [url_for_rule(rule, world)]}


def missing_lines(app: Flask) -> list[str]:
    return sorted(set(rules(app)) - set(ACCESS))


def test_every_route_has_a_line(app):
    assert missing_lines(app) == []
    assert sorted(set(ACCESS) - set(rules(app))) == [], "lines for routes that are gone"


def test_a_new_route_without_a_line_fails_the_table():
    from tracker import create_app

    other = create_app("test", DATABASE_URL="sqlite://")
    other.add_url_rule("/projects/<int:project_id>/brand-new", "projects.brand_new",
                       lambda project_id: "")
    assert missing_lines(other) == ["projects.brand_new"]


ENDPOINTS = sorted(ACCESS) or ["(none)"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_who_gets_what(app, world, people, walked, endpoint):
    rule = rules(app)[endpoint]
    path = url_for_rule(rule, world)
    api = path.startswith("/api/")
    wrong = []
    for method in ("GET", "POST"):
        allowed = method in rule.methods
        spec = ACCESS[endpoint].get(method)
        assert (spec is not None) == allowed, f"{endpoint}: the table and the route on {method}"
        if not allowed:
            continue
        expected = parse(spec, api)
        for who in SUBJECTS:
            if method == "GET":  # asked once for the module (`walked`), on the same path
                asked, answers = walked[endpoint]
                assert asked == path
                got = answers[who].answer
            else:
                got = classify(people.request(who, method, path))
            if not matches(expected[who], got):
                wrong.append(f"{method} {path} as {who}: expected {expected[who]}, got {got}")
    assert wrong == []


MISSING = 987654321  # an id no record of the world has


def test_a_page_refused_by_its_rule_is_refused_whatever_the_id(app, world, people):
    """403 before 404: a page behind `requires(rule)` answers 403 to whom the rule refuses,
    also for an id that names nothing (tracker/web/permissions.py), so its answer tells them
    nothing of which records exist. Every such page with an id in its address, by GET and POST,
    for each signed-in person its rule refuses (the contact's wall answers 403 before it)."""
    pages = []
    for endpoint, rule in sorted(rules(app).items()):
        ints = {name for name, converter in rule._converters.items()
                if isinstance(converter, IntegerConverter)}
        check = getattr(app.view_functions[endpoint], "access_rule", None)
        if not ints or check is None or rule.rule.startswith("/api/"):
            continue
        path = url_for_rule(SimpleNamespace(
            endpoint=endpoint, arguments=rule.arguments - ints,
            rule=re.sub(rf"<int:({'|'.join(ints)})>", str(MISSING), rule.rule)), world)
        users = {who: db.session.get(User, world.people[who]) for who in PEOPLE if who != WALLED}
        refused = sorted(who for who, user in users.items() if not check(user))
        pages += [(method, path, who) for method in sorted({"GET", "POST"} & rule.methods)
                  for who in refused]
    db.session.rollback()  # asked before the requests, each in its own savepoint
    wrong = [f"{method} {path} as {who}: {got}" for method, path, who in pages
             if (got := classify(people.request(who, method, path))) != "403"]
    asked = len(pages)
    assert asked > 100  # the pages were found
    assert wrong == [], "\n".join(wrong)


# Views that refuse by a rule of who alone (no record asked) in their body, and why that rule
# can't be the page's `requires`.
RULE_IN_BODY = {
    "documents/views.py:project": "the page of a project's documents is read by whoever sees "
                                  "the project; only its POST, the issue, is HQ's",
    "pms/views.py:register": "the register is the page's rule's; one table's file of it (the "
                             "new PMs per year) is HQ's figure, not a record's",
}


def _rule_alone(test: ast.expr) -> bool:
    """Whether `test` asks a class's predicate of the user alone (`Transfer.can_manage(user)`):
    a rule of who that no record changes, the kind `requires` asks before the page's record."""
    return any(isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
               and node.func.attr.startswith("can_") and isinstance(node.func.value, ast.Name)
               and node.func.value.id[:1].isupper() and len(node.args) == 1
               for node in ast.walk(test))


def _refuses_403(statements: list[ast.stmt]) -> bool:
    return any((isinstance(node, ast.Call) and getattr(node.func, "id", "") == "abort"
                and node.args and getattr(node.args[0], "value", None) == 403)
               or (isinstance(node, ast.Raise) and node.exc is not None and getattr(
                   getattr(node.exc, "func", node.exc), "id", "") == "Forbidden")
               for statement in statements for node in ast.walk(statement))


def rule_refused_in_body(path: Path) -> list[str]:
    """The functions of a views module `path` that answer 403 by a class's predicate of the
    user alone, after whatever they loaded first."""
    return sorted({function.name for function in nodes(path)
                   if isinstance(function, ast.FunctionDef)
                   for node in ast.walk(function) if isinstance(node, ast.If)
                   and _rule_alone(node.test) and _refuses_403(node.body)})


def test_a_rule_of_who_alone_is_the_pages_requires():
    """A page that loaded its record (404 to whom may not see it, and for a missing id) and
    then answered 403 by a rule of the user alone told someone who sees the record but may not
    act 403, and the same person 404 for an id that names nothing, and it was left out of the
    walk above and of the menu's rule: a transfer's and a company's forms (`load_transfer(
    manage=True)`, `load_company(manage=True)`), the committee's funding forms
    (`_agreement(decide=True)`), a grant's forms, a review's panel (found by a review in
    session 28). Such a rule is the page's `requires`, asked before any record is read, so the
    answer is 403 whatever the id."""
    found = [f"{path.relative_to(TRACKER).as_posix()}:{name}" for path in modules()
             if path.name.endswith("views.py") for name in rule_refused_in_body(path)]
    assert sorted(set(found) - set(RULE_IN_BODY)) == [], "ask it by @requires(...)"
    assert sorted(set(RULE_IN_BODY) - set(found)) == [], "listed, but no longer so: take out"


def test_the_rule_in_body_scan_finds_a_load_then_403(tmp_path):
    (tmp_path / "views.py").write_text(
        "def load(transfer_id, manage=False):\n    t = found(transfer_id)\n"
        "    if manage and not Transfer.can_manage(acting_user()):\n        abort(403)\n"
        "def edit(t_id):\n    t = load(t_id)\n    if not t.can_edit(acting_user()):\n"
        "        abort(403)\n", encoding="utf-8")
    assert rule_refused_in_body(tmp_path / "views.py") == ["load"]


# A list page's records as the files their import reads (`?import_file=KIND.csv|xlsx`,
# tracker/imports/page_files.py): HQ admins' alone (ImportRun.can_import); whoever else opens
# the page is refused (403), as is whoever may not open it.
IMPORT_FILES = {
    "organisations.institutes": ("institutes",), "organisations.enterprises": ("enterprises",),
    "users.list_users": ("users",), "organisations.centres": ("centres",),
    "organisations.needs": ("needs",), "projects.list_projects": ("projects", "milestones"),
    "contracts.report": ("contracts",), "funding.agreements": ("funding",),
    "companies.portfolio": ("companies", "incentive_grants"),
    "achievements.index": ("achievements",), "transfers.index": ("ip_deals",)}


@pytest.mark.parametrize("endpoint", sorted(IMPORT_FILES))
def test_who_gets_a_pages_file_for_import(app, world, people, endpoint):
    path = url_for_rule(rules(app)[endpoint], world)
    expected = parse(ADMIN_ONLY, api=False)
    wrong = [f"{path}?{asked} as {who}: expected {expected[who]}, got {got}"
             for kind in IMPORT_FILES[endpoint] for fmt in ("csv", "xlsx")
             for asked in [f"import_file={kind}.{fmt}"] for who in SUBJECTS
             if not matches(expected[who], got := classify(
                 people.request(who, "GET", f"{path}?{asked}")))]
    assert wrong == []


# --- every page runs as many statements on more data -------------------------------------------

# Routes no one gets a page from in the tests' configuration, and why.
OFF = "a feature the test configuration leaves off: 404 to everyone"
NOT_COUNTED = {
    "static": "files on disk, no statement",
    "metrics.scrape": "for machines, with a token the test configuration does not set: 404",
    "mfa.code": "the second step of a sign-in under way: none in the world, back to /login",
    "phones.phone": OFF, "phones.forgot_password": OFF, "phones.reset_password": OFF,
    "sso.cas_start": OFF, "sso.cas_callback": OFF, "sso.oidc_start": OFF,
    "sso.oidc_callback": OFF, "sso.ldap_login": OFF,
    "reminders.ladders": "an old address: redirects to the settings page, counted itself",
}
# What answers with a page: the page itself, else the page saying why the action is not open.
ANSWERS = (200, 409)


def counted(walked: dict[str, tuple[str, dict]]) -> dict[str, tuple[str, dict[str, Answer]]]:
    return {endpoint: found for endpoint, found in walked.items()
            if endpoint not in NOT_COUNTED}


def test_every_get_route_answers_someone_with_a_page(app, walked):
    """Else its statements are never counted: list it in NOT_COUNTED, saying why."""
    assert [(endpoint, path, {who: a.status for who, a in answers.items()})
            for endpoint, (path, answers) in counted(walked).items()
            if not {a.status for a in answers.values()} & set(ANSWERS)] == []
    assert sorted(set(NOT_COUNTED) - set(rules(app))) == [], "routes that are gone"


def test_every_page_runs_as_many_statements_on_more_data(engine, world, people, walked):
    """Issue 21 point 1: each GET route, for everyone it answers with a page (200, or 409:
    the page saying why not) on the world as built (`walked`), counted on the world grown once
    and then twice (tests/world_growth.py: more of everything its pages list): a page that
    loads a collection only when there is one (tracker/projects/queries.py) runs as many
    statements on both. A new route is counted as soon as it exists; one nobody gets a page
    from must be listed in `NOT_COUNTED` with why. The areas' own tests
    (tests/test_page_statements.py, tests/projects/test_query_counts.py and the like) count
    their pages for more viewers and filters; this one makes sure none is missed."""
    pages = [(endpoint, who, path, answer)
             for endpoint, (path, answers) in counted(walked).items()
             for who, answer in answers.items() if answer.status in ANSWERS]
    counts = []
    for _ in range(2):
        grow(world)
        counts.append([ask(engine, people, who, path) for _, who, path, _ in pages])
    changed = []
    for (endpoint, who, path, first), middle, last in zip(pages, *counts, strict=True):
        assert (middle.status, last.status) == (first.status, first.status), (
            endpoint, who, path, first.status, middle.status, last.status)
        if len(last.statements) != len(middle.statements):
            changed.append((endpoint, who, path, len(middle.statements), len(last.statements),
                            grown(middle.statements, last.statements)))
    assert changed == [], "\n".join(map(repr, changed))

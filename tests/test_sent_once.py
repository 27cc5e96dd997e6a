"""Back-and-resubmit and stale tabs say the truth (issue 9, points 1 and 2; the tester's
findings A1-A4): every form that creates or changes something carries the one-time token, so
the same form sent again after it was saved says so ("saved once"), whatever the record it
acted on has become since (voided, registered, corrected); a form sent from a tab opened before
its record was voided is shown again as sent, with the reason above it; a save refused as
stale because the user saved in another tab says so, not "someone else"."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from datetime import date

import pytest
from sqlalchemy import func, select

import tracker
from tests.achievements.helpers import make_achievement, make_patent
from tests.companies.test_ip_deal_voids import _deal
from tests.conftest import login, post
from tests.contracts.test_contracts import record
from tests.factories import _commit, install_gates, make_project, make_user
from tests.funding.test_amendments import agreement_of, tranche_of
from tests.gates.test_corrections import _form, _scored_panel
from tests.source import TRACKER, modules, nodes
from tests.test_edits import tab
from tests.unchanged import audited
from tracker import db
from tracker.accounts.models import Role
from tracker.achievements import withdrawals
from tracker.audit.models import AuditRecord
from tracker.projects.lifecycle import Phase
from tracker.settings import services as settings
from tracker.settings.catalogue import CATALOGUE, CONVERSION_DISCOUNT_PCT
from tracker.web.forms import Form, OneTime

SAVED_ONCE = "This form had already been sent: it was saved once, here."

# Forms that save nothing of the tracker's records, each with why: anything else that is a
# `Form` must be `OneTime`.
EXEMPT = {
    # Signing in, and proving who one is: they make a session, not a record; sent again they
    # sign in again (a code is used once by its own rule).
    "tracker.accounts.forms.LoginForm", "tracker.accounts.forms.CodeForm",
    "tracker.sso.forms.LdapLoginForm", "tracker.phones.forms.PhoneCodeForm",
    # Account recovery: the link or the code is used once by its own rule.
    "tracker.accounts.forms.ResetPasswordForm", "tracker.phones.forms.ForgotPasswordForm",
    "tracker.phones.forms.ResetByCodeForm",
    # Rows and shared fields of a form, sent as part of the form that carries the token.
    "tracker.achievements.forms.ContributorRow", "tracker.budgets.forms.CategoryRow",
    "tracker.companies.forms.HoldingRow", "tracker.companies.forms.InvestorRow",
    "tracker.contracts.forms.InstalmentRow", "tracker.funding.forms.CoFunderRow",
    "tracker.gates.forms.CriterionRow", "tracker.gates.review_forms.ConditionRow",
    "tracker.projects.forms.BudgetLineForm", "tracker.milestones.forms._PostFields",
    "tracker.projects.forms._TrlFields",
    # A field read on its own, never drawn nor sent: an import row's percent complete is read
    # by the progress form's field (tracker/imports/milestones.py).
    "tracker.milestones.forms.PercentForm",
    # A button on an object's page (`press`): no input, its action refused by the state.
    "tracker.web.forms.Button",
}


def _every_form() -> list[type]:
    for module in pkgutil.walk_packages(tracker.__path__, "tracker."):
        if module.name.rsplit(".", 1)[-1] in {"forms", "review_forms"} or \
                module.name.endswith("_forms"):
            importlib.import_module(module.name)
    found, todo = [], [Form]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("tracker.") and "<locals>" not in sub.__qualname__:
                found.append(sub)
    return found


def test_every_form_that_saves_carries_the_one_time_token(app):
    forms = {f"{f.__module__}.{f.__qualname__}": f for f in _every_form()}
    assert len(forms) > 60  # the walk found the app's forms
    assert set(EXEMPT) <= set(forms), set(EXEMPT) - set(forms)  # no stale exemption
    missing = sorted(name for name, form in forms.items()
                     if name not in EXEMPT and not issubclass(form, OneTime))
    assert missing == []


# --- the same form sent twice ----------------------------------------------------------------


def _tranche_void():
    committee = make_user(Role.INVESTMENT_COMMITTEE)
    tranche = tranche_of(committee)
    return committee, f"/funding/tranches/{tranche.id}/void", {"reason": "Entered twice"}, \
        ("tranche.void", tranche.id)


def _agreement_void():
    committee = make_user(Role.INVESTMENT_COMMITTEE)
    agreement = agreement_of(committee)
    return committee, f"/funding/{agreement.id}/void", {"reason": "Wrong project"}, \
        ("funding.void", agreement.id)


def _ip_void():
    _company, deal = _deal()
    return make_user(Role.HQ_ADMIN), f"/companies/ip/{deal.id}/void", \
        {"reason": "Entered for the wrong company"}, ("ip.void", deal.id)


def _contract_void():
    project = make_project()
    contract = record(project, "100", schedule=[])
    return project.pm, f"/contracts/{contract.id}/void", {"reason": "Never signed"}, \
        ("contract.void", contract.id)


def _registration():
    contract = record(make_project(), "1000000", signed=date(2026, 2, 1))
    return contract.project.pm, f"/contracts/{contract.id}/registration", {
        "number": "2026320100000017", "registered_on": "2026-03-10", "value": "800,000"}, \
        ("contract.register", contract.id)


def _score_correction():
    review, (_chair, _second, third) = _scored_panel()
    member = review.member(third)
    return third, f"/reviews/{review.id}/scores/correct", \
        _form(review, "2", "I scored the wrong file"), ("gate.correct_scores", member.id)


def _declaration_correction():
    review, (_chair, _second, third) = _scored_panel()
    member = review.member(third)
    return third, f"/reviews/{review.id}/declaration/correct", {
        "conflict": "yes", "note": "My brother works at the partner",
        "reason": "I had not checked"}, ("gate.correct_declaration", member.id)


@pytest.mark.parametrize("made", [_tranche_void, _agreement_void, _ip_void, _contract_void,
                                  _registration, _score_correction, _declaration_correction],
                         ids=lambda made: made.__name__.strip("_"))
def test_a_form_sent_again_after_it_was_saved_says_it_was_saved_once(client, made):
    install_gates()
    user, path, fields, (action, object_id) = made()
    login(client, user)
    sent = {**tab(client, path), **fields}
    first = post(client, path, sent)
    assert first.status_code == 302, first.get_data(as_text=True)
    again = post(client, path, sent)  # Back, then the button: the same form again
    assert again.status_code == 302, again.get_data(as_text=True)
    assert again.headers["Location"] == first.headers["Location"]
    assert SAVED_ONCE in client.get(again.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(AuditRecord).where(
        AuditRecord.action == action, AuditRecord.object_id == object_id)) == 1


# --- a tab opened before the record was voided --------------------------------------------------


def test_a_correction_sent_from_a_tab_opened_before_the_void_keeps_its_input(client):
    """Finding A3: the agreement's correction, open in tab B, sent after tab A voided it: the
    form as sent, with the void's reason above it (409), as a withdrawn post's does."""
    committee = make_user(Role.INVESTMENT_COMMITTEE)
    agreement = agreement_of(committee)
    login(client, committee)
    edit, void = f"/funding/{agreement.id}/edit", f"/funding/{agreement.id}/void"
    page_b = client.get(edit).get_data(as_text=True)
    tab_b = {name: value for name, value in re.findall(
        r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page_b) if name != "csrf_token"}
    assert post(client, void, {**tab(client, void),
                               "reason": "Recorded for the wrong project"}).status_code == 302
    refused = post(client, edit, {**tab_b, "reason": "Typed in tab B, kept"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "Recorded for the wrong project" in text  # why: it was voided
    assert "Typed in tab B, kept" in text and 'name="reason"' in text  # the form, as sent


def test_a_void_sent_from_another_tab_after_the_void_says_it_was_voided(client):
    """Another tab's void form is another form: not "saved once", but why it can't be."""
    project = make_project()
    contract = record(project, "100", schedule=[])
    login(client, project.pm)
    path = f"/contracts/{contract.id}/void"
    tab_a, tab_b = tab(client, path), tab(client, path)
    assert post(client, path, {**tab_a, "reason": "Never signed"}).status_code == 302
    refused = post(client, path, {**tab_b, "reason": "Entered twice (tab B)"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "This contract was voided" in text and "Never signed" in text
    assert SAVED_ONCE not in text


# --- the user's own other tab ------------------------------------------------------------------


@pytest.mark.parametrize("locale,yours,theirs", [
    ("en", "You saved this in another tab or window", "Someone else saved this"),
    ("zh_CN", "已在另一个标签页或窗口中保存了修改", "他人已保存了修改"),
])
def test_a_save_refused_for_the_users_own_other_tab_says_so(client, locale, yours, theirs):
    """Finding A4: an instalment saved in tab A, then in tab B, by the same user."""
    install_gates()
    project = make_project()
    contract = record(project, "1000000", schedule=[(date(2026, 3, 1), 600000)])
    pm = project.pm
    pm.locale = locale
    db.session.commit()
    login(client, pm)
    path = f"/instalments/{contract.instalments[0].id}/edit"
    tab_a, tab_b = tab(client, path), tab(client, path)
    fields = {"due_date": "2026-04-01", "amount": "600000", "reason": "Moved by the addendum"}
    assert post(client, path, {**tab_a, **fields}).status_code == 302
    refused = post(client, path, {**tab_b, **fields, "due_date": "2026-05-01"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert yours in text and theirs not in text
    assert "2026-05-01" in text  # this tab's input stays


def test_a_rights_edit_sent_after_it_was_withdrawn_keeps_its_input(client):
    """Finding A3's class on a withdrawable record: the right's edit, open in one tab, sent
    after it was withdrawn: the form as sent, with why it can't be saved above it."""
    project = make_project(phase=Phase.CONTRACT_RESEARCH)
    right = make_patent(make_achievement(project))
    login(client, project.pm)
    path = f"/ip-rights/{right.id}/edit"
    page = client.get(path).get_data(as_text=True)
    sent = {name: value for name, value in re.findall(
        r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page) if name != "csrf_token"}
    withdrawals.withdraw_right(project.pm, right, "Typed against the wrong achievement")
    _commit()
    refused = post(client, path, {**sent, "title": "Typed in the older tab"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "Typed against the wrong achievement" in text
    assert 'value="Typed in the older tab"' in text


def _local_forms() -> list[str]:
    """Form classes written inside a function whose bases are the form machinery itself: the
    walk above can't see them (they exist only once the function runs)."""
    machinery = {"Form", "FlaskForm", "BaseForm", "OneTime", "SeenVersion"}
    root = TRACKER
    found = []
    for path in modules():
        for function in nodes(path):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                bases = {getattr(b, "id", getattr(b, "attr", None))
                         for b in getattr(node, "bases", [])}
                if isinstance(node, ast.ClassDef) and bases & machinery:
                    found.append(f"{path.relative_to(root)}:{function.name}.{node.name}")
    return found


def test_no_form_is_defined_inside_a_function():
    """A form built in a function (fields per rule, per criterion) derives from a form of its
    module, which the walk checks; one that derives from the machinery directly is missed
    (the settings page's and the notification and reminder preferences' were)."""
    assert _local_forms() == []


def _settings_page():
    fields = {key: str(settings.get(key)) for key in CATALOGUE}
    return make_user(Role.HQ_ADMIN), "/admin/settings", \
        {**fields, CONVERSION_DISCOUNT_PCT: "12.5"}, fields, "setting.update"


def _notification_settings():
    return make_user(Role.PROJECT_MANAGER), "/notifications/settings", \
        {"channel": "in_app", "delivery": "digest", "digest_at": "08:00"}, \
        {"channel": "email", "delivery": "now"}, "notification.settings"


def _reminder_preferences():
    return make_user(Role.PROJECT_MANAGER), "/reminders/preferences", \
        {"delivery": "per_item"}, {"delivery": "digest"}, "reminder.preferences"


@pytest.mark.parametrize("made", [_settings_page, _notification_settings,
                                  _reminder_preferences],
                         ids=lambda made: made.__name__.strip("_"))
def test_a_settings_form_sent_twice_saves_once_and_a_change_back_is_saved(client, made):
    user, path, changed, back, action = made()
    login(client, user)
    sent = {**tab(client, path), **changed}
    assert "once" in sent  # the page gives the form its one-time token
    first = post(client, path, sent)
    assert first.status_code == 302, first.get_data(as_text=True)
    again = post(client, path, sent)  # a double click: the same form again
    assert again.status_code == 302 and again.headers["Location"] == first.headers["Location"]
    assert SAVED_ONCE in client.get(again.headers["Location"]).get_data(as_text=True)
    assert audited(action) == 1
    # Changed back from the page shown anew, and then again as first: each is saved.
    assert post(client, path, {**tab(client, path), **back}).status_code == 302
    answer = post(client, path, {**tab(client, path), **changed})
    assert answer.status_code == 302
    assert SAVED_ONCE not in client.get(answer.headers["Location"]).get_data(as_text=True)
    assert audited(action) == 3

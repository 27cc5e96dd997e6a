"""What newcomers found missing around approvals (#23): delegation offered to anyone and
overlapping, reminders that skipped the delegate, the change's before/after missing on the
approval page, no "returned to me" on the applicant's home page, levels that could not be
reordered."""

from __future__ import annotations

import html
from datetime import timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import _commit, make_institute, make_project, make_user
from tests.test_query_counts import page_statements
from tracker import db
from tracker.accounts.models import Role
from tracker.approvals import chain
from tracker.approvals import services as approvals
from tracker.approvals.models import AppliesTo, Subject, Verdict
from tracker.audit.models import AuditRecord
from tracker.changes import services as changes
from tracker.dates import today
from tracker.display.formatting import on_day
from tracker.display.labels import label
from tracker.errors import Forbidden, Invalid
from tracker.projects import services as projects
from tracker.projects.lifecycle import Phase
from tracker.web import work

from .test_chain import _draft, countersigned_change


def _directors():
    """Zhang Wei's institute and project, and another institute's director."""
    project, director = _draft()
    other = make_user(name="Chen Other")
    make_institute(director=other)
    return project, director, other


# --- 1. who may be a delegate, and one delegation at a time ------------------------------------


def test_the_delegation_form_offers_only_those_who_sign_at_the_directors_level(client):
    project, director, other = _directors()
    finance = make_user(name="Finance Signer")
    approvals.add_level(make_user(Role.HQ_ADMIN), name="财务会签", name_en="Finance",
                        director=False, approver_ids=[finance.id], applies_to=AppliesTo.ALL)
    expert = make_user(Role.EXTERNAL_EXPERT, name="Outside Expert")
    make_institute(director=expert)  # even directing, a limited account stands in for nobody
    _commit()
    assert [u.name for u in approvals.eligible_delegates(director)] == ["Chen Other"]
    # The named approver of the finance level: its other signers only (none here).
    assert approvals.eligible_delegates(finance) == []
    login(client, director)
    page = client.get("/approvals/delegations").get_data(as_text=True)
    assert "Chen Other" in page
    for name in (project.pm.name, "Finance Signer", "Outside Expert"):
        assert name not in page.split("<h2>", 2)[1]  # not in the form (the list is below)
    answer = post(client, "/approvals/delegations", {
        "delegate_id": project.pm.id, "starts_on": today().isoformat(),
        "ends_on": (today() + timedelta(days=2)).isoformat(), "once": "d1"})
    assert answer.status_code == 400  # a value the form does not offer, refused by it too
    with pytest.raises(Invalid, match="does not sign at your approval levels"):
        approvals.delegate(director, delegate_id=project.pm.id, starts_on=today(),
                           ends_on=today() + timedelta(days=2))


def test_a_second_delegation_overlapping_the_first_is_refused_with_its_period(client):
    project, director, other = _directors()
    third = make_user(name="Sun Third")
    make_institute(director=third)
    first = approvals.delegate(director, delegate_id=other.id, starts_on=today(),
                               ends_on=today() + timedelta(days=5))
    _commit()
    with pytest.raises(Invalid, match="You have delegated to Chen Other from"):
        approvals.delegate(director, delegate_id=third.id,
                           starts_on=today() + timedelta(days=5),
                           ends_on=today() + timedelta(days=9))
    with pytest.raises(Invalid, match="outside that period"):  # the same delegate, too
        approvals.delegate(director, delegate_id=other.id, starts_on=today() + timedelta(days=1),
                           ends_on=today() + timedelta(days=2))
    login(client, director)
    director.locale = "zh_CN"
    _commit()
    answer = post(client, "/approvals/delegations", {
        "delegate_id": third.id, "starts_on": (today() + timedelta(days=3)).isoformat(),
        "ends_on": (today() + timedelta(days=8)).isoformat(), "once": "d2"})
    assert answer.status_code == 400
    assert "Chen Other" in answer.get_data(as_text=True)
    assert "您已将签字委托给" in answer.get_data(as_text=True)
    # The day after it ends, or once it is ended, is free.
    approvals.delegate(director, delegate_id=third.id, starts_on=today() + timedelta(days=6),
                       ends_on=today() + timedelta(days=9))
    approvals.cancel_delegation(director, first)
    approvals.delegate(director, delegate_id=third.id, starts_on=today(),
                       ends_on=today() + timedelta(days=2))


def test_a_delegation_is_known_to_its_two_people_and_hq_and_ended_by_its_principal(client):
    """`ApprovalDelegation.can_view` (who knows of it) and `can_cancel` (who ends it) decide the
    end button's answer: 404 to anyone else, 403 to the delegate, the principal ends it."""
    _project, director, other = _directors()
    stranger, hq = make_user(name="Stranger"), make_user(Role.HQ_ADMIN)
    delegation = approvals.delegate(director, delegate_id=other.id, starts_on=today(),
                                    ends_on=today() + timedelta(days=5))
    _commit()
    assert [delegation.can_view(u) for u in (director, other, hq, stranger)] == [
        True, True, True, False]
    assert [delegation.can_cancel(u) for u in (director, other, hq, stranger)] == [
        True, False, True, False]
    end = f"/approvals/delegations/{delegation.id}/end"
    for user, status in ((stranger, 404), (other, 403), (director, 302)):
        login(client, user)
        assert post(client, end, {}).status_code == status, user.name
    assert delegation.cancelled_at is not None


def test_a_level_names_no_external_expert():
    hq = make_user(Role.HQ_ADMIN)
    expert = make_user(Role.EXTERNAL_EXPERT, name="Outside Expert")
    listed = {u.id for u in approvals.possible_approvers()}
    assert expert.id not in listed and hq.id in listed
    with pytest.raises(Invalid, match="external expert"):
        approvals.add_level(hq, name="专家会签", name_en=None, director=False,
                            approver_ids=[expert.id], applies_to=AppliesTo.ALL)


def test_the_levels_picker_reads_names_not_users(client, engine):
    """Every active user may be named to a level: a thousand of them at full size, loaded as
    users with their roles and directed institutes (two more statements each 500 users), for
    a picker that shows a name and an e-mail. It reads those, in one statement."""
    hq = make_user(Role.HQ_ADMIN)
    pm = make_user(Role.PROJECT_MANAGER, name="Picked Manager")
    make_institute(director=make_user(name="A Director"))
    make_user(Role.EXTERNAL_EXPERT, name="Outside Expert")
    login(client, hq)
    statements = page_statements(client, engine, "/admin/approval-levels")
    picker = [s for s in statements if "role_grants.user_id IN" in s
              or "institutes.director_id IN" in s]
    assert picker == []
    page = client.get("/admin/approval-levels").get_data(as_text=True)
    assert f'value="{pm.id}"' in page and f"Picked Manager &lt;{pm.email}&gt;" in page
    assert "Outside Expert" not in page and "A Director" in page


# --- 2. the delegate is reminded, the approver copied ------------------------------------------


def test_a_waiting_signature_reminds_the_running_delegate_and_the_approver(smtp):
    from tests.reminders.conftest import run_day, text_of
    from tracker.approvals.reminders import approvals_waiting
    from tracker.reminders.items import Query

    project, director, other = _directors()
    director.email, other.email = "zhang.wei@example.cn", "chen.other@example.cn"
    later = make_user(name="Wang Later", email="wang.later@example.cn")
    make_institute(director=later)
    request = projects.submit_proposal(project.pm, project)
    # Chen stands in from day 2 to day 5; Wang only from day 20.
    approvals.delegate(director, delegate_id=other.id, starts_on=today() + timedelta(days=2),
                       ends_on=today() + timedelta(days=5))
    approvals.delegate(director, delegate_id=later.id, starts_on=today() + timedelta(days=20),
                       ends_on=today() + timedelta(days=25))
    db.session.commit()

    def reminded(day):
        run_day(day)
        return {to[0]: text_of(message) for to, message in smtp.take()
                if ".approval_waiting." in message["Message-ID"]}

    sent = reminded(today() + timedelta(days=3))
    assert set(sent) == {"zhang.wei@example.cn", "chen.other@example.cn"}
    for text in sent.values():
        assert f"/approvals/{request.id}" in text
        assert "Zhang Wei has delegated their signature to Chen Other" in text
    # The delegate's deadlines (the calendar feed) hold it while the delegation runs.
    assert [i.id for i in approvals_waiting(Query(owner_id=other.id,
                                                  on=today() + timedelta(days=3)))] == [
        request.steps[0].id]
    assert approvals_waiting(Query(owner_id=later.id, on=today() + timedelta(days=3))) == []
    approvals.endorse(director, request, "同意。")
    db.session.commit()
    assert reminded(today() + timedelta(days=12)) == {}  # signed: nobody is reminded


def test_without_a_running_delegation_the_approver_alone_is_reminded(smtp):
    from tests.reminders.conftest import run_day

    project, director, other = _directors()
    director.email, other.email = "zhang.wei@example.cn", "chen.other@example.cn"
    projects.submit_proposal(project.pm, project)
    approvals.delegate(director, delegate_id=other.id, starts_on=today() + timedelta(days=9),
                       ends_on=today() + timedelta(days=12))
    db.session.commit()
    run_day(today() + timedelta(days=3))
    assert sorted(to[0] for to, message in smtp.take()
                  if ".approval_waiting." in message["Message-ID"]) == ["zhang.wei@example.cn"]


# --- 3. the approval page shows what the change would do ---------------------------------------


def test_the_directors_approval_page_shows_the_change_before_and_after(client):
    director = make_user(name="Zhang Wei")
    project = make_project(institute=make_institute(director=director),
                           phase=Phase.CONTRACT_RESEARCH)
    change = changes.change_total(project.pm, project, budget_total=Decimal("3300000.00"),
                                  reason="More field trials")
    _commit()
    login(client, director)
    page = client.get(f"/approvals/{change.approval.id}").get_data(as_text=True)
    assert "What the change would do" in page
    table = page.split("What the change would do", 1)[1].split("</table>", 1)[0]
    assert "3,000,000" in table and "3,300,000" in table
    # The proposal's page has no change to show.
    draft, _director = _draft()
    request = projects.submit_proposal(draft.pm, draft)
    _commit()
    assert "What the change would do" not in client.get(
        f"/approvals/{request.id}").get_data(as_text=True)


# --- 4. returned to me -------------------------------------------------------------------------


def test_the_applicants_home_page_lists_what_was_returned_to_them(client):
    project, director = _draft()
    request = projects.submit_proposal(project.pm, project)
    approvals.return_(director, request, "请补充中试方案。")
    _commit()
    returned = work.for_user(project.pm, today()).approvals_returned
    assert [r.id for r in returned] == [request.id]
    login(client, project.pm)
    home = client.get("/").get_data(as_text=True)
    assert "Returned to me" in home and "请补充中试方案。" in home
    assert f"/approvals/{request.id}" in home and "Zhang Wei" in home
    # Submitted again: nothing is returned any more.
    projects.submit_proposal(project.pm, project)
    _commit()
    assert work.for_user(project.pm, today()).approvals_returned == []
    assert "Returned to me" not in client.get("/").get_data(as_text=True)


def test_a_returned_change_is_listed_until_asked_again_or_a_month_old():
    director = make_user()
    project = make_project(institute=make_institute(director=director),
                           phase=Phase.CONTRACT_RESEARCH)
    change = changes.change_total(project.pm, project, budget_total=Decimal("3300000.00"),
                                  reason="More field trials")
    approvals.return_(director, change.approval, "预算依据不足。")
    _commit()
    assert [r.id for r in work.for_user(project.pm, today()).approvals_returned] == [
        change.approval.id]
    assert work.for_user(director, today()).approvals_returned == []  # the applicant's only
    assert work.for_user(project.pm, today() + timedelta(days=31)).approvals_returned == []
    changes.change_total(project.pm, project, budget_total=Decimal("3200000.00"),
                         reason="Fewer trials")
    _commit()
    assert work.for_user(project.pm, today()).approvals_returned == []


# --- 7. HQ reorders the levels -----------------------------------------------------------------


def test_hq_reorders_the_levels_and_the_trail_says_so(client):
    hq = make_user(Role.HQ_ADMIN)
    finance = make_user(name="Finance Signer")
    level = approvals.add_level(hq, name="财务会签", name_en="Finance", director=False,
                                approver_ids=[finance.id], applies_to=AppliesTo.ALL)
    _commit()
    assert [s.name for s in chain.levels_for(Subject.PROPOSAL)] == ["研究所所长审核", "财务会签"]
    login(client, hq)
    assert "Move up" in client.get("/admin/approval-levels").get_data(as_text=True)
    answer = post(client, f"/admin/approval-levels/{level.id}/move", {"direction": "up"})
    assert answer.status_code == 302
    assert [s.name for s in chain.levels_for(Subject.PROPOSAL)] == ["财务会签", "研究所所长审核"]
    record = db.session.scalar(select(AuditRecord).where(
        AuditRecord.action == "approval.level_move").order_by(AuditRecord.id.desc()))
    assert record.actor_id == hq.id and record.changes["position"] == [2, 1]
    # First already: refused, said above the page.
    refused = post(client, f"/admin/approval-levels/{level.id}/move", {"direction": "up"})
    assert refused.status_code == 409 and "first level already" in refused.get_data(as_text=True)
    with pytest.raises(Forbidden):
        approvals.move_level(finance, level, up=False)
    # A proposal submitted now climbs them in the new order.
    project, _director = _draft()
    request = projects.submit_proposal(project.pm, project)
    assert [s.level_name for s in request.current_steps] == ["财务会签"]


# --- 6. a second signature at the same level -------------------------------------------------


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_signing_twice_at_a_level_says_when_and_for_whom_it_waits(client, locale):
    """A countersigner who signs again (Back, a second tab) is refused (409) with the day they
    signed in the reader's language, their verdict, and who at the level is still to sign;
    the request's page is shown again, its signatures unchanged."""
    hq = make_user(Role.HQ_ADMIN)
    finance, legal = make_user(name="Finance Li", locale=locale), make_user(name="Legal Wu")
    _project, director, change = countersigned_change(hq, finance, legal)
    request = change.approval
    approvals.endorse(director, request, "同意")
    approvals.endorse(finance, request, "经费来源已落实")
    _commit()
    signed_at = next(s.signed_at for s in request.steps if s.signed_by_id == finance.id)
    login(client, finance)
    again = post(client, f"/approvals/{request.id}/sign", {"verdict": "endorse",
                                                           "opinion": "再次同意"})
    page = html.unescape(again.get_data(as_text=True))
    assert again.status_code == 409, page[:1000]
    with force_locale(locale):
        said = gettext("You signed at this level on %(date)s (%(verdict)s); it waits for the "
                       "others to sign: %(names)s.", date=on_day(signed_at),
                       verdict=label(Verdict.ENDORSE), names="Legal Wu")
    assert said in page
    # The day as the reader writes it (2026年11月28日), the verdict in their words.
    assert (("年" in said and "（同意）" in said) if locale == "zh_CN"
            else "(Endorsed)" in said), said
    assert f"/changes/{change.id}" in page  # the request's page again, leading to its change
    assert sum(1 for s in request.steps if s.signed_by_id == finance.id) == 1


def test_whoever_may_delegate_finds_the_way_from_the_home_page_with_nothing_waiting(client):
    """The home page linked to the delegations under "My work" only, and by its own rule (an
    approval waiting, or an institute directed): a director or a level's named approver with
    nothing waiting now, going away next week, found no way to the page. It is offered by
    `can_delegate`, the page's own rule, whatever waits."""
    finance, pm = make_user(name="Finance Signer"), make_user(Role.PROJECT_MANAGER)
    director = make_user(name="Zhou Director")
    make_institute(director=director)
    approvals.add_level(make_user(Role.HQ_ADMIN), name="财务会签", name_en="Finance",
                        director=False, approver_ids=[finance.id], applies_to=AppliesTo.ALL)
    _commit()
    link = 'href="/approvals/delegations"'
    for user, offered in ((director, True), (finance, True), (pm, False)):
        login(client, user)
        assert (link in client.get("/").get_data(as_text=True)) is offered, user.name
        assert approvals.can_delegate(user) is offered

"""An institute's assessment evidence entered wrong (issue 9 point 5): the director corrects it
or withdraws it before HQ reviews it; HQ withdraws one it accepted; the score follows; an
approved year is frozen; a stale save is refused with the input kept; the entry's history says
so in both languages."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.assessment.conftest import PDF, YEAR
from tests.conftest import login, post
from tests.factories import _commit, make_user
from tests.test_edits import hidden, tab
from tests.unchanged import audited, refused_as_unchanged
from tracker import db
from tracker.accounts.models import Role
from tracker.assessment import corrections, scoring, services
from tracker.assessment.models import EvidenceEntry
from tracker.audit.models import AuditRecord
from tracker.errors import Forbidden, Invalid, Refused

D = Decimal


def _enter(w, amount="50000"):
    entry = services.enter_evidence(w["director"], w["evidence"], w["ours"], amount=D(amount),
                                    description="Testing services for a local enterprise",
                                    uploads=[(io.BytesIO(PDF), "invoice.pdf")])
    _commit()
    return entry


def _score(w) -> Decimal:
    return scoring.year_table(YEAR).of(w["ours"].id).lines[1].value


def _audit(action: str) -> AuditRecord:
    return db.session.scalars(select(AuditRecord).where(AuditRecord.action == action)
                              .order_by(AuditRecord.id.desc())).first()


def test_the_director_corrects_an_entry_hq_then_reviews_it_as_corrected(client, world):
    w = world
    entry = _enter(w)
    login(client, w["director"])
    page = client.get(f"/assessment/{YEAR}/institutes/{w['ours'].id}").get_data(as_text=True)
    assert f"/assessment/evidence/{entry.id}/correct" in page
    path = f"/assessment/evidence/{entry.id}/correct"
    response = post(client, path, {
        **tab(client, path), "amount": "45000", "description": "Testing services, two invoices",
        "files": [(io.BytesIO(PDF), "second-invoice.pdf")],
        "reason": "The first invoice was counted twice"}, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    entry = db.session.get(EvidenceEntry, entry.id)
    assert entry.amount == D("45000.00")
    assert sorted(f.original_name for f in entry.files) == ["invoice.pdf", "second-invoice.pdf"]
    record = _audit("assessment.evidence_correct")
    assert record.changes["amount"] == ["50000.00", "45000.00"]
    assert record.changes["files_added"] == [None, ["second-invoice.pdf"]]
    assert record.changes["reason"] == [None, "The first invoice was counted twice"]
    services.review_evidence(w["admin"], entry, accept=True, opinion="")
    _commit()
    assert _score(w) == D("45000.00")
    history = client.get(f"/history/assessment_evidence/{entry.id}").get_data(as_text=True)
    assert "Assessment evidence corrected" in history
    assert "The first invoice was counted twice" in history
    post(client, "/logout")
    login(client, make_user(Role.HQ_ADMIN, locale="zh_CN"))
    history = client.get(f"/history/assessment_evidence/{entry.id}").get_data(as_text=True)
    assert "更正了考核佐证" in history and "Assessment evidence corrected" not in history


def test_hq_withdraws_an_entry_it_accepted_and_the_score_follows(client, world):
    w = world
    entry = _enter(w, "75000")
    services.review_evidence(w["admin"], entry, accept=True, opinion="")
    _commit()
    assert _score(w) == D("75000.00")
    # the director may not withdraw or correct what HQ accepted: the refusal says whom to ask
    with pytest.raises(Refused, match="ask HQ to withdraw it"):
        corrections.withdraw_evidence(w["director"], entry, "Wrong year")
    with pytest.raises(Refused, match="ask HQ to withdraw it"):
        corrections.correct_evidence(w["director"], entry, amount=D(1), description="x",
                                     uploads=[], reason="x")
    login(client, w["admin"])
    path = f"/assessment/evidence/{entry.id}/withdraw"
    response = post(client, path, {**tab(client, path), "reason": "Income of 2024, not 2025"})
    assert response.status_code == 302
    db.session.expire_all()
    entry = db.session.get(EvidenceEntry, entry.id)
    assert entry.is_void and not entry.counts
    assert _score(w) == 0  # the figure follows
    page = client.get(f"/assessment/{YEAR}/institutes/{w['ours'].id}").get_data(as_text=True)
    assert "Income of 2024, not 2025" in page and "Withdrawn" in page
    assert client.get(f"/assessment/evidence/{entry.id}/files/{entry.files[0].id}"
                      ).status_code == 200  # its files stay readable
    assert _audit("assessment.evidence_withdraw").changes["void_reason"] == [
        None, "Income of 2024, not 2025"]
    drill = client.get(f"/assessment/{YEAR}/institutes/{w['ours'].id}/indicators/"
                       f"{w['evidence'].id}").get_data(as_text=True)
    assert "Withdrawn on" in drill and "75,000" in drill  # listed, marked, not counted


def test_returned_and_approved_entries_are_refused_with_what_to_do(client, world):
    w = world
    entry = _enter(w)
    services.review_evidence(w["admin"], entry, accept=False, opinion="No bank statement")
    _commit()
    assert "enter a corrected entry beside it" in corrections.correction_refusal(entry)
    assert corrections.withdrawal_refusal(entry, w["director"]) is None  # it counts nothing
    login(client, w["director"])
    response = client.get(f"/assessment/evidence/{entry.id}/correct")
    text = response.get_data(as_text=True)
    assert response.status_code == 409 and "enter a corrected entry beside it" in text
    assert f"/assessment/{YEAR}/institutes/{w['ours'].id}#evidence" in text
    waiting = _enter(w)
    services.set_rule(w["admin"], YEAR, pool=D("1000000"), score_share=D(70), floor=D(0),
                      cap=None)
    services.approve_allocation(w["admin"], YEAR)
    _commit()
    with pytest.raises(Refused, match="is approved"):
        corrections.withdraw_evidence(w["director"], waiting, "x")
    assert client.get(f"/assessment/evidence/{waiting.id}/withdraw").status_code == 409


def test_a_stale_correction_is_refused_with_the_input_kept(client, world):
    w = world
    entry = _enter(w)
    login(client, w["director"])
    path = f"/assessment/evidence/{entry.id}/correct"
    one, two = tab(client, path), tab(client, path)
    assert post(client, path, {**one, "amount": "40000", "description": "Testing services",
                               "reason": "Amount typed wrong"}).status_code == 302
    response = post(client, path, {**two, "amount": "42000", "description": "Typed second",
                                   "reason": "Second tab"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "You saved this in another tab or window" in page
    assert "Typed second" in page and "Second tab" in page
    db.session.expire_all()
    assert db.session.get(EvidenceEntry, entry.id).amount == D("40000.00")
    again = {"amount": "42000", "description": "Typed second", "reason": "Second tab",
             **{name: hidden(page, name) for name in ("version", "seen_at", "once")}}
    assert post(client, path, again).status_code == 302


@pytest.mark.parametrize("who,correct,withdraw", [
    ("director", 200, 200), ("admin", 403, 409), ("observer", 403, 403),
    ("other_director", 404, 404), ("pm", 403, 403)])
def test_who_is_offered_to_correct_or_withdraw(client, world, who, correct, withdraw):
    w = world
    entry = _enter(w)
    user = w.get(who) or make_user(Role.OBSERVER if who == "observer" else Role.PROJECT_MANAGER)
    _commit()
    login(client, user)
    assert client.get(f"/assessment/evidence/{entry.id}/correct").status_code == correct
    assert client.get(f"/assessment/evidence/{entry.id}/withdraw").status_code == withdraw
    if correct == 403 and user.sees_whole_portfolio:
        page = client.get(f"/assessment/{YEAR}/institutes/{w['ours'].id}").get_data(
            as_text=True)
        assert f"/assessment/evidence/{entry.id}/correct" not in page
        assert f"/assessment/evidence/{entry.id}/withdraw" not in page
    if correct != 200:
        with pytest.raises(Forbidden):
            corrections.correct_evidence(user, entry, amount=D(1), description="x",
                                         uploads=[], reason="x")


def test_a_correction_says_every_problem_at_once(world):
    w = world
    entry = _enter(w)
    with pytest.raises(Invalid) as refused:
        corrections.correct_evidence(w["director"], entry, amount=D(-1), description=" ",
                                     uploads=[], reason="")
    assert {f for f, _m in refused.value.problems} == {"amount", "description", "reason"}


def test_a_correction_opened_before_hq_accepted_hears_the_acceptance_not_save_again(client,
                                                                                   world):
    """Finding 1: the acceptance bumps the entry's version; the frozen reason wins over
    "someone else saved, save again" (which could only be refused in turn)."""
    w = world
    entry = _enter(w)
    login(client, w["director"])
    path = f"/assessment/evidence/{entry.id}/correct"
    opened = tab(client, path)
    services.review_evidence(w["admin"], entry, accept=True, opinion="")
    _commit()
    response = post(client, path, {**opened, "amount": "40000", "description": "Typed",
                                   "reason": "Amount typed wrong"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "HQ accepted this entry on" in page and "ask HQ to withdraw it" in page
    assert "Someone else saved this after you opened it" not in page
    db.session.expire_all()
    assert db.session.get(EvidenceEntry, entry.id).amount == D("50000.00")


def test_changes_saved_meanwhile_list_what_changed_beyond_the_forms_fields(client, world):
    """A change saved meanwhile to a column the form does not edit (HQ's opinion) is listed
    under its history's label, never as a bare "who, when" with nothing changed."""
    from tracker.audit import services as audit
    w = world
    entry = _enter(w)
    login(client, w["director"])
    path = f"/assessment/evidence/{entry.id}/correct"
    opened = tab(client, path)
    entry.opinion = "Please attach the bank statement"
    audit.record(w["admin"], "assessment.evidence_note", entry,
                 {"opinion": ["", "Please attach the bank statement"]})
    _commit()
    page = post(client, path, {**opened, "amount": "40000", "description": "Typed",
                               "reason": "Amount typed wrong"}).get_data(as_text=True)
    assert "Someone else saved this after you opened it" in page
    meanwhile = page[page.index("Saved by someone else meanwhile"):]
    assert "Please attach the bank statement" in meanwhile[:3000]


def test_a_correction_that_changes_nothing_is_refused_and_one_that_does_shows_beside_it(client,
                                                                                        world):
    w = world
    entry = _enter(w)
    login(client, w["director"])
    path = f"/assessment/evidence/{entry.id}/correct"
    same = post(client, path, {**tab(client, path), "amount": "50000",
                               "description": "Testing services for a local enterprise",
                               "reason": "Typed it again"}, content_type="multipart/form-data")
    assert refused_as_unchanged(same, "Typed it again")
    assert audited("assessment.evidence_correct") == 0
    assert post(client, path, {**tab(client, path), "amount": "45000",
                               "description": "Testing services for a local enterprise",
                               "reason": "Counted one invoice twice"},
                content_type="multipart/form-data").status_code == 302
    page = client.get(f"/assessment/{YEAR}/institutes/{w['ours'].id}").get_data(as_text=True)
    assert f"by {w['director'].name}: Counted one invoice twice" in page

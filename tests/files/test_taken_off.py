"""A file attached by mistake to any record that holds files is taken off by the record's
correction, with the reason (issue 9 point 5, `tracker.files.attached`): the record no longer
shows it as its own, the file stays stored and downloadable by who could read it before (and by
nobody else), the record's history names it with the reason, and a record something relied on
(frozen) refuses it, the refusal saying what froze it.

One row per column that attaches a stored file to a record. `test_every_file_column_has_a_row`
reads the models: a new column holding a `stored_files` id fails it until it has a row here, or
a line in `NOT_TAKEN_OFF` saying why a correction does not take its file off.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from flask_babel import gettext as _
from sqlalchemy import select

from tests.assessment.conftest import (
    PDF,
    YEAR,
    world_ids,  # noqa: F401 (what assessment_world loads)
)
from tests.assessment.conftest import world as assessment_world  # noqa: F401
from tests.conftest import login, post
from tests.contracts.test_contracts import record
from tests.factories import _commit, install_gates, make_project, make_user
from tests.gates import helpers
from tests.milestones.test_milestones import PNG, in_research, plan
from tests.test_edits import tab
from tracker import db
from tracker.accounts.models import Role, User
from tracker.assessment import corrections
from tracker.assessment import services as assessment
from tracker.audit.models import AuditRecord
from tracker.contracts import corrections as contract_corrections
from tracker.contracts import services as contracts
from tracker.db import Base
from tracker.errors import Invalid
from tracker.files.models import StoredFile
from tracker.gates import services as gates
from tracker.gates.models import Deliverable, GateTemplate
from tracker.milestones import services as milestones
from tracker.projects import trl
from tracker.projects.lifecycle import Phase
from tracker.spending import queries
from tracker.spending.models import SpendingEntry

REASON = "Attached by mistake: the report of another rig"


@pytest.fixture(autouse=True)
def _gates():
    install_gates()


@dataclass
class Made:
    """A record holding a wrong file, and what the test needs to take it off and check."""

    owner: User  # who corrects the record
    record: Any
    wrong_id: int
    correct: str  # the correction form's address
    fields: dict  # the form's fields that take the wrong file off (the reason is added)
    download: str  # where the wrong file is downloaded
    history: str  # the record's history
    stranger: User  # who may not read the record's files
    content: bytes  # the wrong file's bytes, downloaded back after it is taken off
    shows: Callable[[], set[int]]  # the ids of the files the record shows as its own now
    freeze: Callable[[], str]  # makes something rely on the record; a piece of the refusal
    # Sent again once the file is off: 400 when the record stands with nothing left to take
    # off; 409 when taking it off withdrew the record whole (a deliverable), as for any
    # withdrawn record, the input kept above the refusal.
    again: int = 400


def _trl() -> Made:
    project = make_project(trl_now=3)
    helpers.go(helpers.submit(project))
    entry = trl.record_trl(project.pm, project, 5, "Rig test at 200 h",
                           upload=(io.BytesIO(PDF), "wrong-rig.pdf"))
    _commit()

    def freeze() -> str:
        helpers.go(helpers.request(project))  # gate 2 decided with this TRL standing
        return "Gate 2 was decided on"

    return Made(project.pm, entry, entry.file_id, f"/projects/trl/{entry.id}/correct",
                {"level": "5", "note": "Rig test at 200 h", "remove_file": "y"},
                f"/files/{entry.file_id}", f"/history/trl_records/{entry.id}",
                make_user(Role.PROJECT_MANAGER), PDF,
                lambda: {f for f in [db.session.get(type(entry), entry.id).file_id] if f},
                freeze)


def _post() -> Made:
    project = in_research()
    milestone = plan(project)
    update = milestones.post_update(project.pm, milestone, 60, "Line commissioned",
                                    [(io.BytesIO(helpers.PDF), "line.pdf"),
                                     (io.BytesIO(PNG), "wrong-site.png")])
    _commit()
    wrong = next(e.file_id for e in update.evidence if e.file.original_name == "wrong-site.png")

    def freeze() -> str:
        milestones.assign_reviewer(make_user(Role.HQ_ADMIN), milestone,
                                   make_user(Role.EVALUATOR).id)
        milestones.submit_milestone(project.pm, milestone)
        return "its reviewer reads this post as it is"

    return Made(project.pm, update, wrong, f"/milestones/posts/{update.id}/correct",
                {"percent": "60", "note": "Line commissioned", "withdrawn_files": [str(wrong)]},
                f"/files/{wrong}", f"/history/progress_updates/{update.id}",
                make_user(Role.PROJECT_MANAGER), PNG,
                lambda: {e.file_id for e in update.standing_evidence}, freeze)


def _assessment_evidence(w: dict) -> Made:
    entry = assessment.enter_evidence(
        w["director"], w["evidence"], w["ours"], amount=Decimal("50000"),
        description="Testing services for a local enterprise",
        uploads=[(io.BytesIO(PDF), "invoice.pdf"), (io.BytesIO(PDF), "wrong-invoice.pdf")])
    _commit()
    wrong = next(link.file_id for link in entry.attached
                 if link.file.original_name == "wrong-invoice.pdf")

    def freeze() -> str:
        assessment.review_evidence(w["admin"], entry, accept=True, opinion="")
        return "HQ accepted this entry"

    return Made(w["director"], entry, wrong, f"/assessment/evidence/{entry.id}/correct",
                {"amount": "50000", "description": "Testing services for a local enterprise",
                 "withdrawn_files": [str(wrong)]},
                f"/assessment/evidence/{entry.id}/files/{wrong}",
                f"/history/assessment_evidence/{entry.id}", w["other_director"], PDF,
                lambda: {link.file_id for link in entry.standing_files}, freeze)


def _certificate() -> Made:
    project = make_project()
    contract = record(project)
    contracts.register_contract(project.pm, contract, number="2026320100000017",
                                registered_on=date(2026, 3, 10), value=Decimal("800000"),
                                certificate=(io.BytesIO(PDF), "wrong-certificate.pdf"))
    _commit()

    def freeze() -> str:
        contract_corrections.void_contract(project.pm, contract, "Recorded twice")
        return "This contract was voided on"

    return Made(project.pm, contract, contract.certificate_id,
                f"/contracts/{contract.id}/registration",
                {"number": "2026320100000017", "registered_on": "2026-03-10",
                 "value": "800000", "remove_certificate": "y"},
                f"/files/{contract.certificate_id}",
                f"/history/research_contracts/{contract.id}", make_user(Role.PROJECT_MANAGER),
                PDF, lambda: {f for f in [db.session.get(type(contract), contract.id)
                                          .certificate_id] if f}, freeze)


def _deliverable() -> Made:
    project = make_project()
    name = db.session.query(GateTemplate).filter_by(gate=1).one().required_deliverables[0]
    deliverable = gates.upload_deliverable(project.pm, project, 1, name, io.BytesIO(PDF),
                                           "wrong-proposal.pdf")
    _commit()

    def freeze() -> str:
        helpers.submit(project)  # gate 1's review requested with it
        return "review was requested with this deliverable"

    return Made(project.pm, deliverable, deliverable.file_id,
                f"/deliverables/{deliverable.id}/correct", {"remove_file": "y"},
                f"/files/{deliverable.file_id}", f"/history/deliverables/{deliverable.id}",
                make_user(Role.PROJECT_MANAGER), PDF,
                lambda: {d.file_id for d in db.session.scalars(select(Deliverable).where(
                    Deliverable.project_id == project.id, Deliverable.standing()))}, freeze,
                409)


# The column that attaches the file -> how to make a record holding a wrong one.
ROWS: dict[str, Callable[[dict], Made]] = {
    "trl_records.file_id": lambda w: _trl(),
    "evidence.file_id": lambda w: _post(),
    "assessment_evidence_files.file_id": _assessment_evidence,
    "research_contracts.certificate_id": lambda w: _certificate(),
    "deliverables.file_id": lambda w: _deliverable(),
}

# The columns whose file a correction does not take off, and why.
NOT_TAKEN_OFF = {
    "draft_evidence.file_id": "not a record yet: a file waiting for its post, left out of it "
                              "by a tick on the post's form before it is posted",
    "official_documents.file_id": "the document is the file the tracker generated from the "
                                  "record; never edited, issued again with the next number",
    # domain.md: an applicant withdraws (撤回) before the next level acts; a report's next
    # level is its recipient, whose reading no step of the tracker records.
    "report_submissions.file_id": "no: a submission records a report that went to its "
                                  "recipient (a funder, an enterprise, HQ), who reads it with "
                                  "no step recorded here, so there is no 'before the next level "
                                  "acts' to withdraw it in, and taking the file off would not "
                                  "take the report back; a wrong file is replaced by the "
                                  "corrected one with the reason, both kept "
                                  "(tests/obligations/test_services.py)",
    "partner_agreements.file_id": "replaced by the agreement's correction, with the reason, "
                                  "never taken off: an agreement keeps its signed document, "
                                  "and every one it held stays its, downloadable by whoever "
                                  "may see it and linked from its history "
                                  "(tests/partners/test_pages.py)",
    "partner_agreement_documents.file_id": "the lasting link of each document an agreement "
                                           "held to it, never edited",
    "spending_entries.voucher_id": "a ledger entry, never edited (point 5's rule for ledgers): "
                                   "a wrong voucher goes with the entry's reversal, with the "
                                   "reason, and the right one with the entry made again "
                                   "(test_a_wrong_voucher_goes_with_its_entrys_reversal)",
}


def test_every_file_column_has_a_row():
    """Every column holding a stored file's id is a row above or says why it is not."""
    found = {f"{table.name}.{column.name}" for table in Base.metadata.tables.values()
             for column in table.columns
             if any(fk.column.table.name == "stored_files" for fk in column.foreign_keys)}
    assert found == set(ROWS) | set(NOT_TAKEN_OFF)
    assert not set(ROWS) & set(NOT_TAKEN_OFF)


@pytest.mark.parametrize("column", sorted(ROWS))
def test_a_wrong_file_is_taken_off_with_the_reason_and_stays_for_its_readers(
        client, assessment_world, column):  # noqa: F811
    made = ROWS[column](assessment_world)
    assert made.wrong_id in made.shows()
    login(client, made.owner)
    assert post(client, made.correct, {**tab(client, made.correct), **made.fields}
                ).status_code == 400  # the reason is required
    response = post(client, made.correct, {**tab(client, made.correct), **made.fields,
                                           "reason": REASON})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    assert made.wrong_id not in made.shows()
    # a second time: nothing left to take off, so nothing changes (refused, its input kept)
    again = post(client, made.correct, {**tab(client, made.correct), **made.fields,
                                        "reason": REASON})
    assert again.status_code == made.again
    downloaded = client.get(made.download)  # the file stays, for who could read it
    assert downloaded.status_code == 200 and downloaded.data == made.content
    history = client.get(made.history).get_data(as_text=True)
    assert REASON in history
    assert db.session.get(StoredFile, made.wrong_id).original_name in history
    post(client, "/logout")
    login(client, made.stranger)
    assert client.get(made.download).status_code in (403, 404)


@pytest.mark.parametrize("column", sorted(ROWS))
def test_a_frozen_record_refuses_to_take_a_file_off_and_says_why(
        client, assessment_world, column):  # noqa: F811
    made = ROWS[column](assessment_world)
    said = made.freeze()
    _commit()
    login(client, made.owner)
    page = client.get(made.correct)
    assert page.status_code == 409 and said in page.get_data(as_text=True)
    response = post(client, made.correct, {**made.fields, "reason": REASON})
    assert response.status_code == 409 and said in response.get_data(as_text=True)
    db.session.expire_all()
    assert made.wrong_id in made.shows()


def test_evidence_keeps_a_file_and_a_withdrawn_one_is_listed_marked(
        client, assessment_world):  # noqa: F811
    """Assessment evidence is entered with at least one file: its last file is withdrawn only
    when the correction adds the right one; the institute's page lists the withdrawn file,
    marked with the reason, and HQ's review shows the files standing and the one withdrawn."""
    w = assessment_world
    entry = assessment.enter_evidence(w["director"], w["evidence"], w["ours"],
                                      amount=Decimal("50000"), description="Testing services",
                                      uploads=[(io.BytesIO(PDF), "wrong-invoice.pdf")])
    _commit()
    wrong = entry.attached[0].file_id
    with pytest.raises(Invalid) as refused:
        corrections.correct_evidence(w["director"], entry, amount=Decimal("50000"),
                                     description="Testing services", uploads=[],
                                     withdrawn_files=[wrong], reason=REASON)
    assert refused.value.problems == [("withdrawn_files", _(
        "The record keeps at least one file: add the right file to withdraw the last wrong "
        "one, or withdraw the whole record."))]
    db.session.rollback()
    corrections.correct_evidence(w["director"], entry, amount=Decimal("50000"),
                                 description="Testing services",
                                 uploads=[(io.BytesIO(PDF), "invoice.pdf")],
                                 withdrawn_files=[wrong], reason=REASON)
    _commit()
    assert [link.file.original_name for link in entry.standing_files] == ["invoice.pdf"]
    login(client, w["admin"])
    for page in (f"/assessment/{YEAR}/institutes/{w['ours'].id}",
                 f"/assessment/evidence/{entry.id}/review"):
        text = client.get(page).get_data(as_text=True)
        assert ">wrong-invoice.pdf</a> " in text and REASON in text and "Withdrawn" in text
        assert ">invoice.pdf</a></div>" in text


def test_a_wrong_voucher_goes_with_its_entrys_reversal(client):
    """A spending entry is a ledger record: its wrong voucher is not taken off it. The PM
    reverses the entry with the reason and enters it again with the right voucher; the
    project's history shows the entry, its reversal naming the wrong voucher with the reason,
    and the new entry with the right one; the wrong voucher stays for the project's readers."""
    project = make_project(phase=Phase.CONTRACT_RESEARCH, start_date=date(2025, 1, 1))
    login(client, project.pm)
    spending = f"/projects/{project.id}/spending"
    entry = {"budget_line_id": str(project.budget_lines[0].id), "spent_on": "2025-06-01",
             "amount": "250000", "description": "Spectrometer"}
    for voucher in ("wrong-invoice.pdf", "invoice-0042.pdf"):
        if voucher == "invoice-0042.pdf":
            wrong = db.session.scalar(select(SpendingEntry))
            reversed_ = post(client, f"/spending/{wrong.id}/reverse",
                             {"on_date": "2025-06-02", "reason": REASON})
            assert reversed_.status_code == 302, reversed_.get_data(as_text=True)
        done = post(client, spending, {**tab(client, spending), **entry,
                                       "voucher": (io.BytesIO(PDF), voucher)},
                    content_type="multipart/form-data")
        assert done.status_code == 302, done.get_data(as_text=True)
    assert queries.project_spending(project).spent == Decimal("250000.00")
    page = client.get(spending).get_data(as_text=True)
    assert page.count(">wrong-invoice.pdf</a>") == 1 and ">invoice-0042.pdf</a>" in page
    assert REASON in page and "Reversed on" in page
    reverse = db.session.scalar(select(AuditRecord).where(
        AuditRecord.action == "spending.reverse"))
    assert reverse.changes["voucher"] == ["wrong-invoice.pdf", None]
    assert reverse.changes["reason"] == [None, REASON]
    history = client.get(f"/history/projects/{project.id}").get_data(as_text=True)
    assert REASON in history
    assert "wrong-invoice.pdf" in history and "invoice-0042.pdf" in history
    assert client.get(f"/files/{wrong.voucher_id}").data == PDF  # kept, for its readers
    post(client, "/logout")
    login(client, make_user(Role.PROJECT_MANAGER))
    assert client.get(f"/files/{wrong.voucher_id}").status_code in (403, 404)


def test_a_deliverable_is_replaced_with_the_reason_never_silently(client):
    """Uploading a deliverable again is refused, pointing to its correction (the latest no
    longer silently counts); the correction replaces its file with the reason, the history
    linking the old file and the new for the project's readers only; one taken off counts for
    its gate no more, and the right one is uploaded for it."""
    project = make_project()
    template = db.session.query(GateTemplate).filter_by(gate=1).one()
    name = template.required_deliverables[0]
    deliverable = gates.upload_deliverable(project.pm, project, 1, name, io.BytesIO(PDF),
                                           "wrong-proposal.pdf")
    _commit()
    with pytest.raises(Invalid, match="wrong-proposal.pdf is uploaded for it already"):
        gates.upload_deliverable(project.pm, project, 1, name, io.BytesIO(PDF), "v2.pdf")
    db.session.rollback()
    login(client, project.pm)
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    path = f"/deliverables/{deliverable.id}/correct"
    assert path in page
    wrong = deliverable.file_id
    done = post(client, path, {**tab(client, path), "reason": REASON,
                               "file": (io.BytesIO(PDF), "proposal.pdf")},
                content_type="multipart/form-data")
    assert done.status_code == 302, done.get_data(as_text=True)
    db.session.expire_all()
    right = db.session.get(Deliverable, deliverable.id).file_id
    assert right != wrong and db.session.get(StoredFile, right).original_name == "proposal.pdf"
    record = db.session.scalar(select(AuditRecord).where(
        AuditRecord.action == "deliverable.correct"))
    assert record.changes["file_id"] == [wrong, right]
    assert record.changes["reason"] == [None, REASON]
    history = client.get(f"/history/deliverables/{deliverable.id}").get_data(as_text=True)
    assert "Deliverable file" in history and REASON in history
    assert f'href="/files/{wrong}"' in history and f'href="/files/{right}"' in history
    post(client, "/logout")
    login(client, make_user(Role.PROJECT_MANAGER))  # no reader of the project
    assert client.get(f"/history/deliverables/{deliverable.id}").status_code == 404
    assert client.get(f"/files/{wrong}").status_code in (403, 404)
    post(client, "/logout")
    login(client, project.pm)
    taken = post(client, path, {**tab(client, path), "reason": REASON, "remove_file": "y"})
    assert taken.status_code == 302, taken.get_data(as_text=True)
    assert template.deliverable_shown(name) in (gates.missing_deliverables(project, 1) or "")
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert REASON in page and path not in page  # listed, marked, no longer corrected
    helpers.upload_deliverables(project, 1)
    assert gates.missing_deliverables(project, 1) is None

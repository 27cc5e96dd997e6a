"""The registration of a technology contract (技术合同登记): recorded and corrected from the
contract's page, refused with every problem at once, and summed by institute and year."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal as D

import openpyxl
import pytest
from sqlalchemy import select

from tests.conftest import login, post
from tests.contracts.test_contracts import record
from tests.export.pages import tables
from tests.factories import _commit, make_institute, make_project, make_user
from tests.gates.helpers import PDF
from tests.test_edits import tab
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.contracts import services
from tracker.dates import today
from tracker.errors import Forbidden, Invalid


def _register(contract, number="2026320100000017", on=date(2026, 3, 10), value="800000",
              actor=None, reason=""):
    services.register_contract(actor or contract.project.pm, contract, number=number,
                               registered_on=on, value=D(value), reason=reason)
    _commit()
    return contract


def test_every_problem_of_a_registration_is_reported_at_once():
    contract = record(make_project(), "1000000", signed=date(2026, 2, 1))
    with pytest.raises(Invalid) as refused:
        services.register_contract(contract.project.pm, contract, number=" ",
                                   registered_on=date(2026, 1, 31), value=D("1000000.01"))
    problems = {p.field: p.message for p in refused.value.each()}
    assert set(problems) == {"number", "registered_on", "value"}
    assert "after it is signed" in problems["registered_on"]
    assert "more than its CN¥1,000,000.00" in problems["value"]
    with pytest.raises(Invalid, match="future"):
        services.register_contract(contract.project.pm, contract, number="X-1",
                                   registered_on=today() + timedelta(days=1), value=D("1"))
    with pytest.raises(Invalid, match="in yuan and fen"):
        services.register_contract(contract.project.pm, contract, number="X-1",
                                   registered_on=date(2026, 3, 1), value=D("0.001"))
    assert contract.registration_number is None


def test_a_registration_number_is_issued_once_and_a_registration_can_be_corrected():
    first = _register(record(make_project(), "1000000"))
    other = record(make_project(), "500000")
    with pytest.raises(Invalid, match="Another contract is registered under 2026320100000017"):
        _register(other)
    # A correction, as every one, says why.
    with pytest.raises(Invalid, match="Say why the record is corrected"):
        _register(first, number="2026320100000017", on=date(2026, 3, 12), value="750000")
    db.session.rollback()
    _register(first, number="2026320100000017", on=date(2026, 3, 12), value="750000",
              reason="The certificate was misread")
    assert (first.registered_on, first.registered_value) == (date(2026, 3, 12), D("750000"))
    changes = [r.changes for r in db.session.scalars(
        select(AuditRecord).where(AuditRecord.action.in_(("contract.register",
                                                          "contract.registration_correct")),
                                  AuditRecord.object_id == first.id)
        .order_by(AuditRecord.id))]
    assert [r.action for r in db.session.scalars(
        select(AuditRecord).where(AuditRecord.object_id == first.id,
                                  AuditRecord.action.like("contract.regist%"))
        .order_by(AuditRecord.id))] == ["contract.register", "contract.registration_correct"]
    assert changes[0]["registration_number"] == [None, "2026320100000017"]
    assert changes[1]["registered_value"] == ["800000.00", "750000.00"]
    assert changes[1]["reason"] == [None, "The certificate was misread"]
    assert "reason" not in changes[0]  # a first registration corrects nothing
    with pytest.raises(Forbidden):
        _register(first, actor=make_user(Role.PROJECT_MANAGER))


def test_the_pm_registers_with_the_certificate_from_the_contract_page(client, app):
    contract = record(make_project(), "1000000", signed=date(2026, 2, 1))
    login(client, contract.project.pm)
    page = client.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert "Not registered" in page and "Record the registration" in page
    path = f"/contracts/{contract.id}/registration"
    form = client.get(path).get_data(as_text=True)
    assert 'name="version"' in form
    # A technology contract is 登记 with a registration office; a company is 注册.
    contract.project.pm.locale = "zh_CN"
    db.session.commit()
    chinese = client.get(path).get_data(as_text=True)
    assert "登记日期" in chinese and "注册日期" not in chinese
    contract.project.pm.locale = "en"
    db.session.commit()
    refused = post(client, path, {"number": "", "registered_on": "2026-01-01",
                                  "value": "2,000,000", "version": "1"})
    assert refused.status_code == 400
    text = refused.get_data(as_text=True)
    assert "after it is signed" in text and "more than its CN¥1,000,000.00" in text
    sent = post(client, path, {
        "number": "2026320100000017", "registered_on": "2026-03-10", "value": "800,000",
        "version": "1", "certificate": (io.BytesIO(PDF), "登记证明.pdf")},
        content_type="multipart/form-data")
    assert sent.status_code == 302, sent.get_data(as_text=True)
    page = client.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert "No. 2026320100000017" in page and "CN¥800,000.00" in page
    assert "Certificate: <a" in page and "登记证明.pdf</a>" in page
    audited = db.session.scalar(select(AuditRecord.changes).where(
        AuditRecord.action == "contract.register"))
    assert audited["registration_number"] == [None, "2026320100000017"]
    assert audited["certificate_id"] == [None, contract.certificate_id]
    download = client.get(f"/files/{contract.certificate_id}")
    assert download.status_code == 200 and download.data == PDF
    # A stale copy of the form (filled before this registration) is refused with what changed.
    stale = post(client, path, {"number": "2026320100000099", "registered_on": "2026-03-11",
                                "value": "1", "version": "1", "reason": "Misread"})
    assert stale.status_code == 409
    # Corrected from its page with the reason, shown in its history.
    assert 'name="reason"' in client.get(path).get_data(as_text=True)
    fresh = tab(client, path)
    assert post(client, path, {**fresh, "number": "2026320100000017",
                               "registered_on": "2026-03-11", "value": "800,000",
                               "reason": ""}).status_code == 400
    assert post(client, path, {**fresh, "number": "2026320100000017",
                               "registered_on": "2026-03-11", "value": "800,000",
                               "reason": "Misread the date"}).status_code == 302
    history = client.get(f"/history/research_contracts/{contract.id}").get_data(as_text=True)
    assert "Misread the date" in history
    db.session.expire_all()
    assert contract.registration_number == "2026320100000017"
    # Someone who may see the contract but does not record it may not register it; an
    # outsider does not learn the contract exists.
    observer = app.test_client()
    login(observer, make_user(Role.OBSERVER))
    assert observer.get(path).status_code == 403
    outsider = app.test_client()
    login(outsider, make_user(Role.PROJECT_MANAGER))
    assert outsider.get(path).status_code == 404
    assert post(outsider, path, {"number": "Z", "registered_on": "2026-03-11",
                                 "value": "1"}).status_code == 404


def test_registered_value_by_institute_and_year_for_whoever_may_see_it(client, app):
    director = make_user()
    north, south = make_institute(director, code="N"), make_institute(code="S")
    a = record(make_project(institute=north, start_date=date(2025, 1, 1)), "1000000",
               signed=date(2025, 11, 1))
    b = record(make_project(institute=north, start_date=date(2025, 1, 1)), "400000",
               signed=date(2025, 12, 1))
    c = record(make_project(institute=south, start_date=date(2025, 1, 1)), "300000",
               signed=date(2025, 12, 1))
    record(make_project(institute=south, start_date=date(2025, 1, 1)), "900000",
           signed=date(2025, 12, 1))  # unregistered
    _register(a, number="R-A", on=date(2025, 12, 31), value="900000")
    _register(b, number="R-B", on=date(2026, 1, 1), value="400000")
    _register(c, number="R-C", on=date(2026, 2, 1), value="250000.50")
    rows = services.registered_rollup()
    assert [(r["key"][1], r["key"][3], r["contracts"], r["value"], r["registered"])
            for r in rows] == [("N", 2026, 1, D("400000"), D("400000")),
                               ("S", 2026, 1, D("300000"), D("250000.50")),
                               ("N", 2025, 1, D("1000000"), D("900000"))]
    login(client, make_user(Role.OBSERVER))
    body = tables(client.get("/contracts/registered?registered=2026").get_data(as_text=True))[0]
    assert [row[:4] for row in body["body"]] == [["2026", "N", north.name, "1"],
                                                 ["2026", "S", south.name, "1"]]
    assert body["foot"][0][-1] == "CN¥650,000.50"
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(
        "/contracts/registered?export=xlsx").data)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert any(row[-1] == 1550000.5 for row in values)  # the total of every year
    # A director sees their institute's registrations only.
    mine = app.test_client()
    login(mine, director)
    page = tables(mine.get("/contracts/registered").get_data(as_text=True))[0]
    assert {row[1] for row in page["body"]} == {"N"}
    assert page["foot"][0][-1] == "CN¥1,300,000.00"

"""HQ's pages of partners: an admin records one (every problem at once), searches and filters
the list by kind, records its agreements with their signed documents, and reads on its page
what it co-funds; the observer reads, others are turned away (the documents too)."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import _commit, make_project, make_user
from tests.gates.helpers import PDF
from tests.test_edits import tab
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.dates import today
from tracker.funding import services as funding
from tracker.partners import co_funding
from tracker.partners import services as partners
from tracker.partners.agreement_models import AgreementKind, PartnerAgreement
from tracker.partners.models import GovernmentLevel, Partner, PartnerKind
from tracker.projects.lifecycle import Phase

D = Decimal
# A valid unified social credit code (its check character matches).
USCC = "12100000466006770Q"


def _form(**values):
    return {"name": "", "name_en": "", "kind": "government", "level": "", "uscc": "",
            "city": "", "city_en": "", "note": "", **values}


def test_an_admin_records_a_partner_and_finds_it(client):
    admin = make_user(Role.HQ_ADMIN, locale="en")
    login(client, admin)
    path = "/partners/new"
    refused = post(client, path, {**tab(client, path), **_form(name="", uscc="12345")})
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "This field is required." in page
    response = post(client, path, {**tab(client, path), **_form(
        name="相城区", name_en="Xiangcheng District", level="district", uscc="bad code")})
    assert response.status_code == 400
    assert "A unified social credit code has 18 characters" in response.get_data(as_text=True)
    response = post(client, path, {**tab(client, path), **_form(
        name="相城区", name_en="Xiangcheng District", level="district", city="苏州市")})
    assert response.status_code == 302
    district = db.session.scalars(select(Partner)).one()
    assert (district.kind, district.level) == (PartnerKind.GOVERNMENT, GovernmentLevel.DISTRICT)
    # A university has no level, whatever the form says.
    response = post(client, path, {**tab(client, path), **_form(
        name="南京大学", name_en="Nanjing University", kind="university", level="city")})
    assert response.status_code == 302
    university = db.session.scalar(select(Partner).where(Partner.name == "南京大学"))
    assert university.level is None
    assert db.session.scalars(select(AuditRecord.action).where(
        AuditRecord.object_type == "partners").order_by(AuditRecord.id)).all() == [
        "partner.create", "partner.create"]
    listing = client.get("/partners/?kind=university").get_data(as_text=True)
    assert "Nanjing University" in listing and "Xiangcheng District" not in listing
    listing = client.get("/partners/?q=xiangcheng").get_data(as_text=True)
    assert "Xiangcheng District" in listing and "Nanjing University" not in listing
    # The file holds the filtered list, both names of each.
    exported = client.get("/partners/?kind=government&export=csv").get_data(as_text=True)
    assert "相城区" in exported and "Xiangcheng District" in exported
    assert "南京大学" not in exported
    # The same name twice is refused.
    response = post(client, path, {**tab(client, path), **_form(name="南京大学",
                                                                 kind="university")})
    assert "Another partner already has this name." in response.get_data(as_text=True)
    edit = f"/partners/{university.id}/edit"
    response = post(client, edit, {**tab(client, edit), **_form(
        name="南京大学", name_en="Nanjing University", kind="university", uscc=USCC)})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert db.session.get(Partner, university.id).uscc == USCC


def test_a_partner_page_shows_what_it_co_funds(client):
    committee = make_user(Role.INVESTMENT_COMMITTEE)
    agreement = funding.record_agreement(
        committee, make_project(phase=Phase.CONTRACT_RESEARCH), committed=D("3000000"),
        qualifying_round_min=D("0"), signed_on=today() - timedelta(days=30),
        conversion_deadline=today() + timedelta(days=300), co_funders=[("昆山市", D("0.5"))])
    co_funding.record_payment(committee, agreement.co_funders[0], amount=D("600000"),
                              paid_on=today())
    _commit()
    partner = agreement.co_funders[0].partner
    login(client, make_user(Role.OBSERVER, locale="en"))
    page = client.get(f"/partners/{partner.id}").get_data(as_text=True)
    assert agreement.project.code in page
    # 1 : 0.5 of 3,000,000: 1,500,000 committed, 600,000 paid, 900,000 outstanding.
    assert all(f"CN¥{n}" in page for n in ("1,500,000.00", "600,000.00", "900,000.00"))
    assert "Edit" not in page
    assert client.get(f"/partners/{partner.id}/edit").status_code == 403
    post(client, "/logout")
    login(client, make_user(Role.PROJECT_MANAGER))
    assert client.get(f"/partners/{partner.id}").status_code == 403
    assert client.get("/partners/").status_code == 403


def test_an_admin_records_an_agreement_with_its_document(client):
    admin = make_user(Role.HQ_ADMIN, locale="en")
    partner = partners.save_partner(admin, None, name="东南大学", name_en="Southeast University",
                                    kind=PartnerKind.UNIVERSITY, level=None, uscc=None)
    _commit()
    login(client, admin)
    path = f"/partners/{partner.id}/agreements/new"
    # Every problem at once: no title, a term that ends before it starts.
    refused = post(client, path, {**tab(client, path), "kind": "co_building", "title": "",
                                  "signed_on": "2026-01-10", "starts_on": "2026-02-01",
                                  "ends_on": "2026-01-01", "note": ""})
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "This field is required." in page and "The term ends after it starts." in page
    response = post(client, path, {
        **tab(client, path), "kind": "co_building", "title": "共建先进材料研究所协议",
        "signed_on": "2026-01-10", "starts_on": "2026-02-01", "ends_on": "2031-01-31",
        "note": "", "file": (io.BytesIO(PDF), "共建协议.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    agreement = db.session.scalars(select(PartnerAgreement)).one()
    assert (agreement.kind, agreement.file.original_name) == (AgreementKind.CO_BUILDING,
                                                              "共建协议.pdf")
    page = client.get(f"/partners/{partner.id}").get_data(as_text=True)
    assert "共建先进材料研究所协议" in page and "Co-building agreement" in page
    assert client.get(f"/files/{agreement.file_id}").status_code == 200
    post(client, "/logout")
    login(client, make_user(Role.PROJECT_MANAGER))
    assert client.get(f"/files/{agreement.file_id}").status_code == 404
    post(client, "/logout")
    login(client, make_user(Role.OBSERVER))
    assert client.get(f"/files/{agreement.file_id}").status_code == 200


def test_the_pages_read_in_chinese(client):
    admin = make_user(Role.HQ_ADMIN, locale="zh_CN")
    partner = partners.save_partner(admin, None, name="吴中区", name_en="Wuzhong District",
                                    kind=PartnerKind.GOVERNMENT, level=GovernmentLevel.DISTRICT)
    committee = make_user(Role.INVESTMENT_COMMITTEE)
    agreement = funding.record_agreement(
        committee, make_project(phase=Phase.CONTRACT_RESEARCH), committed=D("1000000"),
        qualifying_round_min=D("0"), signed_on=today(),
        conversion_deadline=today() + timedelta(days=300), co_funders=[("吴中区", D("1"))])
    _commit()
    login(client, admin)
    listing = client.get("/partners/").get_data(as_text=True)
    assert "合作方" in listing and "政府部门" in listing and "区县级" in listing
    assert "Wuzhong" not in listing
    page = client.get(f"/partners/{partner.id}").get_data(as_text=True)
    assert "拨投结合配套出资" in page and "登记协议" in page
    page = client.get(f"/projects/{agreement.project_id}/funding").get_data(as_text=True)
    assert "配套出资方付款" in page and "尚欠" in page and "全部出资方" in page


def test_an_agreement_is_corrected_and_its_document_replaced(client):
    admin = make_user(Role.HQ_ADMIN, locale="en")
    partner = partners.save_partner(admin, None, name="中国银行苏州分行",
                                    name_en="Bank of China Suzhou", kind=PartnerKind.BANK,
                                    level=None, uscc=None)
    agreement = partners.record_agreement(
        admin, partner, kind=AgreementKind.CREDIT, title="科技型企业授信协议",
        signed_on=today() - timedelta(days=40), starts_on=None, ends_on=None,
        upload=(io.BytesIO(PDF), "授信协议.pdf"))
    _commit()
    first_file = agreement.file_id
    login(client, admin)
    path = f"/partners/agreements/{agreement.id}/edit"
    assert "科技型企业授信协议" in client.get(path).get_data(as_text=True)
    fields = {"kind": "credit", "title": "科技型企业授信协议（2026 年版）",
              "signed_on": (today() - timedelta(days=40)).isoformat(), "starts_on": "",
              "ends_on": (today() + timedelta(days=700)).isoformat(), "note": "额度 5 亿元"}
    # A new document replaces the one on record only with the reason (issue 9, small 1).
    refused = post(client, path, {**tab(client, path), **fields,
                                  "file": (io.BytesIO(PDF), "授信协议-签章版.pdf")},
                   content_type="multipart/form-data")
    assert refused.status_code == 400
    assert ("Say why the signed document is replaced: the one on record stays in the "
            "agreement&#39;s history.") in refused.get_data(as_text=True)
    response = post(client, path, {
        **tab(client, path), **fields, "reason": "The stamped copy came back from the bank",
        "file": (io.BytesIO(PDF), "授信协议-签章版.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    agreement = db.session.get(PartnerAgreement, agreement.id)
    assert (agreement.title, agreement.note, agreement.file.original_name) == (
        "科技型企业授信协议（2026 年版）", "额度 5 亿元", "授信协议-签章版.pdf")
    # The replaced document stays the agreement's: downloadable by whoever may see the
    # agreement, and linked from its history beside the new one, with the reason.
    assert client.get(f"/files/{first_file}").status_code == 200
    history = client.get(f"/history/partner_agreements/{agreement.id}").get_data(as_text=True)
    assert "Signed document" in history and "The stamped copy came back from the bank" in history
    assert f"/files/{first_file}" in history and f"/files/{agreement.file_id}" in history
    assert db.session.scalars(select(AuditRecord.action).where(
        AuditRecord.object_type == "partner_agreements").order_by(AuditRecord.id)).all() == [
        "partner_agreement.create", "partner_agreement.update"]
    post(client, "/logout")
    login(client, make_user(Role.OBSERVER))
    assert client.get(f"/files/{first_file}").status_code == 200
    post(client, "/logout")
    login(client, make_user(Role.PROJECT_MANAGER))
    assert client.get(f"/files/{first_file}").status_code == 404
    # Corrected again without a new document: no reason asked.
    assert partners.save_agreement(
        admin, partner, agreement, kind=AgreementKind.CREDIT, title=agreement.title,
        signed_on=agreement.signed_on, starts_on=None, ends_on=agreement.ends_on,
        note="额度 6 亿元").note == "额度 6 亿元"


def test_a_partner_page_names_the_institutes_it_co_builds(client):
    from tests.factories import make_institute

    admin = make_user(Role.HQ_ADMIN, locale="en")
    university = partners.save_partner(admin, None, name="东南大学",
                                       name_en="Southeast University",
                                       kind=PartnerKind.UNIVERSITY, level=None, uscc=None)
    built = make_institute(code="JITRI-AM", name="先进材料研究所",
                           name_en="Advanced Materials Institute")
    make_institute(code="JITRI-RB", name="机器人研究所", name_en="Robotics Institute")
    built.partners.append(university)
    _commit()
    login(client, admin)
    page = client.get(f"/partners/{university.id}").get_data(as_text=True)
    assert "Institutes it co-builds" in page and "Advanced Materials Institute" in page
    assert "Robotics Institute" not in page

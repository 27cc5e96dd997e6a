"""A partner entered twice is merged by an HQ admin into the one that stays: chosen, previewed
with what moves (agreements, co-funding with its payments, institutes), then confirmed; the
merged one leads to the one that stays, both audited. Two that are not the same organisation,
or would clash once merged, are refused with the reason."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import _commit, make_institute, make_project, make_user
from tests.test_edits import tab
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.dates import today
from tracker.db import Base
from tracker.funding import services as funding
from tracker.funding.models import CoFunder
from tracker.obligations import services as obligations
from tracker.obligations.models import ReportKind, ReportObligation
from tracker.partners import co_funding, merging
from tracker.partners import services as partners
from tracker.partners.agreement_models import AgreementKind, PartnerAgreement
from tracker.partners.models import GovernmentLevel, Partner, PartnerKind
from tracker.projects.lifecycle import Phase

D = Decimal
USCC = "12100000466006770Q"


def _agreement(committee, co_funders):
    return funding.record_agreement(
        committee, make_project(phase=Phase.CONTRACT_RESEARCH), committed=D("3000000"),
        qualifying_round_min=D("0"), signed_on=today() - timedelta(days=30),
        conversion_deadline=today() + timedelta(days=300), co_funders=co_funders)


def _twice(admin, committee):
    """Suzhou entered twice: once by a co-funding agreement, once by hand with its code."""
    agreement = _agreement(committee, [("苏州市", D("0.5"))])
    co_funding.record_payment(committee, agreement.co_funders[0], amount=D("600000"),
                              paid_on=today())
    entered = agreement.co_funders[0].partner
    partners.record_agreement(admin, entered, kind=AgreementKind.CO_FUNDING,
                              title="共建协议", signed_on=today() - timedelta(days=10),
                              starts_on=None, ends_on=None, upload=None, note="")
    institute = make_institute()
    institute.partners.append(entered)
    obligations.add_obligation(committee, agreement, kind=ReportKind.PROGRESS,
                               due_on=today() + timedelta(days=60),
                               co_funder_id=agreement.co_funders[0].id)
    stays = partners.save_partner(admin, None, name="苏州市人民政府",
                                  name_en="Suzhou Municipal Government",
                                  kind=PartnerKind.GOVERNMENT, level=GovernmentLevel.CITY,
                                  uscc=USCC, city="苏州", city_en="Suzhou", note="")
    _commit()
    return agreement, entered, stays, institute


def test_an_admin_previews_then_merges_a_partner_entered_twice(client):
    admin, committee = make_user(Role.HQ_ADMIN, locale="en"), make_user(
        Role.INVESTMENT_COMMITTEE)
    agreement, entered, stays, institute = _twice(admin, committee)
    login(client, admin)
    path = f"/partners/{entered.id}/merge"
    form = tab(client, path)
    preview = post(client, path, {**form, "into": str(stays.id)})
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert "nothing is written yet" in page
    assert "Co-funding lines moved" in page and "CN¥600,000.00" in page
    # The report owed to it moves too, and the preview says so (found by a newcomer: it moved
    # unannounced).
    assert "Reports owed to it moved</dt><dd>1</dd>" in page
    db.session.expire_all()
    assert db.session.get(Partner, entered.id).merged_into_id is None  # not yet
    done = post(client, path, {**form, "into": str(stays.id), "confirmed": "1"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/partners/{stays.id}")
    db.session.expire_all()
    assert db.session.get(Partner, entered.id).merged_into_id == stays.id
    assert db.session.get(CoFunder, agreement.co_funders[0].id).partner_id == stays.id
    assert [a.partner_id for a in db.session.scalars(select(PartnerAgreement))] == [stays.id]
    assert [p.id for p in db.session.get(type(institute), institute.id).partners] == [stays.id]
    assert [o.recipient_partner_id for o in db.session.scalars(select(ReportObligation))] == [
        stays.id]
    # The merged one leads to the one that stays: its page, its name, the list.
    assert client.get(f"/partners/{entered.id}").headers["Location"].endswith(
        f"/partners/{stays.id}")
    # Its forms say where it went, and link there (409), rather than that it is not there.
    refused = client.get(f"/partners/{entered.id}/edit")
    assert refused.status_code == 409
    assert "was merged into" in refused.get_data(as_text=True)
    assert f'href="/partners/{stays.id}"' in refused.get_data(as_text=True)
    assert partners.named("苏州市").id == stays.id
    listing = client.get("/partners/").get_data(as_text=True)
    assert "Suzhou Municipal Government" in listing and f"/partners/{entered.id}\"" not in listing
    page = client.get(f"/partners/{stays.id}").get_data(as_text=True)
    assert agreement.project.code in page and "共建协议" in page
    actions = db.session.scalars(select(AuditRecord.action).where(
        AuditRecord.object_type == "partners", AuditRecord.action.like("partner.%")).order_by(
        AuditRecord.id)).all()
    assert actions[-2:] == ["partner.merge", "partner.absorb"]
    history = client.get(f"/history/partners/{stays.id}").get_data(as_text=True)
    assert "Partner merged into it" in history and "苏州市" in history
    assert "moved_agreements" not in history


def test_the_preview_counts_everything_the_merge_moves(app):
    """Every foreign key to a partner is one the merge re-points and its preview counts
    (`merging.REPOINTED`), the institutes it co-builds (counted apart) or the redirect itself:
    a new record that points at partners fails here until the merge moves it and says so."""
    pointing = {(fk.parent.table.name, fk.parent.name) for table in Base.metadata.tables.values()
                for fk in table.foreign_keys if fk.column.table.name == "partners"}
    moved = {(column.class_.__table__.name, column.key) for _key, column in merging.REPOINTED}
    assert pointing - moved == {("institute_partners", "partner_id"),
                                ("partners", "merged_into_id")}
    assert {key for key, _column in merging.REPOINTED} <= set(vars(merging.Moves(None, None)))


def test_partners_that_would_clash_or_are_not_the_same_are_refused_with_the_reason(client):
    admin, committee = make_user(Role.HQ_ADMIN, locale="en"), make_user(
        Role.INVESTMENT_COMMITTEE)
    agreement, entered, stays, _institute = _twice(admin, committee)
    # Both co-fund one agreement: merged, one co-funder would be there twice.
    _agreement(committee, [("苏州市", D("0.5")), ("苏州市人民政府", D("0.5"))])
    university = partners.save_partner(admin, None, name="苏州大学", kind=PartnerKind.UNIVERSITY,
                                       level=None, uscc=None)
    _commit()
    login(client, admin)
    path = f"/partners/{entered.id}/merge"
    refused = post(client, path, {**tab(client, path), "into": str(stays.id)})
    assert refused.status_code == 409
    assert "Both co-fund the allocation-investment agreements" in refused.get_data(
        as_text=True)
    # Another kind is not offered, and refused when posted.
    form = client.get(path).get_data(as_text=True)
    assert f'value="{university.id}"' not in form
    other_kind = post(client, path, {**tab(client, path), "into": str(university.id)})
    assert other_kind.status_code == 409
    assert "different kinds" in other_kind.get_data(as_text=True)
    assert any("different kinds" in r for r in merging.conflicts(entered, university))
    db.session.expire_all()
    assert db.session.get(Partner, entered.id).merged_into_id is None


def test_a_partner_number_past_the_database_s_integers_is_no_partner(client):
    """Hypothesis posted into=2**63: the view looked the partner up before the form checked the
    choice, and SQLite could not take the number (a 500). It names no partner: refused."""
    admin, committee = make_user(Role.HQ_ADMIN, locale="en"), make_user(
        Role.INVESTMENT_COMMITTEE)
    _agreement_, entered, _stays, _institute = _twice(admin, committee)
    login(client, admin)
    path = f"/partners/{entered.id}/merge"
    form = tab(client, path)
    refused = post(client, path, {**form, "into": str(2**63)})
    assert refused.status_code == 400
    db.session.expire_all()
    assert db.session.get(Partner, entered.id).merged_into_id is None


def test_partners_both_holding_shares_of_one_company_are_not_merged(app):
    """Merged, a company would hold one partner as two holders, and a transfer between them
    would move shares from the partner to itself (issue 9, small 4): refused, naming the
    company."""
    from tests.companies import helpers as company_helpers
    from tracker.companies import services as companies
    from tracker.companies.models import Acquisition, HolderType
    from tracker.companies.services import IssueLine

    admin, committee = make_user(Role.HQ_ADMIN, locale="en"), make_user(
        Role.INVESTMENT_COMMITTEE)
    _agreement_, entered, stays, _institute = _twice(admin, committee)
    assert merging.conflicts(entered, stays) == []
    company = company_helpers.make_company(make_project(phase=Phase.SPIN_OFF))
    company_helpers.incorporate(company)
    for name in ("苏州市", "苏州市人民政府"):
        companies.issue_shares(company_helpers.manager(), company, IssueLine(
            name, HolderType.STATE_FUND, D(1000), Acquisition.CASH), company_helpers.days_ago(5))
    _commit()
    said = (f"Both hold shares of the same companies ({company.name}): merged, the partner "
            "would be two holders there, and a transfer between them would move shares from "
            "it to itself.")
    assert merging.conflicts(entered, stays) == [said]

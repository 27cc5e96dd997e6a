"""A shareholder that is HQ, an institute, an enterprise, a partner or a user is that record,
named in the reader's language on every page, file and history that shows it; a holder the app
does not know keeps the name typed (issue 9, point 8: HQ's holding read 江苏省产业技术研究院 on
English pages)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook
from sqlalchemy import select, true

from tests.companies import helpers
from tests.conftest import login, post, shared_data
from tests.factories import _commit, make_enterprise, make_project, make_user
from tests.funding.test_conversion import funded
from tests.shared import ids_of, loaded
from tests.test_edits import tab
from tracker import db
from tracker.accounts.models import Role
from tracker.companies import holder_names
from tracker.companies import services as companies
from tracker.companies.models import Acquisition, HolderType, ShareEntry, Shareholder
from tracker.companies.services import IssueLine
from tracker.funding import services as funding
from tracker.imports import export
from tracker.imports import services as imports
from tracker.imports.models import ImportState
from tracker.names import name_key
from tracker.partners import merging
from tracker.partners.models import Partner, PartnerKind
from tracker.projects.lifecycle import Phase

D = Decimal
# Each kind of holder the app knows: (Chinese name, English name).
NAMES = {"hq": ("测试产业技术研究总院", "Test Industrial Technology HQ"),
         "institute": ("智能机器人研究所", "Intelligent Robotics Institute"),
         "enterprise": ("苏州精工机械有限公司", "Suzhou Precision Machinery"),
         "partner": ("苏州创新投资基金", "Suzhou Innovation Fund")}
PERSON = "周敏"
UNKNOWN = "不认识的天使投资人"


@pytest.fixture(scope="module")
def world_ids(app, module_connection) -> dict:
    """Built once for the module: each test goes on from it in its own savepoint."""
    with shared_data(app, module_connection):
        return ids_of(_world())


@pytest.fixture
def world(world_ids) -> dict:
    return loaded(world_ids)


def _world() -> dict:
    """A company whose founders' table names each kind of holder, typed in either language,
    spaced, cased or full-width as people type them, and one holder the app does not know."""
    project = make_project(phase=Phase.SPIN_OFF)
    project.hq.name, project.hq.name_en = NAMES["hq"]
    project.institute.name, project.institute.name_en = NAMES["institute"]
    enterprise = make_enterprise(name=NAMES["enterprise"][0], name_en=NAMES["enterprise"][1])
    partner = Partner(name=NAMES["partner"][0], name_en=NAMES["partner"][1],
                      kind=PartnerKind.INVESTOR)
    db.session.add(partner)
    person = make_user(Role.PROJECT_MANAGER, name=PERSON)
    company = helpers.make_company(project)
    helpers.incorporate(company, lines=[
        IssueLine(PERSON, HolderType.TEAM, D("5500000"), Acquisition.IP, helpers.TECHNOLOGY),
        IssueLine("  test INDUSTRIAL technology hq ", HolderType.HQ, D("2000000"),
                  Acquisition.CASH),
        IssueLine(NAMES["institute"][0], HolderType.INSTITUTE, D("1000000"), Acquisition.CASH),
        IssueLine("Ｓｕｚｈｏｕ Ｐｒｅｃｉｓｉｏｎ Ｍａｃｈｉｎｅｒｙ", HolderType.INVESTOR,
                  D("500000"), Acquisition.CASH),
        IssueLine(NAMES["partner"][1], HolderType.STATE_FUND, D("500000"), Acquisition.CASH),
        IssueLine(UNKNOWN, HolderType.INVESTOR, D("500000"), Acquisition.CASH)])
    return {"company": company, "project": project, "enterprise": enterprise,
            "partner": partner, "person": person}


def _holders(company) -> dict[str, Shareholder]:
    return {h.name: h for h in company.holders}


def test_a_holder_typed_in_either_language_is_the_record_it_names(world):
    company, project = world["company"], world["project"]
    found = {h.kind: h for h in company.holders if h.name != UNKNOWN}
    assert found[HolderType.HQ].hq_id == project.hq_id
    assert found[HolderType.INSTITUTE].institute_id == project.institute_id
    assert found[HolderType.INVESTOR].enterprise_id == world["enterprise"].id
    assert found[HolderType.STATE_FUND].partner_id == world["partner"].id
    assert found[HolderType.TEAM].user_id == world["person"].id
    unknown = _holders(company)[UNKNOWN]
    assert [getattr(unknown, c) for c in holder_names.REFERENCES] == [None] * 5
    # Named again in the other language, it is the same holder: no second line for HQ.
    before = len(company.holders)
    companies.issue_shares(helpers.manager(), company, IssueLine(
        NAMES["hq"][0], HolderType.HQ, D("100000"), Acquisition.CASH), helpers.days_ago(10))
    assert len(company.holders) == before
    assert company.entries[-1].to_holder is found[HolderType.HQ]


def test_a_new_holder_naming_a_known_one_as_another_type_is_refused(world):
    with pytest.raises(Exception, match="is a holder of the type") as refused:
        companies.issue_shares(helpers.manager(), world["company"], IssueLine(
            NAMES["hq"][0], HolderType.INVESTOR, D("1"), Acquisition.CASH), helpers.days_ago(5))
    assert NAMES["hq"][1] in str(refused.value.problems)  # named as the reader reads it


def _csv(response) -> str:
    body = response.get_data().decode("utf-8-sig")
    return "\n".join(",".join(row) for row in csv.reader(io.StringIO(body)))


def _xlsx(response) -> str:
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    return "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v)


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_every_page_file_and_history_names_each_holder_in_the_readers_language(
        client, world, locale):
    company = world["company"]
    reader = helpers.manager()
    reader.locale = locale
    _commit()
    login(client, reader)
    shown, hidden = (1, 0) if locale == "en" else (0, 1)
    pages = {path: client.get(path).get_data(as_text=True)
             for path in (f"/companies/{company.id}", f"/history/companies/{company.id}",
                          f"/companies/{company.id}/incentives")}
    pages["csv"] = _csv(client.get(f"/companies/{company.id}?export=csv"))
    pages["xlsx"] = _xlsx(client.get(f"/companies/{company.id}?export=xlsx"))
    pages["diluted"] = _csv(client.get(
        f"/companies/{company.id}/incentives?export=csv&table=diluted"))
    for where, page in pages.items():
        for kind, pair in NAMES.items():
            assert pair[shown] in page and pair[hidden] not in page, (where, kind)
        assert UNKNOWN in page and PERSON in page, where
    # Each issuance's own history names its holder so.
    for entry in db.session.scalars(select(ShareEntry).where(
            ShareEntry.company_id == company.id)):
        page = client.get(f"/history/share_entries/{entry.id}").get_data(as_text=True)
        pair = next((p for p in NAMES.values() if entry.to_holder.name in p
                     or name_key(entry.to_holder.name) == name_key(p[1])), None)
        if pair is not None:
            assert pair[shown] in page and pair[hidden] not in page, entry.to_holder.name
        else:
            assert entry.to_holder.name in page


@pytest.mark.parametrize("locale,shown", [("en", 1), ("zh_CN", 0)])
def test_the_import_file_names_each_holder_in_the_readers_language_and_reads_either(
        app, world, locale, shown):
    company = world["company"]
    with app.test_request_context(), force_locale(locale):
        row = next(row for row in export._companies(true()) if row[0] == company.name)
    cap_table = row[8]
    for kind, pair in NAMES.items():
        assert pair[shown] in cap_table and pair[1 - shown] not in cap_table, kind
    # Read back in either language, the names are the holders recorded: nothing changes.
    named = [holder_names.recorded_as(company.holders, cell.split(" | ")[0])
             for cell in cap_table.split("; ")]
    assert sorted(named) == sorted(h.name for h in company.holders)


def test_a_conversion_issues_hqs_shares_to_hq_itself(client):
    committee = make_user(Role.INVESTMENT_COMMITTEE)
    agreement, company = funded(committee, deadline=helpers.days_ago(-300))
    agreement.project.hq.name, agreement.project.hq.name_en = NAMES["hq"]
    financing = helpers.record_round(company, investors=(("Suzhou Venture Capital",
                                                          "24000000"),))
    conversion = funding.convert(committee, agreement, financing)
    _commit()
    holder = conversion.entry.to_holder
    assert holder.hq_id == agreement.project.hq_id and holder.kind is HolderType.HQ
    login(client, helpers.manager())  # English
    page = client.get(f"/companies/{company.id}").get_data(as_text=True)
    assert NAMES["hq"][1] in page and NAMES["hq"][0] not in page


@pytest.mark.parametrize("path", ["shares/new", "transfers/new", "rounds/new", "ip/new"])
def test_the_forms_offer_the_known_holders_in_the_readers_language(client, world, path):
    company = world["company"]
    helpers.register(world["project"])  # what an IP deal names
    login(client, helpers.manager())  # English
    form = client.get(f"/companies/{company.id}/{path}").get_data(as_text=True)
    assert "<datalist" in form and 'list="' in form, path
    if path == "ip/new":  # the institute holding the shares by default, as it is named
        assert f'value="{NAMES["institute"][1]}"' in form
    for pair in (NAMES["hq"], NAMES["partner"]):
        assert f'<option value="{pair[1]}">' in form and pair[0] not in form, path


def test_a_holder_chosen_from_the_offer_in_english_is_the_record(client, world):
    company = world["company"]
    login(client, helpers.manager())
    path = f"/companies/{company.id}/shares/new"
    before = len(company.holders)
    response = post(client, path, {**tab(client, path), "name": NAMES["partner"][1],
                                   "kind": "state_fund", "shares": "1000",
                                   "acquired_by": "cash",
                                   "on_date": helpers.days_ago(3).isoformat()})
    assert response.status_code == 302
    db.session.expire_all()
    entry = db.session.scalars(select(ShareEntry).order_by(ShareEntry.id.desc())).first()
    assert entry.to_holder.partner_id == world["partner"].id
    assert len(db.session.get(type(company), company.id).holders) == before


def test_a_partner_merged_takes_its_holdings_along(world):
    """The twin's shares, in a company the partner holds none of, become the partner's (two
    partners holding one company's shares are not merged: tests/partners/test_merge.py)."""
    twin = Partner(name="苏州创新投资基金有限公司", kind=PartnerKind.INVESTOR)
    db.session.add(twin)
    db.session.flush()
    company = helpers.make_company(make_project(phase=Phase.SPIN_OFF))
    helpers.incorporate(company)
    held = companies.issue_shares(helpers.manager(), company, IssueLine(
        twin.name, HolderType.STATE_FUND, D("1000"), Acquisition.CASH), helpers.days_ago(2))
    assert held.to_holder.partner_id == twin.id
    merging.merge_partner(helpers.manager(), twin, world["partner"])
    assert db.session.get(Shareholder, held.to_holder_id).partner_id == world["partner"].id


def test_a_companies_file_exported_in_english_re_imports_unchanged_in_chinese(app, world):
    """The file names each known holder in English; read on a Chinese import, each is the
    holder recorded (in Chinese, or as typed), so nothing is added or refused."""
    company = world["company"]
    admin = make_user(Role.HQ_ADMIN, locale="zh_CN")
    entries = len(company.entries)
    with app.test_request_context(), force_locale("en"):
        exported = export.export_csv("companies")
    assert NAMES["hq"][1].encode() in exported and NAMES["hq"][0].encode() not in exported
    with app.test_request_context(), force_locale("zh_CN"):
        result = imports.run_import(admin, "companies", "companies.csv", io.BytesIO(exported))
    assert result.state is ImportState.DONE, result.errors
    db.session.expire_all()
    assert len(db.session.get(type(company), company.id).entries) == entries

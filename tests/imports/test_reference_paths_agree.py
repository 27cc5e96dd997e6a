"""The bulk path of the reference data (`tracker/imports/reference_bulk.py`) writes what the
row-by-row path writes, every column of every table (`tests.imports.paths`): institutes with
their partners, enterprises with their recognitions, centres, needs in each state, users with
their roles, and the audit records of each; rows on file (updates) and an inactive user taken
by the row-by-row path between the batches'. Refused rows are refused alike, with row, column
and message, and nothing is written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.factories import (
    make_centre,
    make_enterprise,
    make_hq,
    make_institute,
    make_need,
    make_region,
    make_user,
    uscc_for,
)
from tests.imports.helpers import run
from tests.imports.paths import both_paths
from tests.imports.test_paths_agree import same
from tracker import db
from tracker.accounts.models import Role, User
from tracker.audit import chain
from tracker.imports import bulk
from tracker.imports.models import ImportState
from tracker.imports.reference_bulk import (
    BulkCentres,
    BulkEnterprises,
    BulkInstitutes,
    BulkNeeds,
    BulkUsers,
)
from tracker.organisations.models import (
    Enterprise,
    Institute,
    JointInnovationCentre,
    TechnologyNeed,
)
from tracker.partners.models import Partner, PartnerKind
from tracker.techfields.models import TechnicalField


@pytest.fixture
def admin(monkeypatch):
    make_hq()
    monkeypatch.setattr(bulk, "BATCH_SIZE", 2)
    return make_user(Role.HQ_ADMIN)


def _agree(admin, kind, rows, adapter, monkeypatch, tables):
    same(*both_paths(admin, kind, rows, adapter, monkeypatch), tables)
    assert chain.verify(db.session).intact


INSTITUTES = ["code", "name", "name_en", "field", "field_en", "type", "founded_on",
              "director_id", "region", "city", "city_en", "legal_entity", "uscc", "partner_ids"]


def test_institutes(admin, monkeypatch):
    make_region("south"), make_region("north")
    make_user(Role.PROJECT_MANAGER, email="director@import.cn")
    for name, kind in (("南京大学", PartnerKind.UNIVERSITY),
                       ("苏州市人民政府", PartnerKind.GOVERNMENT)):
        db.session.add(Partner(name=name, kind=kind))
    db.session.add(TechnicalField(code="AM", name="先进制造", name_en="Advanced manufacturing"))
    make_institute(code="IMP-OLD", name="Old name")
    rows = [INSTITUTES,
            ["imp-am", "先进材料研究所", "Advanced materials", "Advanced manufacturing",
             "Manufacturing", "independent", "2014-06-01", "director@import.cn", "south",
             "苏州", "Suzhou", "yes", uscc_for(301), "南京大学; 苏州市人民政府"],
            ["IMP-IC", "集成电路研究所", "", "芯片", "", "joint", "", "", "", "", "", "", "", ""],
            ["IMP-OLD", "New name", "", "Materials", "", "independent", "", "", "", "", "", "",
             "", ""],
            ["IMP-BIO", "生物医药研究所", "", "先进制造", "", "affiliated", "2019-01-01", "",
             "north", "徐州", "", "no", "", "南京大学"],
            ["IMP-EN", "能源研究所", "Energy", "能源", "Energy", "joint", "", "", "", "", "",
             "yes", uscc_for(302), ""]]
    _agree(admin, "institutes", rows, BulkInstitutes, monkeypatch,
           {"institutes", "institute_partners", "audit_records", "import_runs"})


ENTERPRISES = ["name", "name_en", "uscc", "city", "city_en", "industry", "industry_en",
               "size", "specialised_since", "little_giant_since", "high_tech_since",
               "tech_sme_since"]


def test_enterprises(admin, monkeypatch):
    on_file = make_enterprise(name="Pump Works")
    rows = [ENTERPRISES,
            ["恒瑞医药", "Hengrui", uscc_for(311), "连云港", "Lianyungang", "医药", "Pharma",
             "large", "2019", "2021", "2018", ""],
            ["无码公司", "", "", "", "", "", "", "", "", "", "", ""],
            ["Pump Works Ltd", "", on_file.uscc, "Suzhou", "", "Machinery", "", "", "", "",
             "", ""],
            ["小微公司", "", uscc_for(312), "南京", "", "软件", "", "micro", "", "", "2020",
             "2022"],
            ["Another", "", uscc_for(313), "", "", "", "", "small", "", "", "", ""]]
    _agree(admin, "enterprises", rows, BulkEnterprises, monkeypatch,
           {"enterprises", "enterprise_recognitions", "audit_records"})


CENTRES = ["name", "name_en", "enterprise_id", "established_on", "city", "city_en",
           "liaison_id"]


def test_centres(admin, monkeypatch):
    enterprise = make_enterprise(name="Pump Works")
    other = make_enterprise(name="Valve Co")
    make_user(Role.EVALUATOR, email="liaison@import.cn")
    make_centre(enterprise, name="On file")
    rows = [CENTRES,
            ["泵业联合创新中心", "Pump centre", enterprise.uscc, "2018-03-01", "苏州", "Suzhou",
             "liaison@import.cn"],
            ["阀门中心", "", "Valve Co", "", "", "", ""],
            ["On file", "Renamed in English", enterprise.uscc, "", "", "", ""],
            ["第三中心", "", other.uscc, "2020-01-01", "无锡", "", "liaison@import.cn"]]
    _agree(admin, "centres", rows, BulkCentres, monkeypatch,
           {"joint_innovation_centres", "audit_records"})


NEEDS = ["title", "enterprise_id", "description", "centre_id", "institute_id",
         "intended_investment", "state", "recorded_on", "matched_on"]


def test_needs_in_each_state(admin, monkeypatch):
    """With the days a need was recorded and matched, or none (issue 13)."""
    enterprise = make_enterprise(name="Pump Works")
    centre = make_centre(enterprise, name="Pump centre")
    institute = make_institute(code="IMP-RB")
    make_need(enterprise=enterprise, title="On file")
    rows = [NEEDS,
            ["Quieter pumps", enterprise.uscc, "Below 60 dB", "Pump centre", "IMP-RB",
             "8,000,000", "matched", "2016-03-15", "2016-09-01"],
            ["Seals", "Pump Works", "", "", "", "", "collected", "2017-01-05", ""],
            ["On file", "Pump Works", "Described now", "", "", "100", "analysed", "", ""],
            ["Coatings", "Pump Works", "", "Pump centre", "", "0", "analysed", "", ""],
            ["Sensors", "Pump Works", "", "", "IMP-RB", "", "contracted", "2015-06-01",
             "2015-08-01"],
            ["Gone", "Pump Works", "", "", "", "", "closed", "", ""]]
    _agree(admin, "needs", rows, BulkNeeds, monkeypatch, {"technology_needs", "audit_records"})
    assert centre.id and institute.id


USERS = ["email", "name", "roles", "locale", "institute_id", "enterprise_id", "active"]


def test_users_with_roles(admin, monkeypatch):
    make_institute(code="IMP-RB")
    enterprise = make_enterprise(name="Pump Works")
    make_user(Role.OBSERVER, email="old@import.cn")
    rows = [USERS,
            ["PM@Import.cn", " 李强 ", "项目经理, HQ evaluator", "zh_CN", "IMP-RB", "", ""],
            ["contact@import.cn", "Contact", "enterprise_contact", "en", "", enterprise.uscc,
             "yes"],
            ["gone@import.cn", "Left", "observer", "", "", "", "no"],
            ["old@import.cn", "Renamed", "observer", "en", "", "", ""],
            ["committee@import.cn", "委员", "investment_committee, observer", "", "", "", ""],
            ["plain@import.cn", "No roles", "", "", "", "", ""]]
    _agree(admin, "users", rows, BulkUsers, monkeypatch,
           {"users", "role_grants", "audit_records"})


def _count(*models) -> list[int]:
    return [db.session.scalar(select(func.count()).select_from(m)) for m in models]


REFUSED = {
    "institutes": (BulkInstitutes, [
        INSTITUTES,
        ["IMP-A", "A", "", "Materials", "", "joint", "", "", "", "", "", "yes", uscc_for(321),
         ""],
        # A record on file given the credit code a row before holds (written before it).
        ["IMP-ON", "On file", "", "Materials", "", "joint", "", "", "", "", "", "yes",
         uscc_for(321), ""],
        # The credit code the row before holds (the service sees it on either path).
        ["IMP-B", "B", "", "Materials", "", "joint", "", "", "", "", "", "yes", uscc_for(321),
         ""],
        # The form refuses the name; the service, asked too, the code the first row holds.
        ["IMP-C", "", "", "Materials", "", "joint", "", "", "", "", "", "yes", uscc_for(321),
         ""],
        ["IMP-D", "D", "", "Materials", "", "joint", "", "contact@import.cn", "", "", "", "no",
         uscc_for(322), ""],
        ["IMP-TAKEN", "E", "", "Materials", "", "joint", "", "", "", "", "", "yes",
         uscc_for(320), ""],
        ["imp-a", "Again", "", "Materials", "", "joint", "", "", "", "", "", "", "", ""],
        # A row held, then one the form refuses with its credit code: the service asked too
        # sees the row held before it.
        ["IMP-F", "F", "", "Materials", "", "joint", "", "", "", "", "", "yes", uscc_for(323),
         ""],
        ["IMP-G", "G", "", "", "", "joint", "", "", "", "", "", "yes", uscc_for(323), ""]]),
    "enterprises": (BulkEnterprises, [
        ENTERPRISES,
        ["Fine", "", uscc_for(331), "", "", "", "", "", "", "", "", ""],
        ["Twice", "", uscc_for(331), "", "", "", "", "", "", "", "", ""],
        ["Bad code", "", uscc_for(332)[:-1] + ("0" if uscc_for(332)[-1] != "0" else "1"),
         "", "", "", "", "", "", "", "", ""],
        ["Giant", "", uscc_for(333), "", "", "", "", "", "2020", "2019", "", ""]]),
    "users": (BulkUsers, [
        USERS,
        ["fine@import.cn", "Fine", "observer", "", "", "", ""],
        ["FINE@import.cn", "Twice", "observer", "", "", "", ""],
        ["nobody@import.cn", "Nobody", "observer", "", "IMP-NONE", "", ""],
        ["contact@import.cn", "On file", "enterprise_contact", "", "", "Pump Works", ""],
        ["lonely@import.cn", "Contact", "enterprise_contact, observer", "", "", "", ""],
        ["quiet@import.cn", "Quiet", "observer", "", "", "", "no"],
        ["quiet@import.cn", "Quiet again", "observer", "", "", "", ""]]),
    "centres": (BulkCentres, [
        CENTRES,
        ["Fine", "", "Pump Works", "", "苏州", "", ""],
        ["PM's", "", "Pump Works", "", "", "", "pm@import.cn"],
        ["Nobody's", "", "Nobody Ltd", "", "", "", ""],
        ["Fine", "", "Pump Works", "", "苏州", "", ""]]),
    "needs": (BulkNeeds, [
        NEEDS,
        ["Fine", "Pump Works", "", "", "", "", "collected", "", ""],
        ["Unmatched", "Pump Works", "", "", "", "", "matched", "", ""],
        ["Elsewhere", "Valve Co", "", "Pump centre", "", "", "analysed", "", ""],
        ["Fine", "Pump Works", "", "", "", "", "analysed", "", ""],
        ["Nowhere", "Pump Works", "", "", "IMP-NONE", "", "collected", "", ""],
        ["Backwards", "Pump Works", "", "", "", "", "collected", "2016-03-15", "2016-02-01"]]),
}


@pytest.mark.parametrize("kind", list(REFUSED))
def test_refused_rows_are_refused_alike_and_nothing_is_written(admin, monkeypatch, kind):
    """A credit code held or given twice, a bad check character, a recognition without the
    one it needs, a director behind a wall, a code given twice, an e-mail given twice (once
    by a row the row-by-row path saves: an inactive user), an unknown institute, an
    enterprise contact with another role, a liaison who may not be one, a centre given twice,
    a matched need without its institute, a centre of another enterprise; rows on file
    (updates) between them. The service asked about a row the form refused, or about a
    record on file, sees the new rows before it (a credit code they hold)."""
    enterprise = make_enterprise(name="Pump Works")
    make_enterprise(name="Valve Co")
    make_centre(enterprise, name="Pump centre")
    make_institute(code="IMP-ON", uscc=uscc_for(320), legal_entity=True)
    make_user(Role.ENTERPRISE_CONTACT, email="contact@import.cn", enterprise_id=enterprise.id)
    make_user(Role.PROJECT_MANAGER, email="pm@import.cn")
    adapter, rows = REFUSED[kind]
    models = (Institute, Enterprise, User, JointInnovationCentre, TechnologyNeed)
    before = _count(*models)
    in_bulk = run(admin, kind, rows)
    assert in_bulk.state is ImportState.FAILED
    assert len(in_bulk.errors) >= len(rows) - 3, in_bulk.errors
    assert _count(*models) == before
    monkeypatch.setattr(adapter, "batch", lambda self, actor: None)
    assert run(admin, kind, rows).errors == in_bulk.errors
    assert _count(*models) == before

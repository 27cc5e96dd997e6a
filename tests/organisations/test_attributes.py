"""What organisations carry for the reports (issue 15): an institute's region, city, whether it
is a legal entity of its own and its credit code; an enterprise's size and recognitions, each
with its year. HQ admins edit them on the forms (every problem at once, 409 on a stale page),
the pages show them, the lists filter by them, the files and the imports carry them."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import (
    make_enterprise,
    make_hq,
    make_institute,
    make_region,
    make_user,
    uscc_for,
)
from tests.imports.helpers import run
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.dates import today
from tracker.errors import Invalid
from tracker.imports.models import ImportState
from tracker.organisations import services
from tracker.organisations.models import Enterprise, EnterpriseSize, Institute


def _institute_form(institute, **changes) -> dict:
    return {"code": institute.code, "name": institute.name, "field": institute.field,
            "type": institute.type.value, "director_id": "0",
            "version": str(institute.version), **changes}


def _enterprise_form(enterprise, **changes) -> dict:
    return {"name": enterprise.name, "uscc": enterprise.uscc or "",
            "version": str(enterprise.version), **changes}


def _last_change(object_type: str, object_id: int) -> dict:
    return db.session.scalars(select(AuditRecord).where(
        AuditRecord.object_type == object_type, AuditRecord.object_id == object_id)
        .order_by(AuditRecord.id.desc())).first().changes


def test_an_admin_records_an_institutes_region_city_and_legal_entity(client):
    institute, north = make_institute(), make_region("north")
    code = uscc_for(901)
    login(client, make_user(Role.HQ_ADMIN, locale="zh_CN"))
    response = post(client, f"/institutes/{institute.id}/edit", _institute_form(
        institute, region_id=str(north.id), city="徐州", city_en="Xuzhou", legal_entity="y",
        uscc=code.lower()))
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(institute)
    assert (institute.region, institute.city, institute.city_en, institute.legal_entity,
            institute.uscc) == (north, "徐州", "Xuzhou", True, code)
    changes = _last_change("institutes", institute.id)
    assert changes["region_id"] == [None, north.id] and changes["legal_entity"] == [False, True]
    page = client.get(f"/institutes/{institute.id}").get_data(as_text=True)
    assert "苏北" in page and "徐州" in page and code in page
    english = client.application.test_client()
    login(english, make_user(Role.OBSERVER))
    page = english.get(f"/institutes/{institute.id}").get_data(as_text=True)
    assert "Northern Jiangsu" in page and "Xuzhou" in page


def test_the_institute_form_says_every_problem_at_once(client):
    taken = make_institute(legal_entity=True, uscc=uscc_for(902))
    institute = make_institute()
    login(client, make_user(Role.HQ_ADMIN))
    # A code without being a legal entity; the code of another institute (same code).
    response = post(client, f"/institutes/{institute.id}/edit", _institute_form(
        institute, code=taken.code, uscc=uscc_for(903), region_id="nowhere"))
    assert response.status_code == 400
    assert 'id="region_id-error"' in response.get_data(as_text=True)
    response = post(client, f"/institutes/{institute.id}/edit", _institute_form(
        institute, code=taken.code, uscc=uscc_for(903)))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Another institute already has this code." in page
    assert "Only an institute that is a legal entity of its own has a unified social" in page
    response = post(client, f"/institutes/{institute.id}/edit", _institute_form(
        institute, legal_entity="y", uscc=taken.uscc))
    assert response.status_code == 400
    assert "Another institute already has this code." in response.get_data(as_text=True)
    good = uscc_for(904)
    response = post(client, f"/institutes/{institute.id}/edit", _institute_form(
        institute, legal_entity="y", uscc=good[:17] + ("1" if good[17] != "1" else "2")))
    assert response.status_code == 400
    assert "The check character" in response.get_data(as_text=True)
    db.session.refresh(institute)
    assert institute.uscc is None and not institute.legal_entity


def test_an_admin_records_an_enterprises_size_and_recognitions(client):
    enterprise = make_enterprise(name="纳芯微")
    login(client, make_user(Role.HQ_ADMIN, locale="zh_CN"))
    response = post(client, f"/enterprises/{enterprise.id}/edit", _enterprise_form(
        enterprise, size="medium", specialised_since="2020", little_giant_since="2021",
        high_tech_since="2024"))
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(enterprise)
    assert (enterprise.size, enterprise.specialised_since, enterprise.little_giant_since,
            enterprise.high_tech_since, enterprise.tech_sme_since) == (
        EnterpriseSize.MEDIUM, 2020, 2021, 2024, None)
    changes = _last_change("enterprises", enterprise.id)
    assert changes["size"] == [None, "medium"] and changes["little_giant_since"] == [None, 2021]
    page = client.get(f"/enterprises/{enterprise.id}").get_data(as_text=True)
    assert "中型企业" in page and "2021" in page and "高新技术企业" in page


def test_the_enterprise_form_says_every_problem_at_once_and_a_stale_page_is_refused(client):
    enterprise = make_enterprise()
    login(client, make_user(Role.HQ_ADMIN))
    next_year = str(today().year + 1)
    response = post(client, f"/enterprises/{enterprise.id}/edit", _enterprise_form(
        enterprise, uscc="91AB0000MA1234567X", high_tech_since=next_year,
        tech_sme_since="1985"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter a year from 1991 to 2100." in page and "1,991" not in page
    response = post(client, f"/enterprises/{enterprise.id}/edit", _enterprise_form(
        enterprise, uscc="91AB0000MA1234567X", high_tech_since=next_year))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "A recognition is granted in a year that has come" in page
    assert "Characters 3 to 8 are the region code" in page
    stale = _enterprise_form(enterprise, size="small")
    assert post(client, f"/enterprises/{enterprise.id}/edit", _enterprise_form(
        enterprise, size="micro")).status_code == 302
    assert post(client, f"/enterprises/{enterprise.id}/edit", stale).status_code == 409
    db.session.refresh(enterprise)
    assert enterprise.size is EnterpriseSize.MICRO


def test_the_lists_filter_by_region_size_and_recognition_and_the_files_carry_them(client):
    north = make_institute(name="North institute", region=make_region("north"), city="徐州",
                           city_en="Xuzhou")
    make_institute(name="South institute", region=make_region("south"))
    make_enterprise(name="Giant Co", size=EnterpriseSize.MEDIUM, specialised_since=2019,
                    little_giant_since=2022)
    make_enterprise(name="Big Co", size=EnterpriseSize.LARGE, high_tech_since=2023)
    login(client, make_user(Role.OBSERVER))
    page = client.get(f"/institutes/?region={north.region_id}").get_data(as_text=True)
    assert "North institute" in page and "South institute" not in page
    page = client.get("/enterprises/?size=medium").get_data(as_text=True)
    assert "Giant Co" in page and "Big Co" not in page
    page = client.get("/enterprises/?recognition=high_tech_since").get_data(as_text=True)
    assert "Big Co" in page and "Giant Co" not in page
    rows = list(csv.DictReader(io.StringIO(
        client.get(f"/institutes/?export=csv&region={north.region_id}").get_data(as_text=True).lstrip(
            "\ufeff"))))
    assert [(r["Code"], r["Region"], r["City in English"]) for r in rows] == [
        (north.code, "Northern Jiangsu", "Xuzhou")]
    rows = list(csv.DictReader(io.StringIO(
        client.get("/enterprises/?export=csv&size=medium").get_data(as_text=True).lstrip(
            "\ufeff"))))
    assert [(r["Name"], r["Enterprise size"], r["Little giant (national specialised SME)"],
             r["High-tech enterprise"]) for r in rows] == [
        ("Giant Co", "Medium enterprise", "2022", "")]


def test_the_imports_carry_the_attributes_with_the_forms_checks():
    north = make_region("north")
    admin = make_user(Role.HQ_ADMIN)
    code = uscc_for(905)
    job = run(admin, "institutes", [
        ["Code", "Name", "Field", "Type", "Region", "City", "A legal entity of its own",
         "Unified social credit code"],
        ["IMP-X", "徐州研究所", "Machinery", "independent", "苏北", "徐州", "是", code]])
    assert (job.state, job.created, job.errors) == (ImportState.DONE, 1, []), job.errors
    institute = db.session.scalar(select(Institute).where(Institute.code == "IMP-X"))
    assert (institute.region, institute.city, institute.legal_entity, institute.uscc) == (
        north, "徐州", True, code)
    job = run(admin, "enterprises", [
        ["Name", "Enterprise size", "High-tech enterprise", "Technology-based SME"],
        ["Small Co", "small", "2024", str(today().year + 1)]])
    assert job.state is not ImportState.DONE
    assert any("A recognition is granted in a year that has come" in str(e)
               for e in job.errors), job.errors
    job = run(admin, "enterprises", [
        ["Name", "Enterprise size", "High-tech enterprise"], ["Small Co", "小型企业", "2024"]])
    assert (job.state, job.created) == (ImportState.DONE, 1), job.errors
    enterprise = db.session.scalar(select(Enterprise).where(Enterprise.name == "Small Co"))
    assert (enterprise.size, enterprise.high_tech_since) == (EnterpriseSize.SMALL, 2024)


def test_an_admin_names_an_institutes_co_building_partners(client):
    from tracker.partners.models import Partner, PartnerKind

    university = Partner(name="南京大学", name_en="Nanjing University",
                         kind=PartnerKind.UNIVERSITY, city="", note="")
    city = Partner(name="徐州市人民政府", kind=PartnerKind.GOVERNMENT, city="", note="")
    bank = Partner(name="江苏银行", kind=PartnerKind.BANK, city="", note="")
    db.session.add_all([university, city, bank])
    db.session.commit()
    institute = make_institute()
    login(client, make_user(Role.HQ_ADMIN))
    form = client.get(f"/institutes/{institute.id}/edit").get_data(as_text=True)
    assert "Nanjing University" in form and "江苏银行" not in form  # a bank builds none
    response = post(client, f"/institutes/{institute.id}/edit", _institute_form(
        institute, partner_ids=[str(university.id), str(bank.id)]))
    assert response.status_code == 400
    assert "Choose universities, research institutes or government bodies" in (
        response.get_data(as_text=True))
    response = post(client, f"/institutes/{institute.id}/edit", _institute_form(
        institute, partner_ids=[str(university.id), str(city.id)]))
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(institute)
    assert sorted(p.id for p in institute.partners) == sorted([university.id, city.id])
    assert _last_change("institutes", institute.id)["partner_ids"] == [
        None, sorted([university.id, city.id])]
    page = client.get(f"/institutes/{institute.id}").get_data(as_text=True)
    assert "Nanjing University" in page and "徐州市人民政府" in page
    rows = list(csv.DictReader(io.StringIO(client.get("/institutes/?export=csv").get_data(
        as_text=True).lstrip("\ufeff"))))
    assert [r["Co-building partners"] for r in rows if r["Code"] == institute.code] == [
        "南京大学; 徐州市人民政府"]
    # Saved again without a change of partners: nothing about them in the trail.
    response = post(client, f"/institutes/{institute.id}/edit", _institute_form(
        institute, name="Renamed", partner_ids=[str(university.id), str(city.id)]))
    assert response.status_code == 302
    assert "partner_ids" not in _last_change("institutes", institute.id)


def _years(enterprise, key="high_tech_since"):
    db.session.expire(enterprise)
    return [r.year for r in enterprise.recognition_years if r.recognition == key]


def test_a_recognition_keeps_each_year_it_was_granted_through_edits_and_reimports(client):
    make_hq()
    admin = make_user(Role.HQ_ADMIN, locale="zh_CN")
    code = uscc_for(901)
    header = ["Name", "Unified social credit code", "High-tech enterprise"]
    assert run(admin, "enterprises", [header, ["纳芯微", code, "2016"]]).created == 1
    enterprise = db.session.scalar(select(Enterprise).where(Enterprise.uscc == code))
    login(client, admin)
    response = post(client, f"/enterprises/{enterprise.id}/edit", _enterprise_form(
        enterprise, high_tech_since="2019"))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert _years(enterprise) == [2016, 2019]
    # A re-import with the latest year adds it; the same file again changes nothing.
    assert run(admin, "enterprises", [header, ["纳芯微", code, "2022"]]).updated == 1
    assert run(admin, "enterprises", [header, ["纳芯微", code, "2022"]]).unchanged == 1
    assert _years(enterprise) == [2016, 2019, 2022]
    page = client.get(f"/enterprises/{enterprise.id}").get_data(as_text=True)
    assert "高新技术企业：2016、2019、2022" in page
    # A last year lowered by hand corrects a mistake: the years after it were never granted.
    response = post(client, f"/enterprises/{enterprise.id}/edit", _enterprise_form(
        enterprise, high_tech_since="2021"))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert _years(enterprise) == [2016, 2019, 2021]
    # No longer held: the years stay, and the page says it is not held now.
    response = post(client, f"/enterprises/{enterprise.id}/edit", _enterprise_form(
        enterprise, high_tech_since=""))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert _years(enterprise) == [2016, 2019, 2021]
    page = client.get(f"/enterprises/{enterprise.id}").get_data(as_text=True)
    assert "2016、2019、2021" in page and "不再持有" in page


def test_an_institutes_director_is_one_of_the_networks_staff(client):
    """An external expert or an enterprise contact sees only their reviews or needs: named
    director, they could see none of the institute's projects (the tester's 王建国). They are
    not offered, and refused when posted; an active staff account is taken."""
    institute = make_institute()
    expert = make_user(Role.EXTERNAL_EXPERT, name="外部专家王")
    contact = make_user(Role.ENTERPRISE_CONTACT, enterprise_id=make_enterprise().id,
                        name="企业联系人周")
    staff = make_user(Role.EVALUATOR, name="评审员张")
    login(client, make_user(Role.HQ_ADMIN))
    path = f"/institutes/{institute.id}/edit"
    page = client.get(path).get_data(as_text=True)
    assert "评审员张" in page and "外部专家王" not in page and "企业联系人周" not in page
    for limited in (expert, contact):
        refused = post(client, path, _institute_form(institute, director_id=str(limited.id)))
        assert refused.status_code == 400  # not among the choices
        with pytest.raises(Invalid, match="not an external expert"):  # an import's row too
            services.save_institute(expert, institute, code=institute.code,
                                    name=institute.name, director_id=limited.id)
        db.session.rollback()
    assert post(client, path, _institute_form(
        institute, director_id=str(staff.id))).status_code == 302
    db.session.refresh(institute)
    assert institute.director_id == staff.id

"""Importing institutes, enterprises, centres, needs and users: the same checks as the pages,
all rows or none, idempotent by natural key, audited as the import that changed them."""

from __future__ import annotations

import io
from decimal import Decimal

from flask_babel import force_locale
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from tests.factories import make_enterprise, make_hq, make_institute, make_user, uscc_for
from tests.imports.helpers import run
from tracker import db
from tracker.accounts import services as accounts
from tracker.accounts.models import Role, User
from tracker.accounts.passwords import NO_PASSWORD, verify_password
from tracker.audit.models import AuditRecord
from tracker.imports import services
from tracker.imports.models import ImportState
from tracker.organisations.models import (
    Enterprise,
    Institute,
    InstituteType,
    JointInnovationCentre,
    NeedState,
    TechnologyNeed,
)
from tracker.partners.models import Partner, PartnerKind

INSTITUTES = [
    ["Code", "Name", "Field", "Type", "Founded on"],
    ["imp-am", "Advanced materials", "Materials", "Independent legal entity", "2014/6/1"],
    ["IMP-IC", "Integrated circuits", "Chips", "joint", "2016-03-15"],
]


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_institutes_are_created_then_a_second_import_changes_nothing():
    make_hq()
    admin = make_user(Role.HQ_ADMIN)
    first = run(admin, "institutes", INSTITUTES)
    assert (first.state, first.created, first.errors) == (ImportState.DONE, 2, [])
    am = db.session.scalar(select(Institute).where(Institute.code == "IMP-AM"))
    assert am.type is InstituteType.INDEPENDENT and am.founded_on.isoformat() == "2014-06-01"
    records = _count(AuditRecord)
    again = run(admin, "institutes", INSTITUTES)
    assert (again.state, again.created, again.updated, again.unchanged) == (
        ImportState.DONE, 0, 0, 2)
    # Only the run itself is recorded: no record of any institute.
    assert _count(AuditRecord) == records + 1


def test_a_changed_row_updates_by_code_and_the_audit_names_the_import():
    make_hq()
    admin = make_user(Role.HQ_ADMIN)
    run(admin, "institutes", INSTITUTES)
    changed = [INSTITUTES[0], INSTITUTES[1], [*INSTITUTES[2][:2], "Semiconductors",
                                              *INSTITUTES[2][3:]]]
    second = run(admin, "institutes", changed)
    assert (second.created, second.updated, second.unchanged) == (0, 1, 1)
    ic = db.session.scalar(select(Institute).where(Institute.code == "IMP-IC"))
    assert ic.field == "Semiconductors"
    record = db.session.scalar(select(AuditRecord).where(
        AuditRecord.action == "institute.update", AuditRecord.object_id == ic.id))
    assert record.changes["field"] == ["Chips", "Semiconductors"]
    assert record.changes["import"] == [None, second.id]
    assert _count(Institute) == 2


def test_one_bad_row_imports_nothing_and_names_its_row_and_column():
    make_hq()
    admin = make_user(Role.HQ_ADMIN)
    rows = [*INSTITUTES, ["IMP-BIO", "Biomedicine", "Biology", "a kind nobody knows", ""]]
    result = run(admin, "institutes", rows)
    assert result.state is ImportState.FAILED
    assert result.errors == [[4, "Type", "Not one of the choices: a kind nobody knows. Write one "
                              "of independent (Independent legal entity), joint (Jointly "
                              "built), affiliated (Affiliated), by its code or its label in "
                              "English or Chinese."]]
    assert _count(Institute) == 0


def test_the_forms_own_checks_apply_and_every_bad_row_is_listed():
    make_hq()
    admin = make_user(Role.HQ_ADMIN)
    rows = [INSTITUTES[0], INSTITUTES[1],
            ["", "No code", "Field", "joint", ""],           # the form: required
            ["IMP-X", "Too old", "Field", "joint", "1066-10-14"],  # the date field's range
            ["IMP-AM", "Twice", "Materials", "joint", ""]]   # the same record twice
    result = run(admin, "institutes", rows)
    assert [(row, column) for row, column, _m in result.errors] == [
        (3, "Code"), (4, "Founded on"), (5, "Code")]
    assert "Row 2" in result.errors[-1][2]
    assert _count(Institute) == 0


def test_a_services_refusal_is_named_by_row_and_column_in_the_users_language():
    admin = make_user(Role.HQ_ADMIN)
    bad = uscc_for(5)[:-1] + ("0" if uscc_for(5)[-1] != "0" else "1")
    with force_locale("zh_CN"):
        result = run(admin, "enterprises", [["名称", "统一社会信用代码"], ["甲公司", uscc_for(4)],
                                            ["乙公司", bad]])
        assert result.errors == [[3, "统一社会信用代码", result.errors[0][2]]]
        assert "校验码" in result.errors[0][2]
    with force_locale("en"):  # and in English to an English reader, the column as headed
        assert result.errors[0][1] == "统一社会信用代码"
        assert "check character" in result.errors[0][2]
    assert _count(Enterprise) == 0


def test_a_dry_run_says_what_would_change_and_writes_nothing():
    make_hq()
    admin = make_user(Role.HQ_ADMIN)
    result = run(admin, "institutes", INSTITUTES, dry_run=True)
    assert (result.state, result.created) == (ImportState.CHECKED, 2)
    assert [c[:2] for c in result.changes] == [[2, "created"], [3, "created"]]
    assert _count(Institute) == 0


def test_unknown_and_missing_columns_are_refused_before_any_row():
    admin = make_user(Role.HQ_ADMIN)
    result = run(admin, "enterprises", [["Nom", "City"], ["x", "y"]])
    assert result.state is ImportState.FAILED
    assert [(r, c) for r, c, _m in result.errors] == [(1, "Nom"), (1, "Name")]


def test_centres_and_needs_find_their_enterprise_centre_and_institute_by_key():
    admin = make_user(Role.HQ_ADMIN)
    enterprise = make_enterprise(name="恒瑞医药")
    institute = make_institute(code="IMP-BIO")
    centres = run(admin, "centres", [["名称", "Enterprise credit code or name", "City"],
                                     ["恒瑞-产研院联合创新中心", enterprise.uscc, "连云港"]])
    assert centres.state is ImportState.DONE
    needs = [["Title", "Enterprise credit code or name", "Joint innovation centre",
              "Matched to institute (code)", "Intended investment (CNY)", "State"],
             ["连续流合成", "恒瑞医药", "恒瑞-产研院联合创新中心", "imp-bio", "8,000,000",
              "已对接"]]
    done = run(admin, "needs", needs)
    assert done.state is ImportState.DONE, done.errors
    need = db.session.scalar(select(TechnologyNeed))
    centre = db.session.scalar(select(JointInnovationCentre))
    assert (need.centre_id, need.institute_id, need.state, need.intended_investment) == (
        centre.id, institute.id, NeedState.MATCHED, Decimal("8000000.00"))
    # The service's rule: a matched need names its institute.
    unmatched = [needs[0], ["Another", "恒瑞医药", "", "", "", "matched"]]
    result = run(admin, "needs", unmatched)
    assert result.errors == [[2, "Matched to institute (code)",
                              "A matched need names the institute it was matched to."]]
    assert run(admin, "needs", needs).unchanged == 1


def test_a_reference_to_nothing_is_an_error_of_its_cell():
    admin = make_user(Role.HQ_ADMIN)
    result = run(admin, "centres", [["Name", "Enterprise credit code or name"],
                                    ["Centre", "Nobody Ltd"]])
    assert result.errors == [[2, "Enterprise credit code or name",
                              "No enterprise has the credit code or name Nobody Ltd."]]


def test_users_with_roles_by_label_in_either_language():
    admin = make_user(Role.HQ_ADMIN)
    make_institute(code="IMP-RB")
    rows = [["E-mail", "Full name", "Roles", "Language", "Institute code", "Active"],
            ["PM@Example.cn", "李强", "项目经理, HQ evaluator", "简体中文", "IMP-RB", ""],
            ["gone@example.cn", "Left", "observer", "en", "", "no"]]
    result = run(admin, "users", rows)
    assert (result.state, result.created) == (ImportState.DONE, 2), result.errors
    pm = db.session.scalar(select(User).where(User.email == "pm@example.cn"))
    assert sorted(g.role.value for g in pm.role_grants) == ["evaluator", "project_manager"]
    assert pm.locale == "zh_CN" and pm.must_change_password and pm.institute.code == "IMP-RB"
    gone = db.session.scalar(select(User).where(User.email == "gone@example.cn"))
    assert not gone.active
    assert run(admin, "users", rows).unchanged == 2
    # A file without the Active column leaves the accounts as they are.
    assert run(admin, "users", [r[:5] for r in rows]).unchanged == 2


def test_an_imported_user_has_no_password_until_an_hq_admin_resets_one():
    """No Argon2 hash of a random password nobody would know (two thirds of the large demo
    seed's time went into making 995 of them): the marker of none, which no password matches,
    checked against the dummy hash as an unknown account is; the admin's reset gives one."""
    admin = make_user(Role.HQ_ADMIN)
    result = run(admin, "users", [["email", "name", "roles"],
                                  ["new@example.cn", "Zhou Min", "observer"]])
    assert result.state is ImportState.DONE, result.errors
    user = accounts.find_by_email("new@example.cn")
    assert user.password_hash == NO_PASSWORD and user.must_change_password
    for password in ("", NO_PASSWORD, "!sso", "Zhou Min 2024!"):
        assert not verify_password(user.password_hash, password)
    accounts.reset_password(admin, user, "Lantern-orbit-77")
    assert verify_password(user.password_hash, "Lantern-orbit-77")


def test_xlsx_with_chinese_headers_numbers_and_dates_as_excel_stores_them():
    make_hq()
    admin = make_user(Role.HQ_ADMIN)
    book = Workbook()
    with force_locale("zh_CN"):
        kind = services.ADAPTERS["institutes"].kind
        headers = [str(kind.column(key).header)
                   for key in ("code", "name", "field", "type", "founded_on")]
    book.active.append(headers)
    from datetime import datetime

    book.active.append(["IMP-7", "第七研究所", "材料", "独立法人", datetime(2019, 11, 5)])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    result = services.run_import(admin, "institutes", "i.xlsx", out)
    assert result.state is ImportState.DONE, result.errors
    assert db.session.scalar(select(Institute.founded_on)).isoformat() == "2019-11-05"


def test_only_hq_admins_import():
    import pytest

    from tracker.errors import Forbidden

    with pytest.raises(Forbidden):
        run(make_user(Role.OBSERVER), "institutes", INSTITUTES)


def test_templates_carry_the_headers_the_import_reads(client):
    from tests.conftest import login

    login(client, make_user(Role.HQ_ADMIN))
    csv_text = client.get("/admin/import/templates/needs.csv").get_data(as_text=True)
    assert csv_text.lstrip("\ufeff").startswith("Title,Enterprise credit code or name")
    xlsx = client.get("/admin/import/templates/users.xlsx")
    book = load_workbook(io.BytesIO(xlsx.data), read_only=True)
    assert next(book.worksheets[0].iter_rows(values_only=True))[:2] == ("E-mail", "Full name")


def test_the_readme_documents_every_column_of_every_kind():
    from pathlib import Path

    from tracker.imports.columns import KINDS

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    with force_locale("en"):
        missing = [f"{kind.name}.{c.key}" for kind in KINDS.values() for c in kind.columns
                   if f"| {c.header} (`{c.shown}`) |" not in readme]
    assert missing == []


def test_a_cancelled_import_keeps_nothing_of_the_rows_already_saved():
    make_hq()
    admin = make_user(Role.HQ_ADMIN)
    rows = [INSTITUTES[0]] + [[f"IMP-{n}", f"Institute {n}", "Materials", "joint", ""]
                              for n in range(120)]
    seen = []
    result = run(admin, "institutes", rows, progress=lambda done, total: seen.append(done),
                 cancelled=lambda: len(seen) >= 2)
    assert result.state is ImportState.CANCELLED
    assert seen[:2] == [50, 100]
    assert _count(Institute) == 0


def test_the_command_line_imports_with_a_bar_and_says_what_it_refused(app, tmp_path):
    from tests.imports.helpers import csv_bytes

    make_hq()
    make_user(Role.HQ_ADMIN, email="only-admin@example.cn")
    bad = tmp_path / "institutes.csv"
    bad.write_bytes(csv_bytes([*INSTITUTES, ["IMP-X", "X", "F", "nonsense", ""]]))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import", "institutes", str(bad), "--lang", "en",
                                 "--as", "only-admin@example.cn"])
    assert result.exit_code == 1
    assert "row 4, Type: Not one of the choices: nonsense. Write one of" in result.output
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(INSTITUTES))
    result = runner.invoke(args=["import", "institutes", str(good), "--dry-run", "--lang", "en",
                                 "--as", "only-admin@example.cn"])
    assert result.exit_code == 0 and "2 would be created" in result.output
    assert _count(Institute) == 0


def test_a_row_the_form_refuses_also_gets_the_services_checks():
    """Issue 9: a row with a form error (no name, no field) also hears what the service finds
    wrong with its other cells (a code another institute has, a credit code of an institute
    that is no legal entity), in one answer, as the page's form does."""
    make_hq()
    admin = make_user(Role.HQ_ADMIN)
    make_institute(code="IMP-AM", uscc=uscc_for(6), legal_entity=True)
    before = _count(Institute)
    result = run(admin, "institutes", [
        ["Code", "Name", "Field", "Type", "A legal entity of its own",
         "Unified social credit code"],
        ["IMP-X", "", "Materials", "joint", "yes", uscc_for(6)],
        ["IMP-Y", "New", "", "joint", "no", uscc_for(7)]])
    assert [(row, column) for row, column, _m in result.errors] == [
        (2, "Name"), (2, "Unified social credit code"),
        (3, "Field (Field as described)"), (3, "Unified social credit code")]  # as headed
    assert result.errors[1][2] == "Another institute already has this code."
    assert "legal entity" in result.errors[3][2]
    assert _count(Institute) == before


def _partner(name, kind, name_en=None):
    partner = Partner(name=name, name_en=name_en, kind=kind)
    db.session.add(partner)
    db.session.flush()
    return partner


def test_an_institutes_co_building_partners_come_in_by_name_and_a_reimport_keeps_them():
    make_hq()
    admin = make_user(Role.HQ_ADMIN)
    nju = _partner("南京大学", PartnerKind.UNIVERSITY, "Nanjing University")
    city = _partner("苏州市人民政府", PartnerKind.GOVERNMENT)
    # The Chinese headers are read as the English ones; names in either language.
    rows = [["代码", "名称", "研究领域", "类型", "共建单位"],
            ["IMP-AM", "先进材料研究所", "材料", "joint", "Nanjing University; 苏州市人民政府"]]
    first = run(admin, "institutes", rows)
    assert (first.state, first.created) == (ImportState.DONE, 1), first.errors
    institute = db.session.scalar(select(Institute).where(Institute.code == "IMP-AM"))
    assert sorted(p.id for p in institute.partners) == sorted([nju.id, city.id])
    again = run(admin, "institutes", rows)
    assert (again.state, again.unchanged) == (ImportState.DONE, 1), again.errors
    # A file without the column keeps them; an empty cell says there are none.
    assert run(admin, "institutes", [r[:4] for r in rows]).unchanged == 1
    assert len(institute.partners) == 2
    emptied = run(admin, "institutes", [rows[0], [*rows[1][:4], ""]])
    assert (emptied.state, emptied.updated) == (ImportState.DONE, 1), emptied.errors
    db.session.refresh(institute)
    assert institute.partners == []
    record = db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "institute.update").order_by(AuditRecord.id.desc())).first()
    assert record.changes["partner_ids"][1] is None


def test_a_partner_the_form_would_refuse_is_refused_beside_its_column():
    make_hq()
    admin = make_user(Role.HQ_ADMIN)
    _partner("红杉中国", PartnerKind.INVESTOR)
    rows = [["Code", "Name", "Field", "Type", "Co-building partners"],
            ["IMP-AM", "先进材料研究所", "材料", "joint", "红杉中国"],
            ["IMP-IC", "集成电路研究所", "芯片", "joint", "无此单位"]]
    result = run(admin, "institutes", rows)
    assert result.state is ImportState.FAILED
    assert [(r, c) for r, c, _m in result.errors] == [
        (2, "Co-building partners"), (3, "Co-building partners")]
    assert "universities, research institutes or government bodies" in result.errors[0][2]
    assert "无此单位" in result.errors[1][2]
    assert _count(Institute) == 0

"""The achievements import: each row the achievement form and `save_achievement`, its rights
the right form and `save_right`, its annuities `add_annuity` and `pay_annuity`, as the
register's pages record them; all or nothing, named by row and column, unchanged again, a
right filed then granted updated, a recorded annuity never changed."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from flask_babel import force_locale
from sqlalchemy import func, select

from tests.conftest import login
from tests.imports.helpers import run
from tests.imports.test_projects import HEADER, _row, _setting
from tracker import db
from tracker.achievements import services as register
from tracker.achievements.models import Achievement, Annuity, IpRight, RightKind, RightStatus
from tracker.audit.models import AuditRecord
from tracker.imports.export import export_csv
from tracker.imports.models import ImportState
from tracker.projects.models import Project

KEYS = ["project_code", "title", "description", "contributors", "rights", "annuities"]
PATENT = "patent | Pump seal | CN201910123456.7 | granted | 2019-09-01 | 2021-03-02 | invention"
KNOW_HOW = "know_how | Curing recipe |  | filed"
ROW = ["TEST-2019-0042", "Low-leak pump seal", "A seal that halves leakage",
       "pm@import.cn: 60; member@import.cn: 30; Wang Wu: 10", f"{PATENT}; {KNOW_HOW}",
       "CN201910123456.7 | 3 | 2021-09-01 | 900 | 2021-08-20 | 900; "
       "CN201910123456.7 | 4 | 2022-09-01 | 1200"]


def _projects():
    admin, pm = _setting()
    result = run(admin, "projects", [HEADER, _row(), _row(code="TEST-2019-0043",
                                                          phase="proposal_review",
                                                          passed="")])
    assert result.state is ImportState.DONE, result.errors
    return admin, pm


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_an_achievement_comes_in_as_its_pages_record_it_and_again_unchanged():
    admin, pm = _projects()
    result = run(admin, "achievements", [KEYS, ROW])
    assert (result.state, result.created) == (ImportState.DONE, 1), result.errors
    achievement = db.session.scalar(select(Achievement))
    assert [(c.user_id is not None, c.name, c.share_pct) for c in achievement.contributors] == [
        (True, pm.name, Decimal("60")), (True, achievement.contributors[1].user.name,
                                         Decimal("30")), (False, "Wang Wu", Decimal("10"))]
    patent, know_how = achievement.rights
    assert (patent.number, patent.status, patent.granted_on, know_how.title) == (
        "CN201910123456.7", RightStatus.GRANTED, date(2021, 3, 2), "Curing recipe")
    assert [(a.year_no, a.paid_amount) for a in patent.annuities] == [
        (3, Decimal("900")), (4, None)]
    # The same achievement typed in records the same audit actions.
    actions = sorted(db.session.scalars(select(AuditRecord.action).where(
        AuditRecord.action.in_(("achievement.create", "ip_right.create", "annuity.create",
                                "annuity.pay")))))
    assert actions == ["achievement.create", "annuity.create", "annuity.create", "annuity.pay",
                       "ip_right.create", "ip_right.create"]
    [exported] = list(csv.reader(io.StringIO(export_csv("achievements").decode())))[1:]
    assert exported == ROW
    records = _count(AuditRecord)
    again = run(admin, "achievements", [KEYS, ROW])
    assert (again.state, again.unchanged) == (ImportState.DONE, 1), again.errors
    assert _count(AuditRecord) == records + 1  # the run's own record only


def test_a_changed_row_updates_the_achievement_and_adds_what_the_file_adds():
    admin, _pm = _projects()
    filed = PATENT.replace("granted | 2019-09-01 | 2021-03-02", "filed | 2019-09-01 | ")
    first = [*ROW[:4], f"{filed}; {KNOW_HOW}", ""]
    assert run(admin, "achievements", [KEYS, first]).state is ImportState.DONE
    result = run(admin, "achievements", [KEYS, ROW])
    assert (result.state, result.updated) == (ImportState.DONE, 1), result.errors
    right = db.session.scalar(select(IpRight).where(IpRight.number == "CN201910123456.7"))
    assert (right.status, len(right.annuities)) == (RightStatus.GRANTED, 2)


def test_a_bad_row_imports_nothing_and_every_problem_is_named_by_row_and_column():
    admin, _pm = _projects()
    rows = [KEYS, ROW,
            ["TEST-2019-0043", "Too early", "", "pm@import.cn: 100", "", ""],
            ["TEST-2019-0042", "Shares", "", "pm@import.cn: 60; Wang Wu: 30", "", ""],
            ["TEST-2019-0042", "Stranger", "", "nobody@import.cn: 100", "", ""],
            ["TEST-2019-0042", "No date", "", "Wang Wu: 100",
             "patent | Valve | CN2019 | filed |  |  | invention", ""]]
    for locale, expected in (("en", "add up to 90"), ("zh_CN", "90")):
        with force_locale(locale):  # the importing person's language
            result = run(admin, "achievements", rows)
            assert result.state is ImportState.FAILED
            assert [(r, str(c)) for r, c, _m in result.errors] == [
                (3, "Project code" if locale == "en" else "项目编号"),
                (4, "Contributors" if locale == "en" else "完成人"),
                (5, "Contributors" if locale == "en" else "完成人"),
                (6, "IP rights" if locale == "en" else "知识产权")], result.errors
            assert expected in str(result.errors[1][2])
    assert "nobody@import.cn" in result.errors[2][2]
    assert (_count(Achievement), _count(IpRight)) == (0, 0)


def test_a_recorded_annuity_or_right_is_not_changed_nor_dropped_by_an_import():
    admin, _pm = _projects()
    assert run(admin, "achievements", [KEYS, ROW]).state is ImportState.DONE
    changed = [*ROW[:4], PATENT, ROW[5].replace("| 900 | 2021-08-20 | 900", "| 950")]
    result = run(admin, "achievements", [KEYS, changed])
    assert [(r, c) for r, c, _m in result.errors] == [(2, "IP rights")], result.errors
    assert "Curing recipe is recorded and missing from the file" in result.errors[0][2]
    result = run(admin, "achievements", [KEYS, [*ROW[:5], ROW[5].replace("| 900 | 2021-08-20 | "
                                                                          "900", "| 950")]])
    assert [(r, c) for r, c, _m in result.errors] == [(2, "Patent annuities")], result.errors
    assert "a recorded payment is not changed or removed by an import" in result.errors[0][2]
    assert _count(Annuity) == 2
    # A paid annuity's fee is corrected on the right's page only once its payment is
    # reversed: the import is told so, as the page is.
    paid_fee = ROW[5].replace("| 900 | 2021-08-20 | 900", "| 950 | 2021-08-20 | 900")
    result = run(admin, "achievements", [KEYS, [*ROW[:5], paid_fee]])
    assert [(r, c) for r, c, _m in result.errors] == [(2, "Patent annuities")], result.errors
    assert "is paid: reverse its payment first" in result.errors[0][2]


def test_an_unpaid_annuity_changed_is_corrected_as_the_rights_page_corrects_it():
    """Issue 13, F19: a changed due date or fee of an annuity not yet paid is corrected by
    `edit_annuity`, the right's page's service, audited with the import's id; the same
    file again changes nothing, and a correction the page refuses is refused by name."""
    admin, _pm = _projects()
    assert run(admin, "achievements", [KEYS, ROW]).state is ImportState.DONE
    moved = [*ROW[:5], ROW[5].replace("4 | 2022-09-01 | 1200", "4 | 2022-10-01 | 1300")]
    result = run(admin, "achievements", [KEYS, moved])
    assert (result.state, result.updated) == (ImportState.DONE, 1), result.errors
    annuity = db.session.scalar(select(Annuity).where(Annuity.year_no == 4))
    assert (annuity.due_on.isoformat(), annuity.fee) == ("2022-10-01", Decimal("1300.00"))
    record = db.session.scalar(select(AuditRecord).where(AuditRecord.action == "annuity.update"))
    assert record.changes["import"] == [None, result.id]
    again = run(admin, "achievements", [KEYS, moved])
    assert (again.state, again.unchanged, again.updated) == (ImportState.DONE, 1, 0)
    early = [*ROW[:5], ROW[5].replace("4 | 2022-09-01 | 1200", "4 | 2021-06-01 | 1300")]
    result = run(admin, "achievements", [KEYS, early])
    assert [(r, c) for r, c, _m in result.errors] == [(2, "Patent annuities")], result.errors
    assert "year 4" in result.errors[0][2] and "year 3" in result.errors[0][2]


def test_an_annuity_paid_on_its_page_exports_as_the_import_reads_it():
    admin, pm = _projects()
    project = db.session.scalar(select(Project).where(Project.code == "TEST-2019-0042"))
    achievement = register.save_achievement(pm, project, None, title="Typed", description="",
                                            contributors=[register.ContributorLine(
                                                user_id=pm.id, name="", share_pct=Decimal("100"))])
    right = register.save_right(pm, achievement, None, kind="software", patent_type=None,
                                title="Controller", number="2020SR123456", jurisdiction="CN",
                                status="granted", filed_on=date(2020, 1, 2),
                                granted_on=date(2020, 5, 6), attorney_costs=Decimal("3000"))
    assert right.jurisdiction == "CN"
    [row] = list(csv.reader(io.StringIO(export_csv("achievements").decode())))[1:]
    assert row == ["TEST-2019-0042", "Typed", "", "pm@import.cn: 100",
                   "software | Controller | 2020SR123456 | granted | 2020-01-02 | 2020-05-06 | "
                   " |  | 3000", ""]
    again = run(admin, "achievements", [KEYS, row])
    assert (again.state, again.unchanged) == (ImportState.DONE, 1), again.errors


def test_the_upload_page_offers_the_kind_and_its_template_in_either_language(client):
    admin, _pm = _projects()
    admin.locale = "zh_CN"
    login(client, admin)
    page = client.get("/admin/import/").get_data(as_text=True)
    assert "成果与知识产权" in page and "完成人" in page and "专利年费" in page
    template = client.get("/admin/import/templates/achievements.csv").get_data(as_text=True)
    assert template.lstrip("\ufeff").startswith("项目编号,标题,描述,完成人,知识产权,专利年费")
    admin.locale = "en"
    page = client.get("/admin/import/").get_data(as_text=True)
    assert "Achievements and IP rights" in page and "Patent annuities" in page
    # A Chinese template imports as it came: its headers are read in either language.
    result = run(admin, "achievements", [template.lstrip("\ufeff").strip().split(","), ROW])
    assert (result.state, result.created) == (ImportState.DONE, 1), result.errors


def test_a_patent_number_written_otherwise_still_names_its_annuities():
    """T9: the register compares numbers with spaces, the office's prefix and full-width
    characters aside (`number_key`); an annuity naming its patent so is the patent's."""
    admin, _pm = _projects()
    spaced = PATENT.replace("CN201910123456.7", "CN 2019 1012 3456.7")
    row = [*ROW[:4], spaced,
           "ZL201910123456.7 | 3 | 2021-09-01 | 900 | 2021-08-20 | 900; "
           "ＣＮ２０１９１０１２３４５６.７ | 4 | 2022-09-01 | 1200"]
    result = run(admin, "achievements", [KEYS, row])
    assert (result.state, result.created) == (ImportState.DONE, 1), result.errors
    patent = db.session.scalar(select(IpRight).where(IpRight.kind == RightKind.PATENT))
    assert patent.number == "CN 2019 1012 3456.7"
    assert [(a.year_no, a.paid_amount) for a in patent.annuities] == [
        (3, Decimal("900")), (4, None)]
    again = run(admin, "achievements", [KEYS, row])  # nothing recorded twice, none "missing"
    assert (again.state, again.unchanged) == (ImportState.DONE, 1), again.errors
    assert _count(Annuity) == 2


def test_an_annuity_paid_late_with_its_surcharge_comes_in_with_its_reason():
    """The right's page accepts more than the fee only as a late payment's surcharge, with a
    reason; so does the import, by the same rule, and the export writes the reason."""
    admin, _pm = _projects()
    late = "CN201910123456.7 | 3 | 2021-09-01 | 900 | 2021-11-15 | 945"  # 5 %: 2 months late
    refused = run(admin, "achievements", [KEYS, [*ROW[:5], late]])
    assert [(r, c) for r, c, _m in refused.errors] == [(2, "Patent annuities")]
    assert "say why" in refused.errors[0][2], refused.errors
    too_much = run(admin, "achievements", [KEYS, [
        *ROW[:5], "CN201910123456.7 | 3 | 2021-09-01 | 900 | 2021-09-15 | 945 | paid late"]])
    assert "no surcharge is owed" in too_much.errors[0][2], too_much.errors
    row = [*ROW[:5], f"{late} | paid late, with the office's surcharge"]
    result = run(admin, "achievements", [KEYS, row])
    assert result.state is ImportState.DONE, result.errors
    annuity = db.session.scalar(select(Annuity))
    assert (annuity.paid_amount, annuity.late_fee_reason) == (
        Decimal("945"), "paid late, with the office's surcharge")
    [exported] = list(csv.reader(io.StringIO(export_csv("achievements").decode())))[1:]
    assert exported == row
    assert run(admin, "achievements", [KEYS, row]).unchanged == 1


def test_a_title_typed_otherwise_finds_the_one_achievement_listed_under_it():
    """Issue 16, T30: the import finds an achievement by its project and its title as the
    register compares titles (spaces, case, full-width aside), so a row typed otherwise updates
    the one listed, never a second of the same title."""
    admin, _pm = _projects()
    assert run(admin, "achievements", [KEYS, ROW]).state is ImportState.DONE
    changed = [ROW[0], "LOW-LEAK  pump seal", "Leakage halved again", *ROW[3:]]
    result = run(admin, "achievements", [KEYS, changed])
    assert (result.state, result.created) == (ImportState.DONE, 0), result.errors
    [achievement] = db.session.scalars(select(Achievement)).all()
    assert (achievement.title, achievement.description) == ("LOW-LEAK pump seal",
                                                            "Leakage halved again")


def test_a_new_title_with_a_right_of_another_achievement_is_refused_and_a_new_one_comes_in():
    """A title is how an import finds an achievement: a row whose title finds none, while the
    patent it lists is another achievement's, changes that one's title and is refused beside
    the title, naming it (issue 13); a row with its own rights is a second achievement."""
    admin, _pm = _projects()
    assert run(admin, "achievements", [KEYS, ROW]).state is ImportState.DONE
    renamed = [ROW[0], "Leak-free seal", *ROW[2:]]
    result = run(admin, "achievements", [KEYS, renamed])
    assert [(r, c) for r, c, _m in result.errors] == [(2, "Title")], result.errors
    assert "achievement Low-leak pump seal is recorded under that title" in result.errors[0][2]
    other = [ROW[0], "Quiet impeller", "Less noise", "pm@import.cn: 100",
             "patent | Impeller | CN202010654321.X | filed | 2020-05-01 | | invention", ""]
    result = run(admin, "achievements", [KEYS, other])
    assert (result.state, result.created) == (ImportState.DONE, 1), result.errors
    assert _count(Achievement) == 2


def test_a_new_achievement_with_another_achievements_patent_number_is_told_so_beside_it():
    """A row of another achievement (its own title and description) listing a patent number
    already registered on one of the project's achievements was told it changed that one's
    title; it is told, beside the rights, that the number is already the other's, named, in
    the reader's language (issue 13 point 4, a hand check)."""
    admin, _pm = _projects()
    assert run(admin, "achievements", [KEYS, ROW]).state is ImportState.DONE
    other = [ROW[0], "Quiet impeller", "Less noise", "pm@import.cn: 100",
             "patent | Impeller | CN201910123456.7 | filed | 2020-05-01 | | invention", ""]
    result = run(admin, "achievements", [KEYS, other])
    assert [(r, c) for r, c, _m in result.errors] == [(2, "IP rights")], result.errors
    message = result.errors[0][2]
    assert "CN201910123456.7 is already that of the project's achievement Low-leak pump " \
           "seal" in message and "changes its title" not in message
    with force_locale("zh_CN"):
        assert "已是本项目成果“Low-leak pump seal”的编号" in result.errors[0][2]
    assert _count(Achievement) == 1

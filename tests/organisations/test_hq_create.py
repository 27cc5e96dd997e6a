"""A production install without the demo (issue 13, adoption): `flask hq create` makes the
headquarters and installs the default gate templates on a database holding only what the
migrations write, so that `flask users create` and `flask import institutes` follow it; run
twice it changes nothing or says why not; an import before it says to run it, with no
traceback."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.conftest import login, post
from tests.factories import make_user
from tests.imports.helpers import csv_bytes, run
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.budgets.defaults import NATIONAL_CODE, NINE_CATEGORY_CODE
from tracker.budgets.models import BudgetTemplate
from tracker.gates.defaults import DEFAULT_TEMPLATES
from tracker.gates.models import GateTemplate
from tracker.imports.models import ImportState
from tracker.organisations.models import Headquarters, Institute
from tracker.regions.defaults import JIANGSU

CREATE = ["hq", "create", "jitri", "--name-zh", "江苏省产业技术研究院", "--name-en", "JITRI"]
ROWS = [["代码", "名称", "研究领域", "类型"], ["HQ-1", "测试研究所", "材料", "joint"]]


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_hq_create_then_an_admin_then_an_import_of_institutes(app, tmp_path):
    runner = app.test_cli_runner()
    assert _count(Headquarters) == 0 and _count(GateTemplate) == 0
    result = runner.invoke(args=CREATE)
    assert result.exit_code == 0, result.output
    assert "created: headquarters JITRI" in result.output
    hq = db.session.scalar(select(Headquarters))
    assert (hq.code, hq.name, hq.name_en) == ("JITRI", "江苏省产业技术研究院", "JITRI")
    assert _count(GateTemplate) == len(DEFAULT_TEMPLATES)
    assert "gate templates installed: 4; budget templates installed: 1" in result.output
    [record] = db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "headquarters.create"))
    assert record.actor_id is None and record.object_id == hq.id
    result = runner.invoke(args=["users", "create", "hq@example.org", "--role", "hq_admin"],
                           input="a-password-from-stdin\n")
    assert result.exit_code == 0, result.output
    file = tmp_path / "institutes.csv"
    file.write_bytes(csv_bytes(ROWS))
    result = runner.invoke(args=["import", "institutes", str(file), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(Institute.hq_id)) == hq.id


def test_hq_create_twice_changes_nothing_and_another_code_is_refused(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=CREATE).exit_code == 0
    again = runner.invoke(args=CREATE)
    assert again.exit_code == 0, again.output
    assert "exists already: headquarters JITRI" in again.output
    assert "gate templates installed: 0; budget templates installed: 0" in again.output
    other = runner.invoke(args=["hq", "create", "OTHER", "--name-zh", "另一总部"])
    assert other.exit_code == 1 and isinstance(other.exception, SystemExit)
    assert "The headquarters JITRI exists already" in other.output
    assert _count(Headquarters) == 1 and _count(GateTemplate) == len(DEFAULT_TEMPLATES)
    # the headquarters, JITRI's four regions, its four gate templates and the nine-category
    # budget form, once
    assert _count(AuditRecord) == 1 + len(JIANGSU) + len(DEFAULT_TEMPLATES) + 1


def test_every_template_a_new_network_starts_with_is_audited_as_its_page_audits_it(app):
    """The migrations make the national budget form; `hq create` adds the gate templates
    and the older nine-category form, each with the record its configuration page writes
    on creating one (the same action, its values and its rows), by no one: the system."""
    assert app.test_cli_runner().invoke(args=CREATE).exit_code == 0
    codes = set(db.session.scalars(select(BudgetTemplate.code)))
    assert codes == {NATIONAL_CODE, NINE_CATEGORY_CODE}
    nine = db.session.scalar(select(BudgetTemplate).where(
        BudgetTemplate.code == NINE_CATEGORY_CODE))
    [record] = db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "budget_template.create"))
    assert (record.actor_id, record.object_id) == (None, nine.id)
    assert record.changes["code"] == [None, NINE_CATEGORY_CODE]
    assert record.changes["categories"][0] == []
    assert [row[0] for row in record.changes["categories"][1]] == [
        c.code for c in nine.categories]
    gates = {t.id: t for t in db.session.scalars(select(GateTemplate))}
    records = list(db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "gate_template.create")))
    assert {r.object_id for r in records} == set(gates)
    for r in records:
        template = gates[r.object_id]
        assert r.actor_id is None and r.changes["gate"] == [None, template.gate]
        assert len(r.changes["criteria"][1]) == len(template.criteria) > 0


def test_hq_create_refuses_a_code_no_project_code_can_begin_with(app):
    result = app.test_cli_runner().invoke(args=["hq", "create", "JI-TRI", "--name-zh", "总部"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "code: A headquarters' code is 1 to 20 letters or digits" in result.output
    assert _count(Headquarters) == 0


def test_an_import_of_institutes_before_the_hq_says_to_create_it(app, tmp_path):
    make_user(Role.HQ_ADMIN, email="only-admin@example.cn")
    file = tmp_path / "institutes.csv"
    file.write_bytes(csv_bytes(ROWS))
    result = app.test_cli_runner().invoke(args=["import", "institutes", str(file),
                                                "--lang", "en"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    assert ("There is no headquarters yet: the tracker's administrator creates it first, on the "
            "server. Run `flask hq create CODE --name-zh NAME`.") in result.output
    assert _count(Institute) == 0


def test_the_upload_pages_import_before_the_hq_is_refused_not_a_500(app):
    admin = make_user(Role.HQ_ADMIN)
    result = run(admin, "institutes", ROWS)
    assert result.state is ImportState.FAILED
    [(row, _column, message)] = result.errors
    assert row == 1 and message == ("There is no headquarters yet: the tracker's administrator "
                                    "creates it first, on the server.")


def test_the_institute_form_before_the_hq_is_refused_not_a_500(app, client):
    admin = make_user(Role.HQ_ADMIN)
    db.session.commit()
    login(client, admin)
    response = post(client, "/institutes/new", {
        "code": "RB2", "name": "机器人二所", "field": "工业机器人", "type": "independent",
        "director_id": "0"})
    assert response.status_code == 409, response.status_code
    assert "There is no headquarters yet" in response.get_data(as_text=True)
    assert _count(Institute) == 0


def test_the_prerequisite_is_said_in_the_importers_language_without_lang(app, tmp_path,
                                                                         monkeypatch):
    """`flask import` said a missing prerequisite in DEFAULT_LOCALE before it knew who
    imports (found by review): an English HQ admin on a Chinese installation read Chinese;
    the refusals of `--as` were English only."""
    monkeypatch.setitem(app.config, "DEFAULT_LOCALE", "zh_CN")
    make_user(Role.HQ_ADMIN, email="only-admin@example.cn", locale="en")
    file = tmp_path / "institutes.csv"
    file.write_bytes(csv_bytes(ROWS))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import", "institutes", str(file)])
    assert result.exit_code == 1, result.output
    assert "There is no headquarters yet" in result.output
    assert runner.invoke(args=CREATE).exit_code == 0
    unknown = runner.invoke(args=["import", "institutes", str(file), "--as", "nobody@x.cn",
                                  "--lang", "zh_CN"])
    assert "没有电子邮箱为 nobody@x.cn 的账号。" in unknown.output

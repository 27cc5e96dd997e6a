"""HQ keeps the budget templates at /admin/budgets/: lists them, adds the older nine-category
form, edits one (audited), in both languages; nobody else may."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import make_project, make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.budgets.defaults import NINE_CATEGORY, default_template
from tracker.budgets.models import BudgetTemplate, CostKind


def _form(code="CN-2016", rows=NINE_CATEGORY, **over) -> dict:
    data = {"code": code, "funder": "省级科技计划", "funder_en": "Provincial programme",
            "edition": "九类科目", "indirect_rule": "flat", "flat_pct": "20", "active": "y"}
    for i, (c, name, name_en, kind, equipment) in enumerate(rows):
        data.update({f"categories-{i}-code": c, f"categories-{i}-name": name,
                     f"categories-{i}-name_en": name_en, f"categories-{i}-kind": kind.value})
        if equipment:
            data[f"categories-{i}-is_equipment"] = "y"
    data.update(over)
    return data


@pytest.fixture
def admin():
    return make_user(Role.HQ_ADMIN)


def test_hq_adds_the_nine_category_form_and_it_is_audited(client, admin):
    login(client, admin)
    page = client.get("/admin/budgets/").get_data(as_text=True)
    assert "CN-2021" in page and "国办发〔2021〕32号" in page and "Default" in page
    response = post(client, "/admin/budgets/new", _form())
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    template = db.session.scalar(select(BudgetTemplate).where(BudgetTemplate.code == "CN-2016"))
    assert [c.name for c in template.categories] == [row[1] for row in NINE_CATEGORY]
    assert [c.code for c in template.categories if c.is_equipment] == ["equipment"]
    assert [c.code for c in template.categories if c.kind is CostKind.INDIRECT] == ["indirect"]
    record = db.session.scalar(select(AuditRecord).where(
        AuditRecord.action == "budget_template.create", AuditRecord.object_id == template.id))
    assert record is not None and record.actor_id == admin.id
    assert record.changes["categories"][1][0] == ["equipment", "设备费", "Equipment", "direct",
                                                  True]
    listed = client.get("/admin/budgets/").get_data(as_text=True)
    assert "Materials, Testing, analysis and processing" in listed
    assert "Indirect costs: at most 20% of the direct costs less equipment purchase." in listed


def test_every_problem_of_a_template_at_once_beside_its_field(client, admin):
    login(client, admin)
    rows = [("equipment", "设备费", "", CostKind.INDIRECT, True),
            ("equipment", "", "", CostKind.DIRECT, False)]
    response = post(client, "/admin/budgets/new", _form(code="CN-2021", rows=rows,
                                                        flat_pct=""))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for message in ("Another template has this code.", "Give the percentage, from 0 to 100.",
                    "Equipment purchase is a direct cost.", "“equipment” is used twice.",
                    "Give the category its Chinese name."):
        assert message in page, message


def test_a_template_projects_follow_keeps_its_categories_its_names_may_change(client, admin):
    template = default_template()
    make_project(budget_template_id=template.id, budget_lines=[("设备费", 1000)])
    login(client, admin)
    path = f"/admin/budgets/{template.id}"
    rows = [(c.code, c.name, c.name_en, c.kind, c.is_equipment) for c in template.categories]
    base = {"code": template.code, "funder": template.funder, "funder_en": template.funder_en,
            "edition": template.edition, "indirect_rule": "national_tiers", "flat_pct": "",
            "is_default": "y", "active": "y", "version": str(template.version)}
    dropped = post(client, path, {**_form(rows=rows[:3]), **base})
    assert dropped.status_code == 400
    assert "Projects follow this template: its categories stay as they are" in (
        dropped.get_data(as_text=True))
    renamed = rows[:1] + [("operations", "业务费", "Operating costs", CostKind.DIRECT, False)] + (
        rows[2:])
    saved = post(client, path, {**_form(rows=renamed), **base})
    assert saved.status_code == 302, saved.get_data(as_text=True)[-3000:]
    db.session.refresh(template)
    assert [c.name_en for c in template.categories][1] == "Operating costs"


def test_the_pages_speak_chinese_and_are_hq_s_alone(client, admin):
    admin.locale = "zh_CN"
    db.session.commit()
    login(client, admin)
    page = client.get("/admin/budgets/").get_data(as_text=True)
    assert "预算模板" in page and "中央财政科研项目" in page and "设备费" in page
    assert "间接费用：直接费用扣除设备购置费后" in page
    post(client, "/logout")
    login(client, make_user(Role.PROJECT_MANAGER))
    assert client.get("/admin/budgets/").status_code == 403
    assert client.get(f"/admin/budgets/{default_template().id}").status_code == 403

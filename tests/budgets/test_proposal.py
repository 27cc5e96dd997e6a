"""A proposal's budget by its template: the categories as its lines, the cap on indirect costs
shown beside them and refused above it (with the form's other problems, in both languages),
another template chosen on the page."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import _commit, make_institute, make_project, make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.budgets.defaults import default_template, nine_category
from tracker.errors import Invalid
from tracker.projects.models import Project


def _proposal(institute, template, **amounts):
    data = {"title": "高性能碳纤维复合材料", "summary": "", "field": "Materials",
            "type": "pm_major", "institute_id": str(institute.id), "partner_enterprise_id": "0",
            "need_id": "0", "trl_now": "3", "trl_target": "6", "budget_total": "20,000,000",
            "start_date": "2026-03-01", "end_date": "2028-02-28",
            "budget_template_id": str(template.id)}
    for i, category in enumerate(template.categories):
        data[f"budget_lines-{i}-category"] = category.code
        data[f"budget_lines-{i}-amount"] = amounts.get(category.code, "")
    return data


@pytest.fixture
def pm():
    institute = make_institute()
    return make_user(Role.PROJECT_MANAGER, institute_id=institute.id)


def test_a_new_proposal_shows_the_default_templates_categories_and_its_cap(client, pm):
    login(client, pm)
    page = client.get("/projects/new").get_data(as_text=True)
    for name in ("Equipment", "Operations", "Labour", "Indirect costs"):
        assert f'<th scope="row">{name}' in page, name
    assert ("Indirect costs: at most 30% of the direct costs less equipment purchase up to "
            "CN¥5,000,000.00, 25% of the part up to CN¥10,000,000.00, 20% of the part above."
            ) in page


@pytest.mark.parametrize(("locale", "over", "other"), [
    ("en", "Indirect costs of CN¥1,300,000.00 are above their cap of CN¥1,200,000.00 (on "
           "direct costs less equipment purchase of CN¥4,000,000.00) by CN¥100,000.00.",
     "The end date is before the start date."),
    ("zh_CN", "间接费用 ¥1,300,000.00 超过其上限 ¥1,200,000.00（直接费用扣除设备购置费后为 "
              "¥4,000,000.00），超出 ¥100,000.00。",
     "结束日期早于开始日期。"),
])
def test_indirect_costs_above_the_cap_are_refused_beside_them_with_the_rest(client, pm, locale,
                                                                            over, other):
    pm.locale = locale
    _commit()
    login(client, pm)
    template = default_template()
    response = post(client, "/projects/new", {
        **_proposal(pm.institute, template, equipment="2,000,000", operations="3,000,000",
                    labour="1,000,000", indirect="1,300,000"),
        "end_date": "2025-01-01"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert over in page and other in page  # every problem in one answer
    # beside the indirect costs' amount (their row), not above the table
    row = page[page.index('name="budget_lines-3-category"'):]
    assert row.index(over) < row.index("</tr>")
    assert db.session.scalar(select(Project).where(Project.pm_id == pm.id)) is None


def test_a_budget_within_the_cap_is_saved_a_line_per_category(client, pm):
    login(client, pm)
    template = default_template()
    response = post(client, "/projects/new", _proposal(
        pm.institute, template, equipment="2,000,000", operations="3,000,000",
        labour="1,000,000", indirect="1,200,000"))
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    project = db.session.scalar(select(Project).where(Project.pm_id == pm.id))
    assert project.budget_template_id == template.id
    assert [(b.template_category.code, b.category, b.amount) for b in project.budget_lines] == [
        ("equipment", "设备费", D("2000000.00")), ("operations", "业务费", D("3000000.00")),
        ("labour", "劳务费", D("1000000.00")), ("indirect", "间接费用", D("1200000.00"))]
    page = client.get(f"/projects/{project.id}/edit").get_data(as_text=True)
    assert 'value="1,200,000.00"' in page or 'value="1200000.00"' in page


def test_another_template_is_chosen_on_the_page(client, pm):
    older = nine_category()
    db.session.add(older)
    _commit()
    login(client, pm)
    template = default_template()
    response = post(client, "/projects/new", {
        **_proposal(pm.institute, template, equipment="500,000", labour="100,000"),
        "budget_template_id": str(older.id), "switch_template": "1"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for name in ("Materials", "Testing, analysis and processing", "Expert consultation"):
        assert f'<th scope="row">{name}' in page, name
    assert "Indirect costs: at most 20% of the direct costs less equipment purchase." in page
    assert db.session.scalar(select(Project).where(Project.pm_id == pm.id)) is None
    # the amounts of the categories both templates have stay
    assert 'value="500,000.00"' in page or 'value="500000.00"' in page
    saved = post(client, "/projects/new", _proposal(
        pm.institute, older, equipment="500,000", materials="300,000", testing="200,000",
        indirect="100,000"))
    assert saved.status_code == 302, saved.get_data(as_text=True)[-3000:]
    project = db.session.scalar(select(Project).where(Project.pm_id == pm.id))
    assert project.budget_template_id == older.id and len(project.budget_lines) == 10


def test_a_category_not_of_the_template_is_refused(pm):
    template = default_template()
    with pytest.raises(Invalid, match="“Staff” is not a category of the budget template"):
        make_project(pm=pm, institute=pm.institute, budget_template_id=template.id,
                     budget_lines=[("Staff", D("1000"))])
    # by code, or either name
    project = make_project(pm=pm, institute=pm.institute, budget_template_id=template.id,
                           budget_lines=[("labour", D("1")), ("设备费", D("2")),
                                         ("Operations", D("3"))])
    assert [b.amount for b in project.budget_lines] == [D("2"), D("3"), D("1"), D("0")]


def test_a_draft_recorded_before_templates_keeps_its_lines_or_moves_onto_one(client):
    from tests.test_edits import proposal, tab

    draft = make_project(budget_lines=[("Materials", D("400000")), ("Travel", D("100000"))])
    login(client, draft.pm)
    path = f"/projects/{draft.id}/edit"
    page = client.get(path).get_data(as_text=True)
    assert '<option selected value="0">None: the project\'s own lines</option>' in page
    assert 'value="Materials"' in page
    template = default_template()
    moved = post(client, path, {
        **proposal(draft, **tab(client, path)), "budget_template_id": str(template.id),
        "budget_lines-0-category": "operations", "budget_lines-0-amount": "500000",
        "budget_lines-1-category": "indirect", "budget_lines-1-amount": "100000"})
    assert moved.status_code == 302, moved.get_data(as_text=True)[-3000:]
    db.session.refresh(draft)
    assert draft.budget_template_id == template.id
    assert [(b.category, b.amount) for b in draft.budget_lines] == [
        ("设备费", D("0.00")), ("业务费", D("500000.00")), ("劳务费", D("0.00")),
        ("间接费用", D("100000.00"))]
    # and, following one, it keeps following one
    back = post(client, path, {**proposal(draft, **tab(client, path)), "budget_template_id": "0"})
    assert back.status_code == 400
    assert "Choose a budget template." in back.get_data(as_text=True)


@pytest.mark.parametrize(("locale", "said"), [("en", "Equipment: Amount (CNY): "),
                                              ("zh_CN", "设备费：金额（元）：")])
def test_a_category_row_is_named_by_its_category_in_the_error_summary(client, pm, locale,
                                                                       said):
    """Found by a newcomer: "第 1 行：金额（元）…" where the row is the template's 设备费."""
    pm.locale = locale
    _commit()
    login(client, pm)
    response = post(client, "/projects/new", _proposal(pm.institute, default_template(),
                                                       equipment="not money"))
    assert response.status_code == 400
    summary = response.get_data(as_text=True).split('class="error-summary', 1)[1]
    summary = summary.split("</div>", 1)[0]
    assert said in summary and ("Row 1" not in summary and "第 1 行" not in summary), summary

"""Codes HQ types on its own forms (a technical field's, a region's, a budget template's and
its categories') are read as the import reads the codes files name them by: full width as
typed by a Chinese input method in its usual form (`names.typed_code`), so a file naming AM
finds the field typed ＡＭ (issue 13, review finding 4: stored full width, matched nothing)."""

from __future__ import annotations

from sqlalchemy import select

from tests.budgets.test_admin import _form
from tests.conftest import login, post
from tests.factories import make_hq, make_user
from tests.imports.helpers import run
from tracker import db
from tracker.accounts.models import Role
from tracker.budgets import services as budgets
from tracker.budgets.defaults import NINE_CATEGORY
from tracker.budgets.models import BudgetTemplate
from tracker.imports.models import ImportState
from tracker.organisations.models import Institute
from tracker.regions import services as regions
from tracker.techfields import services as techfields


def _wide(text: str) -> str:
    """`text` typed full width."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def test_a_field_and_a_region_typed_full_width_are_found_by_an_import_naming_them():
    hq = make_hq()
    admin = make_user(Role.HQ_ADMIN)
    field = techfields.save_field(admin, None, code=_wide(" am "), name="先进材料X",
                                  name_en="Materials X")
    region = regions.save_region(admin, hq, None, code=_wide("Wuxi"), name="无锡X")
    assert (field.code, region.code) == ("AM", "wuxi")
    job = run(admin, "institutes", [
        ["Code", "Name", "Field as described", "Type", "Region"],
        ["W-1", "一所", "AM", "independent", "wuxi"],
        ["W-2", "二所", _wide("am"), "independent", _wide("WUXI")]])
    assert (job.state, job.created, job.errors) == (ImportState.DONE, 2, []), job.errors
    found = db.session.execute(select(Institute.field_id, Institute.region_id).where(
        Institute.code.like("W-%"))).all()
    assert found == [(field.id, region.id)] * 2


def test_a_budget_template_and_its_categories_typed_full_width_are_read_as_usual(client):
    admin = make_user(Role.HQ_ADMIN)
    login(client, admin)
    rows = [(_wide(code), *rest) for code, *rest in NINE_CATEGORY]
    response = post(client, "/admin/budgets/new", _form(code=_wide(" CN-2016 "), rows=rows))
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    template = db.session.scalar(select(BudgetTemplate).where(BudgetTemplate.code == "CN-2016"))
    assert [c.code for c in template.categories] == [row[0] for row in NINE_CATEGORY]
    # What the projects import asks for its Budget template (code) column.
    assert budgets.find_code("cn-2016") == budgets.find_code(_wide("CN-2016")) == template.id

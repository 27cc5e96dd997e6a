"""HQ admins configure each gate's template; reviews already requested keep what they copied."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.conftest import login, post
from tests.factories import install_gates, make_project, make_user
from tests.gates import helpers
from tests.test_forms_fuzz import NASTY
from tests.unchanged import UNCHANGED
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.gates import services as gates
from tracker.gates.models import CriterionKind, GateTemplate

NEW_CRITERIA = [
    ("must", "Signed cooperation agreement", "", ""),
    ("should", "Technical novelty", "3", "5"),
    ("should", "Market potential", "1.5", "10"),
]


def _template(gate: int) -> GateTemplate:
    return db.session.scalar(select(GateTemplate).where(GateTemplate.gate == gate))


def _form(criteria=NEW_CRITERIA, blank_rows: int = 2, **overrides) -> dict[str, str]:
    """The edit form as a browser posts it: settings, criteria rows, then blank rows."""
    data = {"name": "Gate 1 · Proposal review", "pass_threshold": "65", "min_trl": "3",
            "quorum": "2", "review_days": "10",
            "required_deliverables": "Proposal document\n\n  Budget sheet  \n"}
    rows = list(criteria) + [("should", "", "1", "5")] * blank_rows
    for i, (kind, text, weight, scale_max) in enumerate(rows):
        data.update({f"criteria-{i}-kind": kind, f"criteria-{i}-text": text,
                     f"criteria-{i}-weight": weight, f"criteria-{i}-scale_max": scale_max})
    data.update(overrides)
    return data


def _records(template: GateTemplate) -> list[AuditRecord]:
    return list(db.session.scalars(select(AuditRecord).where(
        AuditRecord.object_type == "gate_templates", AuditRecord.object_id == template.id)
            .order_by(AuditRecord.id)))


@pytest.fixture
def admin(client):
    install_gates()
    user = make_user(Role.HQ_ADMIN)
    login(client, user)
    return user


def test_admin_lists_the_four_gates_with_their_settings(client, admin):
    _template(3).min_trl = None
    db.session.commit()
    response = client.get("/admin/gates/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for gate in range(1, 5):
        assert f'href="/admin/gates/{gate}"' in page
        assert _template(gate).name_en in page  # the English page shows the English name
    for phase in ("Proposal review", "Contract research", "Investment decision", "Spin-off"):
        assert phase in page
    first_row = re.search(r"<tr>\s*<td>1</td>.*?</tr>", page, re.S).group(0)
    cells = re.findall(r'<td class="num">([^<]*)</td>', first_row)
    # quorum, days, min TRL, threshold (as its history and the weighted score say it), criteria
    assert cells == ["3", "14", "—", "60.00%", "6"]
    assert "Gate templates" in client.get("/").get_data(as_text=True)


def test_the_edit_page_shows_the_template_and_blank_rows_for_adding(client, admin):
    page = client.get("/admin/gates/2").get_data(as_text=True)
    assert re.search(r'name="min_trl"[^>]*value="4"', page)
    assert "研究报告\n测试报告</textarea>" in page
    assert "Research report\nTest report</textarea>" in page
    texts = re.findall(r'name="criteria-\d+-text"[^>]*value="([^"]*)"', page)
    assert texts == [c.text for c in _template(2).criteria] + ["", "", ""]


def test_admin_replaces_the_criteria_and_the_change_is_audited(client, admin):
    template = _template(1)
    old_criteria = [f"{c.text} / {c.text_en}" for c in template.criteria]
    response = post(client, "/admin/gates/1", _form())
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"].endswith("/admin/gates/")
    assert "Saved." in client.get(response.headers["Location"]).get_data(as_text=True)

    db.session.expire_all()
    template = _template(1)
    assert (template.pass_threshold, template.min_trl, template.quorum,
            template.review_days) == (Decimal("65"), 3, 2, 10)
    assert template.required_deliverables == ["Proposal document", "Budget sheet"]
    assert [(c.position, c.kind, c.text, c.weight, c.scale_max) for c in template.criteria] == [
        (0, CriterionKind.MUST, "Signed cooperation agreement", Decimal("1"), 1),
        (1, CriterionKind.SHOULD, "Technical novelty", Decimal("3"), 5),
        (2, CriterionKind.SHOULD, "Market potential", Decimal("1.5"), 10),
    ]
    [record] = _records(template)
    assert record.action == "gate_template.update" and record.actor_id == admin.id
    assert record.changes["quorum"] == [3, 2]
    assert record.changes["required_deliverables"] == [["项目申报书"],
                                                       ["Proposal document", "Budget sheet"]]
    before, after = record.changes["criteria"]
    assert [f"{row[3]} / {row[4]}" for row in before] == old_criteria
    assert record.changes["required_deliverables_en"] == [["Proposal document"], None]
    assert after == [["must", None, None, "Signed cooperation agreement", None],
                     ["should", "3", 5, "Technical novelty", None],
                     ["should", "1.5", 10, "Market potential", None]]
    history = client.get(f"/history/gate_templates/{template.id}").get_data(as_text=True)
    assert "Gate template changed" in history and "gate_template.update" not in history


def test_saving_unchanged_settings_is_refused_and_writes_no_record(client, admin):
    """Said unchanged (`tracker.corrections.unchanged`), not "Saved." over nothing."""
    template = _template(4)
    page = client.get("/admin/gates/4").get_data(as_text=True)
    data = {name: value for name, value in re.findall(
        r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page) if name != "csrf_token"}
    data.update({name: value for name, value in re.findall(
        r'<select[^>]*name="([^"]+)".*?<option selected value="([^"]*)"', page, re.S)})
    data["required_deliverables"] = "\n".join(template.required_deliverables)
    data["required_deliverables_en"] = "\n".join(template.required_deliverables_en)
    ids = [c.id for c in template.criteria]
    answer = post(client, "/admin/gates/4", data)
    assert answer.status_code == 400 and UNCHANGED in answer.get_data(as_text=True)
    db.session.expire_all()
    assert [c.id for c in _template(4).criteria] == ids
    assert _records(template) == []


def test_a_review_requested_before_the_edit_keeps_its_criteria(client, admin):
    review = helpers.submit(make_project())
    copied = [(c.kind, c.text, c.weight, c.scale_max) for c in review.criteria]
    assert post(client, "/admin/gates/1", _form()).status_code == 302
    db.session.expire_all()
    assert [(c.kind, c.text, c.weight, c.scale_max) for c in review.criteria] == copied
    assert review.quorum == 3 and review.pass_threshold == Decimal("60")

    later = make_project()
    assert "Budget sheet" in gates.missing_deliverables(later, 1)
    review = helpers.submit(later)
    assert [c.text for c in review.criteria] == [t for _, t, _, _ in NEW_CRITERIA]
    assert review.quorum == 2


@pytest.mark.parametrize("overrides,field,message", [
    ({"name": " "}, "name", "This field is required."),
    ({"pass_threshold": "101"}, "pass_threshold", "The pass threshold is a percentage"),
    ({"pass_threshold": "62.555"}, "pass_threshold", "At most 2 decimal places."),
    ({"pass_threshold": "NaN"}, "pass_threshold", "Enter a number such as 3 or 62.5."),
    ({"min_trl": "10"}, "min_trl", "A TRL is from 1 to 9"),
    ({"quorum": "0"}, "quorum", "The quorum is at least one scorecard."),
    ({"review_days": "-3"}, "review_days", "The review period is at least one day."),
    ({"required_deliverables": "Budget sheet\nbudget sheet "}, "required_deliverables",
     "is listed twice."),
    # However spaced or written in full-width letters (tracker/names.py): the same name.
    ({"required_deliverables": "Budget sheet\nBudget   sheet"}, "required_deliverables",
     "is listed twice."),
    ({"required_deliverables": "Budget sheet\nＢｕｄｇｅｔ　ｓｈｅｅｔ"}, "required_deliverables",
     "is listed twice."),
])
def test_settings_are_refused_beside_their_field_and_the_input_kept(client, admin, overrides,
                                                                    field, message):
    response = post(client, "/admin/gates/1", _form(**overrides))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    error = re.search(rf'id="{field}-error">(.*?)</div>', page, re.S)
    assert error and message in error.group(1), page
    assert 'value="Market potential"' in page and 'value="1.5"' in page
    assert "Proposal document\n\n  Budget sheet" in page or field == "required_deliverables"
    db.session.expire_all()
    assert _template(1).quorum == 3 and _records(_template(1)) == []


@pytest.mark.parametrize("criteria,field,message", [
    ([("should", "Novelty", "-1", "5")], "criteria-0-weight", "Give a weight of 0 or more."),
    ([("must", "Budget within the rules", "", ""), ("should", "Novelty", "2", "0")],
     "criteria-1-scale_max", "scored from 0 to at least 1"),
    ([("must", "Budget within the rules", "", ""), ("should", "Novelty", "0", "5"),
      ("should", "Team", "0", "5")], "criteria-1-weight", "needs a weight above 0"),
    ([("should", "Novelty", "a lot", "5")], "criteria-0-weight", "Enter a number"),
    ([("should", "x" * 301, "1", "5")], "criteria-0-text", "300"),
])
def test_criteria_are_refused_beside_the_row_at_fault(client, admin, criteria, field, message):
    response = post(client, "/admin/gates/1", _form(criteria=criteria))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    error = re.search(rf'id="{field}-error">(.*?)</div>', page, re.S)
    assert error and message in error.group(1), page
    db.session.expire_all()
    assert len(_template(1).criteria) == 6


def test_an_error_in_a_row_after_a_blank_one_lands_on_that_row(client, admin):
    data = _form(criteria=[("should", "Novelty", "1", "5"), ("should", "", "1", "5"),
                           ("should", "Team", "-2", "5")], blank_rows=0)
    page = post(client, "/admin/gates/1", data).get_data(as_text=True)
    assert re.search(r'id="criteria-2-weight-error">.*?Give a weight of 0 or more', page, re.S)


def test_a_gate_needs_at_least_one_criterion(client, admin):
    response = post(client, "/admin/gates/1", _form(criteria=[], blank_rows=3))
    assert response.status_code == 400
    assert "A gate needs at least one criterion." in response.get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.PROJECT_MANAGER, Role.EVALUATOR, Role.OBSERVER,
                                  Role.INVESTMENT_COMMITTEE])
def test_only_hq_admins_configure_gates(client, role):
    install_gates()
    login(client, make_user(role))
    assert client.get("/admin/gates/").status_code == 403
    assert client.get("/admin/gates/1").status_code == 403
    assert post(client, "/admin/gates/1", _form()).status_code == 403
    assert "/admin/gates/" not in client.get("/").get_data(as_text=True)
    db.session.expire_all()
    assert _template(1).quorum == 3


def test_anonymous_is_sent_to_log_in(client):
    response = client.get("/admin/gates/1")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("gate", [0, 5, 99999999999])
def test_an_unknown_gate_is_404(client, admin, gate):
    assert client.get(f"/admin/gates/{gate}").status_code == 404
    assert post(client, f"/admin/gates/{gate}", _form()).status_code == 404


def test_a_post_without_the_csrf_token_is_refused(client, admin):
    response = client.post("/admin/gates/1", data=_form())
    assert response.status_code == 400
    db.session.expire_all()
    assert _template(1).quorum == 3


def test_a_gate_never_configured_starts_from_its_defaults_and_is_created(client):
    admin = make_user(Role.HQ_ADMIN)
    login(client, admin)
    listing = client.get("/admin/gates/").get_data(as_text=True)
    assert listing.count("Not configured yet") == 4
    page = client.get("/admin/gates/3").get_data(as_text=True)
    assert "has not been configured yet" in page
    assert 'value="市场与商业模式"' in page and 'value="Market and business model"' in page
    assert _template(3) is None  # showing the defaults stored nothing

    assert post(client, "/admin/gates/3", _form()).status_code == 302
    template = _template(3)
    assert template.gate == 3 and len(template.criteria) == 3
    [record] = _records(template)
    assert record.action == "gate_template.create"
    assert record.changes["criteria"][0] == []
    assert db.session.scalar(select(func.count()).select_from(GateTemplate)) == 1


def test_the_edit_form_survives_malformed_input(client, admin):
    page = client.get("/admin/gates/1").get_data(as_text=True)
    names = set(re.findall(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', page))
    names -= {"csrf_token", "locale", "next"}
    for value in NASTY:
        response = post(client, "/admin/gates/1", {name: value for name in names})
        assert response.status_code == 400, value[:20]
    assert post(client, "/admin/gates/1", {n: ["1", "2"] for n in names}).status_code < 500
    assert post(client, "/admin/gates/1", {"criteria-99999999999999-text": "x"}).status_code < 500

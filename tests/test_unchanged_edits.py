"""An edit sent back as its form showed it changes nothing: it is refused, for every kind of
record, in the one message of a correction that changes nothing (`tracker.corrections.unchanged`,
at the top of the form, 400, the input kept), and nothing is written, no audit record either,
instead of "Saved." over nothing (issue 9 point 5, the newcomer's walk). One check for every
edit form, in `tracker.web.actions.submit`: a form editing a record whose save wrote no audit
record changed nothing.

Each row below opens an edit form as its user, sends back every field as the page filled it
(as a browser would), and reads the answer. `test_every_edit_form_is_in_the_table` fails for
an edit page (a route ending in /edit, or one of EDIT_PAGES) that has no row here and is not in
`NO_ROW`, which says why."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from flask import current_app
from sqlalchemy import func, select

from tests.achievements import helpers as achievement_helpers
from tests.achievements.test_annuity_corrections import _annuity as _unpaid_annuity
from tests.assessment.conftest import PDF
from tests.companies import helpers as company_helpers
from tests.conftest import login, post
from tests.factories import (
    _commit,
    install_gates,
    make_centre,
    make_enterprise,
    make_institute,
    make_need,
    make_pm_record,
    make_project,
    make_region,
    make_user,
)
from tests.gates import helpers as gate_helpers
from tests.incentives.test_grants import LINES as GRANT_LINES
from tests.incentives.test_grants import grant
from tests.unchanged import UNCHANGED
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.budgets.models import BudgetTemplate
from tracker.centres import services as centre_services
from tracker.experts import services as experts
from tracker.milestones import services as milestones
from tracker.partners import services as partners
from tracker.partners.agreement_models import AgreementKind
from tracker.partners.demo import seed_partners
from tracker.partners.models import Partner, PartnerKind
from tracker.projects.lifecycle import Phase
from tracker.techfields.demo import seed_fields
from tracker.techfields.models import TechnicalField


class _Form(HTMLParser):
    """What a browser sends for the page's form posting to `path` (or to itself): each field
    as filled, a checkbox or radio only when checked, a select's chosen options."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path, self.inside, self.fields = path, False, []
        self.select: tuple[str, bool] | None = None
        self.options: list[tuple[str, bool]] = []
        self.textarea: str | None = None
        self.text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post" and a.get(
                "action", "") in ("", self.path) and not self.fields:
            self.inside = True
        if not self.inside or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((name, a.get("value") or "y"))
            elif kind not in ("submit", "button", "file", "reset", "image"):
                self.fields.append((name, a.get("value") or ""))
        elif tag == "select" and name:
            self.select, self.options = (name, "multiple" in a), []
        elif tag == "option" and self.select is not None:
            self.options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and name:
            self.textarea, self.text = name, ""

    def handle_data(self, data):
        if self.textarea is not None:
            self.text += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select" and self.select is not None:
            name, many = self.select
            chosen = [v for v, selected in self.options if selected]
            if not chosen and not many and self.options:
                chosen = [self.options[0][0]]
            self.fields += [(name, v) for v in chosen]
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.fields.append((self.textarea, self.text.replace("\r\n", "\n").removeprefix("\n")))
            self.textarea = None


def sent_back(client, path: str):
    page = client.get(path)
    assert page.status_code == 200, (path, page.status_code)
    form = _Form(path)
    form.feed(page.get_data(as_text=True))
    assert form.fields, f"no form on {path}"
    data: dict[str, list[str]] = {}
    for name, value in form.fields:
        data.setdefault(name, []).append(value)
    return post(client, path, data)


def _audited() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditRecord))


def _admin():
    return make_user(Role.HQ_ADMIN)


def _institute():
    return _admin(), f"/institutes/{make_institute().id}/edit"


def _enterprise():
    return _admin(), f"/enterprises/{make_enterprise().id}/edit"


def _centre():
    return _admin(), f"/centres/{make_centre().id}/edit"


def _need():
    return _admin(), f"/needs/{make_need().id}/edit"


def _company():
    company = company_helpers.make_company(make_project(phase=Phase.SPIN_OFF))
    return _admin(), f"/companies/{company.id}/edit"


def _settings():
    return _admin(), "/admin/settings"


def _gate_template():
    install_gates()
    return _admin(), "/admin/gates/1"


def _user():
    return _admin(), f"/admin/users/{make_user(Role.EVALUATOR).id}"


def _proposal():
    project = make_project()
    return project.pm, f"/projects/{project.id}/edit"


def _milestone():
    install_gates()
    project = make_project()
    gate_helpers.go(gate_helpers.submit(project))
    milestone = milestones.plan_milestone(
        project.pm, project, phase=Phase.CONTRACT_RESEARCH, title="Prototype",
        deliverable="A working prototype", due_date=date(2026, 6, 30), weight=Decimal("1"))
    _commit()
    return project.pm, f"/milestones/{milestone.id}/edit"


def _field():
    admin = _admin()
    seed_fields(admin)
    _commit()
    return admin, f"/admin/fields/{db.session.scalars(select(TechnicalField.id)).first()}/edit"


def _region():
    return _admin(), f"/admin/regions/{make_region('south').id}/edit"


def _expert():
    admin = _admin()
    expert = experts.save_expert(admin, None, name="王建国", professional_title="senior",
                                 unit="东南大学", unit_enterprise_id=None,
                                 expertise="液压传动\n节能控制", email="wang@seu.example.cn",
                                 phone="", active=True)
    _commit()
    return admin, f"/admin/experts/{expert.id}/edit"


def _partner():
    admin = _admin()
    seed_partners(admin)
    _commit()
    return admin, f"/partners/{db.session.scalars(select(Partner.id)).first()}/edit"


def _pm_record():
    admin = _admin()
    record = make_pm_record(None, make_institute(), by=admin)
    _commit()
    return admin, f"/pms/{record.id}/edit"


def _budget_template():
    template = db.session.scalars(select(BudgetTemplate.id)).first()
    return _admin(), f"/admin/budgets/{template}"


def _achievement():
    achievement = achievement_helpers.make_achievement()
    return achievement.project.pm, f"/achievements/{achievement.id}/edit"


def _right():
    right = achievement_helpers.make_patent(achievement_helpers.make_achievement())
    return right.achievement.project.pm, f"/ip-rights/{right.id}/edit"


def _annuity():
    annuity = _unpaid_annuity()
    return annuity.right.achievement.project.pm, f"/annuities/{annuity.id}/edit"


def _transfer():
    transfer = achievement_helpers.make_transfer(achievement_helpers.make_achievement())
    return _admin(), f"/transfers/{transfer.id}/edit"


def _centre_agreement():
    admin = _admin()
    term = centre_services.record_agreement(
        admin, make_centre(), signed_on=date(2024, 3, 20), starts_on=date(2024, 4, 1),
        ends_on=date(2027, 3, 31), committed=Decimal("3000000"))
    _commit()
    return admin, f"/centres/agreements/{term.id}/edit"


def _grant():
    company = company_helpers.make_company(make_project(phase=Phase.SPIN_OFF))
    company_helpers.incorporate(company, lines=GRANT_LINES)
    return _admin(), f"/incentives/grants/{grant(company).id}/edit"


def _partner_agreement():
    admin = _admin()
    partner = partners.save_partner(admin, None, name="中国银行苏州分行",
                                    name_en="Bank of China Suzhou", kind=PartnerKind.BANK,
                                    level=None, uscc=None)
    agreement = partners.record_agreement(
        admin, partner, kind=AgreementKind.CREDIT, title="科技型企业授信协议",
        signed_on=date(2026, 1, 5), starts_on=None, ends_on=None,
        upload=(io.BytesIO(PDF), "授信协议.pdf"))
    _commit()
    return admin, f"/partners/agreements/{agreement.id}/edit"


CASES = [_institute, _enterprise, _centre, _need, _company, _settings, _gate_template, _user,
         _proposal, _milestone, _field, _region, _expert, _partner, _pm_record, _budget_template,
         _achievement, _right, _annuity, _transfer, _centre_agreement, _grant,
         _partner_agreement]
ENDPOINT_OF = {
    "_institute": "organisations.edit_institute", "_enterprise": "organisations.edit_enterprise",
    "_centre": "organisations.edit_centre", "_need": "organisations.edit_need",
    "_company": "companies.edit", "_settings": "settings.edit",
    "_gate_template": "gate_admin.edit_template", "_user": "users.edit_user",
    "_proposal": "projects.edit", "_milestone": "milestones.edit", "_field": "techfields.edit",
    "_region": "regions.edit",
    "_expert": "experts.edit", "_partner": "partners.edit", "_pm_record": "pms.edit",
    "_budget_template": "budget_admin.edit_template", "_achievement": "achievements.edit",
    "_right": "achievements.edit_right", "_annuity": "achievements.edit_annuity",
    "_transfer": "transfers.edit", "_centre_agreement": "centres.edit_agreement",
    "_grant": "incentives.edit", "_partner_agreement": "partners.edit_agreement",
}


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.__name__.strip("_"))
def test_an_edit_sent_back_unchanged_is_refused_and_writes_nothing(client, case):
    user, path = case()
    _commit()
    login(client, user)
    written = _audited()
    answer = sent_back(client, path)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400, (path, answer.status_code)
    assert UNCHANGED in page and "Saved." not in page
    db.session.expire_all()
    assert _audited() == written


# Edit pages whose unchanged sending is refused elsewhere, or that need no row: each says why.
NO_ROW = {
    # Corrections with a reason: their services refuse a no-change themselves, one row each in
    # tests/test_unchanged_corrections.py.
    "contracts.edit", "contracts.edit_instalment", "funding.edit_agreement",
    "funding.edit_tranche", "funding.edit_outcome", "companies.edit_ip_deal",
    "assessment.edit_indicator", "pms.edit_team",
    # A report owed: refused by the same check (its view gives `record=`); the PM's sending
    # back of its page is tests/obligations/test_terms.py's forged-fields test.
    "obligations.edit",
}
# Edit pages whose address does not end in /edit.
EDIT_PAGES = {"settings.edit", "gate_admin.edit_template", "users.edit_user",
              "budget_admin.edit_template"}


def test_every_edit_form_is_in_the_table(app):
    edits = {rule.endpoint for rule in current_app.url_map.iter_rules()
             if "POST" in rule.methods and (rule.rule.endswith("/edit")
                                            or rule.endpoint in EDIT_PAGES)}
    covered = set(ENDPOINT_OF.values())
    assert {ENDPOINT_OF[case.__name__] for case in CASES} == covered
    assert len(edits) > 20  # the walk found the edit pages
    assert edits - covered - NO_ROW == set()
    assert (covered | NO_ROW) - edits == set()  # no stale entry

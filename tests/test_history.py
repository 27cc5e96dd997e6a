"""History people can read: every audit record as a sentence in the reader's language, fields
by their labels, values formatted as on the object's page; never a column name, an id or an
action code."""

from __future__ import annotations

import ast
import html
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Numeric, select

from tests.achievements.helpers import make_achievement, make_transfer
from tests.companies import helpers as companies
from tests.conftest import login, post
from tests.factories import _commit, install_gates, make_enterprise, make_project, make_user
from tests.source import modules, nodes, text
from tests.test_edits import proposal, tab
from tracker import db
from tracker.accounts.models import Role
from tracker.achievements import deals
from tracker.audit import services as audit
from tracker.audit.models import AuditRecord
from tracker.budgets.defaults import default_template
from tracker.changes import services as changes
from tracker.db import Base
from tracker.display import history, history_keys, history_names
from tracker.display.record_names import NAMES
from tracker.display.words import ACTIONS, FIELDS, HIDDEN, OBJECTS, VERBS
from tracker.funding import services as funding
from tracker.imports import jobs, services
from tracker.obligations import services as obligations
from tracker.obligations.models import ReportKind
from tracker.projects.lifecycle import Phase
from tracker.spending.services import record_spending

ROOT = Path(__file__).resolve().parent.parent
RECORD_CALL = re.compile(r"record(?:_about|_if_changed)?\(\s*[\w.()]+,\s*\"([a-z_]+\.[a-z_]+)\"",
                         re.S)


def _saved(path: Path) -> set[str]:
    """What audit.saved(actor, "kind", ..., created=...) records, and
    organisations.services._apply(actor, obj, values, "kind", ...) which calls it: the names
    `audit.action` makes of "create" (or each verb `created` gives) and "update"."""
    found = set()
    for node in nodes(path):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(
                node.func, "id", None)) in ("saved", "_apply"):
            kinds = [a.value for a in node.args
                     if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            created = [c.value for k in node.keywords if k.arg == "created"
                       for c in ast.walk(k.value) if isinstance(c, ast.Constant)]
            found |= {audit.action(kind, verb) for kind in kinds[:1]
                      for verb in ("update", *(created or ["create"]))}
    return found


def test_every_audited_action_has_a_name():
    codes = set()
    for path in modules():
        codes |= set(RECORD_CALL.findall(text(path)))
        codes |= _saved(path)
    assert len(codes) > 40, "the scan found almost nothing: has the call changed shape?"
    assert codes - set(ACTIONS) - BY_VERB == set(), "name these actions in tracker/display/words.py"
    assert BY_VERB - codes == set() and BY_VERB - set(ACTIONS) == BY_VERB
    assert {code.rsplit(".", 1)[1] for code in BY_VERB} <= set(VERBS)


# Saved by `audit.saved` and named by the history from their record and verb, the words of
# VERBS ("Institute created", "Achievement changed"), not in ACTIONS.
BY_VERB = {"achievement.update", "centre.create", "centre.update", "enterprise.create",
           "enterprise.update", "institute.create", "institute.update", "ip_right.update",
           "need.create", "need.update", "transfer.update"}


def test_every_key_a_service_writes_has_a_label(app):
    """A key written into the trail beside the columns (`audit.record(..., {"rights": ...})`)
    is labelled, hidden, or a column of some table: never "Other detail" (an IP deal's history
    said its rights as "Other detail: CN2023...", an evidence entry its files)."""
    columns = {c.key for m in Base.registry.mappers for c in m.columns}
    labelled = set(FIELDS) | set(HIDDEN) | {key for _, key in history_keys.FIELDS_OF} | columns
    written = {}
    for path in modules():
        for node in nodes(path):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("record", "record_about", "record_if_changed")):
                for changes in (a for a in node.args[3:] if isinstance(a, ast.Dict)):
                    written.update({k.value: f"{path.relative_to(ROOT)}:{node.lineno}"
                                    for k in changes.keys if isinstance(k, ast.Constant)})
            # ... and a key added to the changes before they are recorded (changes["files"] =)
            if (isinstance(node, ast.Assign) and isinstance(target := node.targets[0],
                                                            ast.Subscript)
                    and isinstance(target.value, ast.Name) and target.value.id == "changes"
                    and isinstance(target.slice, ast.Constant)):
                written[target.slice.value] = f"{path.relative_to(ROOT)}:{node.lineno}"
    assert len(written) > 40, "the scan found almost nothing: has the call changed shape?"
    assert {k: at for k, at in written.items() if k not in labelled} == {}


def test_every_table_and_column_has_a_label(app):
    tables = {m.class_.__tablename__ for m in Base.registry.mappers}
    assert tables - set(OBJECTS) == set()
    columns = {(m.class_.__tablename__, c.key) for m in Base.registry.mappers for c in m.columns}
    # The English value of reference data is labelled after its Chinese one ("Name in English");
    # a column that means something of its own on one table is labelled for it (FIELDS_OF).
    unlabelled = {(table, column) for table, column in columns
                  if column not in FIELDS and column not in HIDDEN
                  and (table, column) not in history_keys.FIELDS_OF
                  and not (column.endswith("_en") and column[:-3] in FIELDS)}
    assert unlabelled == set()


# Keys and codes a reader must never see.
RAW = re.compile(r"\b(budget_total|institute_id|partner_enterprise_id|trl_now|start_date|"
                 r"project\.update|project\.create|projects #|\[\[|None)\b")


@pytest.mark.parametrize("locale,money,label", [
    ("en", "CN¥3,500,000.00", "Total budget"), ("zh_CN", "¥3,500,000.00", "总预算")])
def test_a_history_page_reads_as_sentences(client, locale, money, label):
    install_gates()
    project = make_project()
    partner = make_enterprise(name="Partner Enterprise Ltd")
    login(client, project.pm)
    path = f"/projects/{project.id}/edit"
    assert post(client, path, proposal(project, **tab(client, path), budget_total="3500000",
                                       partner_enterprise_id=str(partner.id),
                                       start_date="2026-02-01")).status_code == 302
    post(client, "/logout")
    login(client, make_user(Role.HQ_ADMIN, locale=locale))
    for url in (f"/history/projects/{project.id}", "/audit/?object_type=projects"):
        page = client.get(url).get_data(as_text=True)
        body = page[page.index("<main"):]
        text = re.sub(r"<[^>]*>", " ", body)  # what the reader sees, not option values
        assert not RAW.search(text), RAW.search(text)
        assert money in body and label in body
        assert "Partner Enterprise Ltd" in body  # a name, not the enterprise's id
        assert ("Proposal changed" if locale == "en" else "修改了项目申报") in body
        if locale == "zh_CN":
            assert "2026年2月1日" in body



def test_a_language_reads_as_its_name(app):
    from tracker.accounts.models import User
    from tracker.display.history import kind_of, shown

    assert shown(kind_of(User, "locale"), "zh_CN", None) == "简体中文"


def test_all_changes_of_an_agreement_and_a_company_include_their_records(client):
    """The history of a funding agreement lists its tranches, disbursements and conversion;
    that of a company its share entries, rounds, IP deals and the conversion at its round,
    each line naming its record."""
    agreement, company = companies.worked_example(
        companies.invested_project())
    login(client, make_user(Role.HQ_ADMIN))
    page = client.get(f"/history/funding_agreements/{agreement.id}").get_data(as_text=True)
    for action in ("funding.agree", "funding.tranche", "funding.disburse", "funding.convert"):
        assert str(ACTIONS[action]) in page, action
    assert "To what" in page
    page = client.get(f"/history/companies/{company.id}").get_data(as_text=True)
    for action in ("company.create", "shares.issue", "round.create", "funding.convert"):
        assert str(ACTIONS[action]) in page, action
    assert "IP licence recorded" in page  # the worked example's deal, named as its kind


@pytest.mark.parametrize("who", ["pm", "director", "admin"])
def test_a_history_page_links_to_nothing_its_reader_may_not_open(client, who):
    """The lines of an agreement's tranches and disbursements sit on the agreement's own
    history: they link nowhere (their own history pages are HQ's, and a PM or a director
    reading the agreement's found them answering 404)."""
    project = companies.invested_project()
    agreement, _company = companies.worked_example(project)
    if who == "director":
        reader = make_user(Role.INSTITUTE_DIRECTOR)
        project.institute.director_id = reader.id
        db.session.commit()
    else:
        reader = project.pm if who == "pm" else make_user(Role.HQ_ADMIN)
    login(client, reader)
    response = client.get(f"/history/funding_agreements/{agreement.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and str(ACTIONS["funding.tranche"]) in page
    for target in re.findall(r'href="(/history/[^"]+)"', page):
        assert client.get(target).status_code == 200, target
    assert "/history/tranches/" not in page


@pytest.mark.parametrize(("object_type", "key", "stored", "label", "shown"), [
    # Years read as years (an enterprise's recognition showed "2,020").
    ("enterprises", "high_tech_since", 2020, "High-tech enterprise", "2020"),
    ("enterprise_recognitions", "year", 2022, "Year", "2022"),
    # What services write as text: an exercise's count and date (shown as "Other detail" and
    # as an ISO date), a funder report's submission, an achievement's contributors.
    ("incentive_grants", "exercised", "150000", "Options exercised in all", "150,000"),
    ("incentive_grants", "on_date", "2026-06-01", "Exercised on", "Jun 1, 2026"),
    ("report_obligations", "submitted_on", "2026-11-20", "Submitted on", "Nov 20, 2026"),
    ("achievements", "contributors", ["李强 60%"], "Contributors", "李强 60%"),
    # Money a service wrote as text, said as money as its page says it (they read "1,000" and
    # "JITRI-RB 4,500,000"): a spending entry's amount on its project, an approved allocation.
    ("projects", "amount", "1000.00", "Amount", "CN¥1,000.00"),
    # An imported decision's conditions: the due date as a date, the state in words.
    ("gate_decisions", "conditions", [["Sign the contract", "pm@example.cn", "2026-03-01", "met"]],
     "Conditions", "Sign the contract · pm@example.cn · Mar 1, 2026 · Met: awaiting confirmation"),
    ("assessment_years", "allocations", {"JITRI-RB": "4500000.00", "JITRI-AM": "500000.00"},
     "Allocations", "JITRI-RB CN¥4,500,000.00; JITRI-AM CN¥500,000.00"),
])
def test_a_value_a_service_wrote_reads_as_its_page_says_it(app, object_type, key, stored,
                                                          label, shown):
    with app.test_request_context():
        model = history_names.model_of(object_type)
        assert history.field_label(key, object_type) == label
        assert history.shown(history.kind_of(model, key), stored, history_names.Names()) == shown


def test_every_percentage_column_reads_as_a_percentage(app):
    """A deal's contributors' share read "70" and its minimum "50" in its history, where its
    page says 70.00 %: every numeric column named as a percentage is shown as one."""
    with app.test_request_context():
        for mapper in Base.registry.mappers:
            for column in mapper.columns:
                if column.key.endswith("_pct") and isinstance(column.type, Numeric):
                    assert history.kind_of(mapper.class_, column.key) == "pct", column.key


# --- the record a line is about is named as its page names it, its numbers are formatted and
# its fields come in the order of its page (issue 9, F21: "Share entry no. 12" for a share
# issue, 1000000 shares, a royalty report's 期间止 before its 期间起 and its date as 到账日期).

# Tables of the trail whose records have no name of their own and none in record_names.NAMES:
# their records are never the object of an audit record (nothing says their name).
NEVER_NAMED = {"audit_records", "form_tokens", "user_sessions", "phone_codes",
               "recovery_codes", "job_runs", "project_code_counters", "draft_evidence",
               "evidence", "assessment_evidence_files", "milestone_events", "notification_channels",
               "notification_settings", "reminder_opt_outs", "reminder_preferences",
               "role_grants", "scores", "setting_values", "partner_agreement_documents"}


def test_every_record_the_trail_names_has_a_name(app):
    nameless = set()
    for mapper in Base.registry.mappers:
        model = mapper.class_
        if not any(hasattr(model, attribute)
                   for attribute in ("name", "title", "code", "text", "email", "day")):
            nameless.add(model.__tablename__)
    assert nameless - set(NAMES) - NEVER_NAMED == set(), "name them in record_names.NAMES"
    assert NEVER_NAMED & set(NAMES) == set()


BARE_ID = re.compile(r"(no\. \d+|第 \d+ 号|#\d+)")
# A run of 5 to 14 digits: longer ones are codes (a credit code has 18), as are digits beside
# letters (ZL2023...).
UNFORMATTED = re.compile(r"(?<![\w,.\-/])\d{5,14}(?![\w,])")


def _lines(page: str) -> str:
    body = page[page.index("<main"):]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]*>", " ", body)))


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_a_company_and_an_agreement_history_name_their_records_and_format_numbers(
        client, locale):
    agreement, company = companies.worked_example(companies.invested_project())
    login(client, make_user(Role.HQ_ADMIN, locale=locale))
    for url in (f"/history/companies/{company.id}",
                f"/history/funding_agreements/{agreement.id}", "/audit/"):
        text = _lines(client.get(url).get_data(as_text=True))
        assert not BARE_ID.search(text), (url, BARE_ID.search(text))
        assert not UNFORMATTED.search(text), (url, UNFORMATTED.search(text))
    text = _lines(client.get(f"/history/companies/{company.id}").get_data(as_text=True))
    assert "7,000,000" in text  # the R&D team's shares, as the cap table says them
    for entry in company.entries:
        page = client.get(f"/history/share_entries/{entry.id}").get_data(as_text=True)
        assert not BARE_ID.search(_lines(page)), entry.id


@pytest.mark.parametrize("locale,start,end,received", [
    ("en", "Period from", "Period to", "Report received on"),
    ("zh_CN", "期间起", "期间止", "收到报告日期")])
def test_a_royalty_report_reads_in_the_order_of_its_page(client, locale, start, end, received):
    hq = make_user(Role.HQ_ADMIN, locale=locale)
    transfer = make_transfer(make_achievement(), hq)
    report = deals.record_report(hq, transfer, received_on=date(2026, 5, 1),
                                 base_amount=Decimal("1000000.00"))
    _commit()
    login(client, hq)
    for url in (f"/history/royalty_reports/{report.id}", f"/history/ip_transfers/{transfer.id}"):
        text = _lines(client.get(url).get_data(as_text=True))
        assert text.index(start) < text.index(end) < text.index(received), url
        assert "到账日期" not in text and not BARE_ID.search(text), url
    assert history_names.name_of(transfer, "ip_transfers", transfer.id) == (
        f"{history.label(transfer.kind)} · {transfer.enterprise.shown('name')}")


def test_a_value_no_column_types_is_said_as_a_number_a_date_or_a_code(app):
    """Keys a service writes beside the object's columns: money and counts are stored as
    text (str of a Decimal), so 1000000 was shown as stored."""
    with app.test_request_context():
        auto = history.kind_of(None, "moved_shares")
        assert history.shown(auto, "1000000", None) == "1,000,000"
        assert history.shown(auto, "2500.50", None) == "2,500.5"
        assert history.shown(auto, {"JITRI-RB": "3500000.00"}, None) == "JITRI-RB 3,500,000"
        assert history.shown(auto, ["2026-02-01"], None) == "Feb 1, 2026"
        code = history.kind_of(None, "voucher_number")
        assert history.shown(code, "20260001", None) == "20260001"


def test_an_import_run_says_its_kind_and_file_once(client):
    """A web upload's run: its queueing says its kind and file, its end no longer again."""
    admin = make_user(Role.HQ_ADMIN)
    # a kind that needs nothing recorded first (`Kind.needs`)
    run = jobs.queue(admin, "enterprises", "enterprises.csv", b"", dry_run=True, locale="en")
    services.finish(admin, run, services.ImportState.FAILED, queued=True)
    db.session.commit()
    said = [key for record in db.session.scalars(
        select(AuditRecord).where(AuditRecord.object_type == "import_runs",
                                  AuditRecord.object_id == run.id))
        for key in record.changes if key in ("kind", "file")]
    assert sorted(said) == ["file", "kind"]
    assert history_names.name_of(run, "import_runs", run.id) == "enterprises.csv"


def test_an_agreements_co_funders_read_in_the_readers_language(client):
    """The trail keeps each co-funder by its Chinese name (the key); its history names it in
    the reader's language (issue 9: an English history read 'Co-funders: 苏州市 1')."""
    committee = make_user(Role.INVESTMENT_COMMITTEE)
    agreement = funding.record_agreement(
        committee, companies.invested_project(), committed=Decimal("5000000"),
        qualifying_round_min=Decimal("1"), conversion_deadline=date(2029, 1, 1),
        signed_on=date(2026, 1, 15), co_funders=[("苏州市", Decimal("1"))])
    agreement.co_funders[0].partner.name_en = "Suzhou Municipal Government"
    _commit()
    login(client, make_user(Role.HQ_ADMIN))
    page = client.get(f"/history/funding_agreements/{agreement.id}").get_data(as_text=True)
    assert "Suzhou Municipal Government 1" in page and "苏州市" not in page
    # A report owed that the co-funder asks for names it so too, in both languages (found by
    # the both-languages walk: an English history read "Asked for by: 苏州市").
    owed = obligations.add_obligation(committee, agreement, kind=ReportKind.PROGRESS,
                                      due_on=date(2027, 5, 29),
                                      co_funder_id=agreement.co_funders[0].id)
    _commit()
    page = client.get(f"/history/report_obligations/{owed.id}").get_data(as_text=True)
    assert "Suzhou Municipal Government" in page and "苏州市" not in page
    login(client, make_user(Role.HQ_ADMIN, locale="zh_CN"))
    page = client.get(f"/history/report_obligations/{owed.id}").get_data(as_text=True)
    assert "苏州市" in page and "Suzhou Municipal Government" not in page


@pytest.mark.parametrize(("locale", "said", "unsaid"), [
    ("en", ["Equipment CN¥1,000,000.00", "Labour CN¥500,000.00"], ["设备费", "劳务费"]),
    ("zh_CN", ["设备费 ¥1,000,000.00", "劳务费 ¥500,000.00"], ["Equipment", "Labour"])])
def test_a_templates_budget_lines_read_in_the_readers_language(client, locale, said, unsaid):
    """The trail keeps a template's budget line by its category's Chinese name; the project's
    history (its proposal, a spending entry) and a budget move's before and after on the
    changes page name it in the reader's language, as the project page does (an English
    history read 'Budget lines: 设备费 CN¥1,200,000.00; ...')."""
    project = make_project(phase=Phase.CONTRACT_RESEARCH, start_date=date(2025, 1, 1),
                           budget_template_id=default_template().id,
                           budget_lines=[("equipment", Decimal("1000000")),
                                         ("labour", Decimal("500000"))])
    equipment, labour = (next(line for line in project.budget_lines if line.category == name)
                         for name in ("设备费", "劳务费"))
    record_spending(project.pm, project, budget_line_id=equipment.id, spent_on=date(2025, 3, 1),
                    amount=Decimal("1000.00"), description="Test bench parts")
    changes.move_budget(project.pm, project, from_line_id=equipment.id, to_line_id=labour.id,
                        amount=Decimal("100000.00"), reason="Cheaper rig, more samples")
    _commit()
    login(client, make_user(Role.HQ_ADMIN, locale=locale))
    history_page = client.get(f"/history/projects/{project.id}").get_data(as_text=True)
    changes_page = client.get(f"/projects/{project.id}/changes").get_data(as_text=True)
    for page in (history_page, changes_page):
        text = re.sub(r"<[^>]*>", " ", page[page.index("<main"):])
        assert all(name in text for name in said), said
        assert not any(name in text for name in unsaid), [n for n in unsaid if n in text]
    # The spending entry: its line by name, its amount as money (it read "Amount: 1,000").
    spent = ("Amount: CN¥1,000.00 Budget line: Equipment" if locale == "en" else
             "金额：¥1,000.00 预算科目：设备费")
    assert spent in re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", history_page))

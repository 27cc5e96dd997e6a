"""Who a report owed goes to is the organisation it is (an enterprise, a partner, HQ), named in
each reader's language on every page, export, e-mail and calendar event; only a recipient the
tracker does not know is kept as typed (issue 9, T5/T19/T20)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from icalendar import Calendar
from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import make_enterprise, make_user
from tests.obligations.test_services import owe
from tests.reminders.conftest import at, text_of
from tests.test_edits import tab
from tracker import db
from tracker.accounts.models import Role
from tracker.contracts.corrections import save_contract
from tracker.errors import Invalid
from tracker.funding import services as funding
from tracker.obligations import services
from tracker.obligations.models import ReportObligation
from tracker.partners import merging
from tracker.partners.models import Partner, PartnerKind
from tracker.reminders import delivery, preferences, scan


@pytest.fixture
def bilingual(contract):
    contract.enterprise.name = "苏州驱动科技有限公司"
    contract.enterprise.name_en = "Suzhou Drive Tech"
    db.session.commit()
    return contract.enterprise


def test_a_name_typed_in_either_language_is_the_organisation_it_names(contract, project,
                                                                      bilingual):
    for typed in ("苏州驱动科技有限公司", "  suzhou   DRIVE tech ",
                  "Ｓｕｚｈｏｕ Ｄｒｉｖｅ Ｔｅｃｈ"):
        owed = owe(project.pm, contract, recipient=typed, due_on=date(2026, 6, len(typed)))
        assert (owed.recipient_enterprise_id, owed.recipient) == (bilingual.id, None)
    unknown = owe(project.pm, contract, recipient="苏州市  科学技术局", due_on=date(2026, 7, 1))
    assert (unknown.recipient_enterprise_id, unknown.recipient) == (None, "苏州市 科学技术局")


def test_the_form_offers_the_subjects_organisations_and_refuses_another(client, contract,
                                                                        project, bilingual):
    path = f"/contracts/{contract.id}/reports/new"
    login(client, project.pm)
    form = client.get(path).get_data(as_text=True)
    assert f'value="enterprise-{bilingual.id}"' in form and "Suzhou Drive Tech" in form
    assert f'value="hq-{project.hq_id}"' in form and "苏州驱动" not in form
    refused = post(client, path, {**tab(client, path), "kind": "progress",
                                  "due_on": "2026-06-30", "goes_to": "enterprise-999999",
                                  "recipient": "Someone"})
    assert refused.status_code == 400
    assert "Choose one of the options offered." in refused.get_data(as_text=True)
    with pytest.raises(Invalid) as both:
        owe(project.pm, contract, goes_to=f"hq-{project.hq_id + 1}", recipient="Someone")
    assert {f for f, _m in both.value.problems} == {"goes_to", "recipient"}
    done = post(client, path, {**tab(client, path), "kind": "progress", "due_on": "2026-06-30",
                               "goes_to": f"enterprise-{bilingual.id}", "recipient": ""})
    assert done.status_code == 302
    owed = db.session.scalars(select(ReportObligation)).one()
    assert owed.recipient_enterprise_id == bilingual.id and owed.recipient is None
    edit = client.get(f"/reports-owed/{owed.id}/edit").get_data(as_text=True)
    assert f'<option selected value="enterprise-{bilingual.id}">' in edit


def test_every_page_export_mail_and_event_names_it_in_the_readers_language(
        client, clock, contract, project, director, bilingual, smtp):
    clock.set(date(2026, 7, 20))
    owed = owe(project.pm, contract, goes_to=f"enterprise-{bilingual.id}", recipient="",
               due_on=date(2026, 7, 1))
    # Recorded before it fell due: the director's escalation (+7) is owed (recorded after
    # it, none would be: tests/reminders/test_arrival.py).
    owed.recorded_at = datetime(2026, 6, 1, tzinfo=UTC)
    director.locale = "zh_CN"
    token = preferences.regenerate_feed_token(project.pm)
    db.session.commit()
    login(client, project.pm)  # English
    for path in (f"/reports-owed/{owed.id}", "/reports-owed/", f"/contracts/{contract.id}",
                 "/", "/reports-owed/?export=csv", f"/history/report_obligations/{owed.id}"):
        page = client.get(path).get_data(as_text=True)
        assert "Suzhou Drive Tech" in page and "苏州驱动" not in page, path
    summaries = [str(e["SUMMARY"]) for e in Calendar.from_ical(
        client.get(f"/calendar/{token}.ics").get_data()).walk("VEVENT")]
    assert "Report owed to: Suzhou Drive Tech" in " ".join(summaries)
    scan.scan(date(2026, 7, 20))
    db.session.commit()
    delivery.send_all(at(date(2026, 7, 20)), commit=db.session.commit)
    received = {to[0]: text_of(message) for to, message in smtp.take()}
    assert "owed to Suzhou Drive Tech" in received[project.pm.email]
    assert "苏州驱动科技有限公司" in received[director.email]  # the director reads Chinese
    assert "Suzhou Drive Tech" not in received[director.email]


def test_a_co_funders_report_names_the_partner_and_follows_a_merge(project, committee):
    agreement = funding.record_agreement(
        committee, project, committed=Decimal("5000000"), qualifying_round_min=Decimal("1"),
        conversion_deadline=date(2029, 1, 1), signed_on=date(2026, 1, 15),
        co_funders=[("苏州市", Decimal("1"))])
    city = agreement.co_funders[0]
    city.partner.name_en = "Suzhou Municipal Government"
    owed = owe(committee, agreement, recipient="", co_funder_id=city.id)
    assert (owed.recipient_partner_id, owed.recipient) == (city.partner_id, None)
    assert owed.recipient_name == "Suzhou Municipal Government"
    twin = Partner(name="苏州市政府", kind=PartnerKind.GOVERNMENT)
    db.session.add(twin)
    db.session.flush()
    services.save_obligation(committee, owed, goes_to=f"partner-{twin.id}", recipient="")
    merging.merge_partner(make_user(Role.HQ_ADMIN), twin, city.partner)
    assert db.session.get(ReportObligation, owed.id).recipient_partner_id == city.partner_id


def test_a_contracts_enterprise_corrected_takes_its_reports_owed_along(contract, project):


    wrong = contract.enterprise_id
    owed = owe(project.pm, contract, goes_to=f"enterprise-{wrong}", recipient="")
    typed = owe(project.pm, contract, recipient="市财政局", due_on=date(2026, 7, 31))
    right = make_enterprise(name="正确的企业")
    save_contract(project.pm, contract, enterprise_id=right.id, title=contract.title,
                  number=contract.number, type=contract.type, amount=contract.amount,
                  signed_on=contract.signed_on, reason="The wrong enterprise was chosen")
    assert owed.recipient_enterprise_id == right.id and owed.recipient_name == "正确的企业"
    assert typed.recipient == "市财政局"

"""Intake: an enterprise's contact submits needs for their enterprise and sees those alone,
and nothing else of the app; a centre's liaison submits for the centre's enterprise."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import (
    make_centre,
    make_enterprise,
    make_institute,
    make_need,
    make_project,
    make_user,
)
from tracker import db
from tracker.accounts import services as accounts
from tracker.accounts.models import Role
from tracker.apitokens import services as tokens
from tracker.apitokens.models import TokenScope
from tracker.audit.models import AuditRecord
from tracker.errors import Forbidden, Invalid
from tracker.needs import services as needs
from tracker.needs.intake import intake_of
from tracker.organisations.models import NeedState, TechnologyNeed


def _contact(enterprise):
    return make_user(Role.ENTERPRISE_CONTACT, enterprise_id=enterprise.id, name="企业联系人")


def test_a_contact_submits_and_sees_only_their_enterprise_needs(client):
    ours, theirs = make_enterprise(name="徐工", name_en="XCMG"), make_enterprise(name="恒瑞")
    mine = make_need(enterprise=ours, title="Hydraulic seal wear")
    other = make_need(institute=make_institute(), enterprise=theirs, title="API purity")
    contact = _contact(ours)
    signed_in = login(client, contact)
    assert client.get(signed_in.headers["Location"]).headers["Location"].endswith("/needs/")
    listed = client.get("/needs/").get_data(as_text=True)
    assert "Hydraulic seal wear" in listed and "API purity" not in listed
    assert client.get(f"/needs/{mine.id}").status_code == 200
    assert client.get(f"/needs/{other.id}").status_code == 404
    form = client.get("/needs/submit").get_data(as_text=True)
    assert "For XCMG" in form
    response = post(client, "/needs/submit", {"title": "Welding robot vision",
                                              "description": "Seams on thick plate",
                                              "centre_id": "0",
                                              "intended_investment": "2000000"})
    assert response.status_code == 302, response.get_data(as_text=True)
    need = db.session.scalar(select(TechnologyNeed).where(
        TechnologyNeed.title == "Welding robot vision"))
    assert (need.enterprise_id, need.state, need.submitted_by_id) == (
        ours.id, NeedState.COLLECTED, contact.id)
    assert db.session.scalar(select(AuditRecord).where(
        AuditRecord.action == "need.submit", AuditRecord.object_id == need.id)) is not None
    assert "Welding robot vision" in client.get("/needs/").get_data(as_text=True)


def test_a_contact_is_refused_everything_else(client):
    enterprise = make_enterprise()
    contact = _contact(enterprise)
    project = make_project(partner_enterprise_id=enterprise.id)
    login(client, contact)
    for path in ("/projects/", f"/projects/{project.id}", "/institutes/", "/enterprises/",
                 f"/enterprises/{enterprise.id}", "/centres/", "/dashboard", "/account/tokens",
                 "/notifications", f"/needs/{make_need(enterprise=enterprise).id}/edit"):
        assert client.get(path).status_code == 403, path
    page = client.get("/needs/").get_data(as_text=True)
    assert 'href="/projects/"' not in page and 'href="/institutes/"' not in page
    with pytest.raises(Forbidden):
        tokens.create_token(contact, "tool", TokenScope.READ, 30)


def test_a_contact_never_reads_hqs_deliberation(client):
    enterprise = make_enterprise()
    need = make_need(enterprise=enterprise, state=NeedState.ANALYSED)
    institute = make_institute(name="机器人研究所")
    needs.propose_candidate(make_user(Role.HQ_ADMIN), need, institute_id=institute.id,
                            pm_id=None, reason="Their welding lab is the best fit")
    login(client, _contact(enterprise))
    page = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert "Their welding lab" not in page and "Candidates" not in page


def test_a_contact_account_names_its_enterprise_and_holds_no_other_role():
    admin = make_user(Role.HQ_ADMIN)
    with pytest.raises(Invalid) as refused:
        accounts.create_user(admin, email="c1@example.cn", name="C", password="x" * 16 + "Aa1!",
                             roles=["enterprise_contact"], enterprise_id=None)
    assert refused.value.field == "enterprise_id"
    with pytest.raises(Invalid) as refused:
        accounts.create_user(admin, email="c2@example.cn", name="C", password="x" * 16 + "Aa1!",
                             roles=["enterprise_contact", "observer"],
                             enterprise_id=make_enterprise().id)
    assert refused.value.field == "roles"


def test_a_liaison_submits_for_their_centres_enterprise(client):
    liaison = make_user(name="联络人")
    centre = make_centre(make_enterprise(name="华为"), liaison_id=liaison.id)
    elsewhere = make_centre()
    login(client, liaison)
    refused = post(client, "/needs/submit", {"title": "5G antenna",
                                             "centre_id": str(elsewhere.id)})
    assert refused.status_code == 400
    response = post(client, "/needs/submit", {"title": "5G antenna", "centre_id": str(centre.id)})
    assert response.status_code == 302, response.get_data(as_text=True)
    need = db.session.scalar(select(TechnologyNeed).where(TechnologyNeed.title == "5G antenna"))
    assert (need.enterprise_id, need.centre_id) == (centre.enterprise_id, centre.id)
    assert "5G antenna" in client.get("/needs/").get_data(as_text=True)
    with pytest.raises(Invalid):  # not their centre
        needs.submit_need(liaison, title="Other", centre_id=elsewhere.id)


def test_the_centres_offered_are_those_the_service_takes():
    """`needs.intake.intake_of` gives the page's choices and `submit_need`'s check: every centre
    offered is taken, any other refused, and no centre only from an enterprise's contact."""
    ours = make_enterprise(name="徐工")
    contact, liaison = _contact(ours), make_user(name="联络人")
    own, liaised, other = make_centre(ours), make_centre(liaison_id=liaison.id), make_centre()
    for user, offered, required in ((contact, own, False), (liaison, liaised, True)):
        intake = intake_of(user)
        assert ([c.id for c in intake.centres], intake.centre_required) == ([offered.id], required)
        need = needs.submit_need(user, title=f"{user.name} 1", centre_id=offered.id)
        assert (need.enterprise_id, need.centre_id) == (offered.enterprise_id, offered.id)
        with pytest.raises(Invalid):
            needs.submit_need(user, title=f"{user.name} 2", centre_id=other.id)
    assert needs.submit_need(contact, title="no centre").enterprise_id == ours.id
    with pytest.raises(Invalid, match="Choose a centre whose liaison you are"):
        needs.submit_need(liaison, title="no centre")


def test_a_need_the_list_shows_is_one_can_view_for_contacts_and_liaisons():
    """`TechnologyNeed.visible_to` (lists) and `can_view` (pages) agree for the new readers."""
    enterprise = make_enterprise()
    liaison = make_user()
    centre = make_centre(enterprise, liaison_id=liaison.id)
    every = [make_need(enterprise=enterprise),
             make_need(enterprise=enterprise, centre_id=centre.id),
             make_need(), make_need(institute=make_institute())]
    for user in (_contact(enterprise), liaison):
        listed = set(db.session.scalars(select(TechnologyNeed.id).where(
            TechnologyNeed.visible_to(user), TechnologyNeed.id.in_([n.id for n in every]))))
        assert listed == {n.id for n in every if n.can_view(user)}
        assert listed

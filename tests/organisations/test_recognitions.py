"""An enterprise's recognitions as the domain grants them: a "little giant" (专精特新"小巨人")
only to an SME already recognised as specialised, refined, distinctive and innovative
(专精特新), the same year or earlier; and the enterprises list shows every year of each
recognition held, not only the latest."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import _commit, make_enterprise, make_hq, make_user, uscc_for
from tests.imports.helpers import run
from tracker import db
from tracker.accounts.models import Role
from tracker.errors import Invalid
from tracker.organisations import services
from tracker.organisations.models import Enterprise

REFUSED_ZH = "专精特新“小巨人”企业须从同年或更早认定的专精特新中小企业中产生"
REFUSED_EN = ("“Little giant (national specialised SME)” is granted only to an enterprise "
              "recognised as “Specialised, refined, distinctive and innovative SME” in the same "
              "year or earlier: give that year.")


def _form(enterprise, **years) -> dict:
    return {"name": enterprise.name, "uscc": enterprise.uscc, "version": str(enterprise.version),
            **years}


@pytest.mark.parametrize(("specialised", "little_giant", "accepted"), [
    (None, 2021, False),  # no SRDI recognition at all
    (2022, 2021, False),  # recognised as SRDI only after
    (2021, 2021, True),  # the same year
    (2019, 2021, True),
    (None, None, True),
    (2020, None, True),
])
def test_a_little_giant_needs_the_srdi_recognition_first(app, specialised, little_giant,
                                                         accepted):
    admin = make_user(Role.HQ_ADMIN)
    enterprise = make_enterprise()
    years = {"specialised_since": specialised, "little_giant_since": little_giant}
    if accepted:
        services.save_enterprise(admin, enterprise, **years)
        assert (enterprise.specialised_since, enterprise.little_giant_since) == (
            specialised, little_giant)
        return
    with pytest.raises(Invalid) as refused:
        services.save_enterprise(admin, enterprise, **years)
    assert [field for field, _message in refused.value.problems] == ["little_giant_since"]
    assert enterprise.little_giant_since is None


def test_an_srdi_recognition_no_longer_held_still_came_first(app):
    admin = make_user(Role.HQ_ADMIN)
    enterprise = make_enterprise()
    services.save_enterprise(admin, enterprise, specialised_since=2019)
    services.save_enterprise(admin, enterprise, specialised_since=None, little_giant_since=2022)
    assert enterprise.little_giant_since == 2022


def test_the_form_and_the_import_say_why_in_each_language(client):
    make_hq()
    enterprise = make_enterprise()
    _commit()
    for locale, said in (("en", REFUSED_EN), ("zh_CN", REFUSED_ZH)):
        login(client, make_user(Role.HQ_ADMIN, locale=locale))
        response = post(client, f"/enterprises/{enterprise.id}/edit",
                        _form(enterprise, little_giant_since="2021"))
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert 'id="little_giant_since-error"' in page
        assert said in page
        post(client, "/logout")
    admin = make_user(Role.HQ_ADMIN)
    header = ["Name", "Unified social credit code", "Little giant (national specialised SME)"]
    with force_locale("en"):
        result = run(admin, "enterprises", [header, ["小巨人公司", uscc_for(931), "2021"]])
    assert result.created == 0 and REFUSED_EN in result.errors[0][2]
    assert db.session.scalar(select(Enterprise).where(Enterprise.uscc == uscc_for(931))) is None


def test_the_list_shows_every_year_of_each_recognition(client):
    admin = make_user(Role.HQ_ADMIN, locale="en")
    enterprise = make_enterprise(name="Twice Recognised Co")
    services.save_enterprise(admin, enterprise, high_tech_since=2019)
    services.save_enterprise(admin, enterprise, high_tech_since=2022)
    _commit()
    login(client, admin)
    listing = client.get("/enterprises/?q=Twice").get_data(as_text=True)
    assert "High-tech enterprise 2019, 2022" in listing
    admin.locale = "zh_CN"
    _commit()
    listing = client.get("/enterprises/?q=Twice").get_data(as_text=True)
    assert "高新技术企业 2019、2022" in listing

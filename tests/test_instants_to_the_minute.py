"""An instant is said to the minute, by the one formatter (`formatting.instant`), on pages and in
e-mails: a gate decision's stepper read "2026年11月29日 16:27:02" (found by a newcomer)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from flask_babel import force_locale

from tests.conftest import login
from tests.factories import make_need, make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.display.formatting import instant
from tracker.reminders.mail import Voice

AT = datetime(2026, 11, 29, 8, 27, 2, tzinfo=UTC)  # 16:27:02 in Shanghai
SECONDS = re.compile(r"\d:\d\d:\d\d")


@pytest.mark.parametrize("locale,written", [
    ("en", "Nov 29, 2026, 4:27\u202fPM"), ("zh_CN", "2026年11月29日 16:27")])
def test_an_instant_is_written_to_the_minute_in_the_organisations_zone(app, locale, written):
    with app.test_request_context(), force_locale(locale):
        assert instant(AT) == written
        assert Voice().instant(AT) == written  # an e-mail's "reminded at"


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_a_page_shows_no_seconds(client, locale):
    need = make_need()
    need.created_at = AT
    db.session.commit()
    login(client, make_user(Role.OBSERVER, locale=locale))
    page = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert "16:27" in page or "4:27" in page
    assert not SECONDS.search(page)

"""The upload page says the order the kinds must be imported in, the order
tests/imports/test_empty_database.py imports a whole network in: institutes before their
directors are users, users before the institutes name them (issue 13, an adopter's finding 9:
it said "in this order" above the kinds listed institutes, enterprises, users)."""

from __future__ import annotations

import re

import pytest

from tests.conftest import login
from tests.factories import make_user
from tracker.accounts.models import Role

ORDER = {"en": ["enterprises", "institutes, without their directors", "users",
                "the institutes again, with their directors", "joint innovation centres",
                "projects", "transfers and licences"],
         "zh_CN": ["企业", "研究所（先不填所长）", "用户", "再次导入研究所，填写所长",
                   "企业联合创新中心", "项目", "转让与许可"]}


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_the_upload_page_says_institutes_then_users_then_institutes_with_directors(
        client, locale):
    login(client, make_user(Role.HQ_ADMIN, locale=locale))
    page = client.get("/admin/import/").get_data(as_text=True)
    said = re.search(r'<p id="order">(.*?)</p>', page, re.S).group(1)
    places = [said.find(words) for words in ORDER[locale]]
    assert -1 not in places and places == sorted(places), said

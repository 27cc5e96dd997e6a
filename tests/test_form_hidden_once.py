"""A form carries its one-time token, version and moment seen once (`form_head`), also when its
page holds several forms, each with a prefix: the account page's language form sent
`profile-once` twice, the second copy written again by the loop over the fields, which left out
only the unprefixed names (found by a newcomer)."""

from __future__ import annotations

import re
from collections import Counter

from tests.conftest import login
from tests.factories import make_user
from tracker.accounts.models import Role

HIDDEN = re.compile(r'<input\b[^>]*type="hidden"[^>]*>')
NAME = re.compile(r'name="([^"]+)"')


def _repeated(page: str) -> list[str]:
    repeated = []
    for form in re.findall(r"<form\b.*?</form>", page, re.S):
        names = Counter(NAME.search(tag).group(1) for tag in HIDDEN.findall(form)
                        if NAME.search(tag))
        repeated += [name for name, n in names.items() if n > 1]
    return repeated


def test_each_hidden_field_of_a_prefixed_form_is_sent_once(client):
    login(client, make_user(Role.PROJECT_MANAGER))
    page = client.get("/account").get_data(as_text=True)
    assert 'name="profile-once"' in page and 'name="pw-once"' in page
    assert _repeated(page) == []

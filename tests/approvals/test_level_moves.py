"""HQ's approval levels offer a move only where it can be made, and a move that can't (a forged
post, or a page left open while another admin reordered) is refused with what to do instead,
in the reader's language, on the levels page it came from (issue 9, point 6)."""

from __future__ import annotations

import html

import pytest

from tests.conftest import login, post
from tests.factories import _commit, make_user
from tracker.accounts.models import Role
from tracker.approvals import chain
from tracker.approvals import services as approvals
from tracker.approvals.models import AppliesTo

SAID = {
    "en": ("“Finance” is the first level already: nothing comes before it. To put another level "
           "first, move that one up.",
           "“Institute director” is the last level already: nothing comes after it. To put "
           "another level last, move that one down."),
    "zh_CN": ("「财务会签」已是第一级，前面没有层级。要让另一层级排在第一，请将那一层级上移。",
              "「研究所所长审核」已是最后一级，后面没有层级。要让另一层级排在最后，请将那一层级下移。"),
}


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_a_move_is_offered_only_where_it_can_be_made_and_a_refused_one_says_what_to_do(
        client, locale):
    hq = make_user(Role.HQ_ADMIN)
    finance = approvals.add_level(hq, name="财务会签", name_en="Finance", director=False,
                                  approver_ids=[make_user().id], applies_to=AppliesTo.ALL)
    _commit()
    approvals.move_level(hq, finance, up=True)
    _commit()
    first, last = chain.configured_levels()
    assert first.id == finance.id
    login(client, hq)
    post(client, "/language", {"locale": locale})
    page = client.get("/admin/approval-levels").get_data(as_text=True)
    # One move each: the first level down, the last one up.
    assert page.count('name="direction" value="up"') == 1
    assert page.count('name="direction" value="down"') == 1
    assert page.index('value="down"') < page.index('value="up"')
    for level, direction, said in ((first, "up", SAID[locale][0]),
                                   (last, "down", SAID[locale][1])):
        refused = post(client, f"/admin/approval-levels/{level.id}/move", {"direction": direction})
        text = html.unescape(refused.get_data(as_text=True))
        assert refused.status_code == 409
        assert said in text
        # Above the levels page itself, where the moves that can be made are offered.
        assert 'action="/admin/approval-levels"' in text
    assert [lv.id for lv in chain.configured_levels()] == [first.id, last.id]

"""The audit trail pages by where the last page stopped (`?before=`, `?after=`), not by an
offset: a million records at full size, and page 1,000 must cost what page 1 does."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.conftest import login
from tests.factories import make_user
from tests.test_query_counts import page_statements
from tracker import db
from tracker.accounts.models import Role
from tracker.audit import services as audit
from tracker.audit.models import AuditRecord

LINK = re.compile(r'<a href="([^"]+)">(Previous|Next)</a>')


def _links(page: str) -> dict[str, str]:
    return {name: href.replace("&amp;", "&") for href, name in LINK.findall(page)}


def _ids(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'href="/history/settings_probe/(\d+)"', page)]


def test_the_trail_walks_older_and_back_without_an_offset(client, engine):
    admin = make_user(Role.HQ_ADMIN)
    for n in range(1, 121):  # records about objects the trail names by id, newest last
        audit.record_about(admin, "project.update", "settings_probe", n, {"n": [None, n]})
    db.session.flush()
    login(client, admin)
    probes = list(db.session.scalars(select(AuditRecord.object_id).where(
        AuditRecord.object_type == "settings_probe").order_by(AuditRecord.id.desc())))
    path = "/audit/?object_type=settings_probe"

    first = client.get(path).get_data(as_text=True)
    assert "Previous" not in _links(first)
    pages = [first]
    while "Next" in _links(pages[-1]):
        pages.append(client.get(_links(pages[-1])["Next"]).get_data(as_text=True))
    assert [len(_ids(page)) for page in pages] == [50, 50, 20]
    assert [i for page in pages for i in _ids(page)] == probes  # each once, newest first
    assert all("object_type=settings_probe" in href for page in pages
               for href in _links(page).values())  # the filter kept
    # Back from the last page: the same second page, then the first (with no Previous).
    back = client.get(_links(pages[2])["Previous"]).get_data(as_text=True)
    assert _ids(back) == _ids(pages[1])
    newest = client.get(_links(back)["Previous"]).get_data(as_text=True)
    assert _ids(newest) == _ids(first) and "Previous" not in _links(newest)

    later = page_statements(client, engine, _links(pages[1])["Next"])
    earliest = page_statements(client, engine, path)
    assert len(later) == len(earliest)
    # The third page starts from the second's last record, by the primary key's index.
    assert any("audit_records.id <" in s for s in later)

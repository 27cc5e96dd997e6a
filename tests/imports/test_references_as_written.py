"""A reference cell is read as its finder reads it, whichever row named it first (issue 13,
issue 11): `references.References` asked each text once under its header's spelling (spaces and
case folded), so once a row named pm@import.cn a later pm@i mport.cn was read as that person
(had it come first, it was refused), and two needs "Pilot line" and "pilot line" were one. A
project code written without its number's zeros (TEST-2026-7) is found in the whole read of
the codes, in one statement, as TEST-2026-0007 is (it cost three statements a code)."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from tests.factories import _commit, make_institute, make_project, make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.imports import references
from tracker.imports.cells import CellError
from tracker.imports.columns import Ref
from tracker.projects.lifecycle import Phase


def test_a_space_inside_a_code_is_refused_after_a_row_naming_it_whole(app):
    with app.test_request_context("/"):
        user = make_user(Role.PROJECT_MANAGER, email="pm@import.cn")
        institute = make_institute(code="IMP-AM")
        refs = references.References()
        assert refs.find(Ref.USER, "pm@import.cn") == user.id
        assert refs.find(Ref.INSTITUTE, "IMP-AM") == institute.id
        for ref, text in ((Ref.USER, "pm@i mport.cn"), (Ref.INSTITUTE, "IMP -AM")):
            with pytest.raises(CellError):
                refs.find(ref, text)
        # As written again, and a code's case, which its finder reads: the same record.
        assert refs.find(Ref.USER, " PM@import.cn ") == user.id
        assert refs.find(Ref.INSTITUTE, "imp-am") == institute.id


def _statements(texts: list[str]) -> tuple[list[int], int]:
    refs, count = references.References(), [0]

    def counted(*_args, **_kwargs):
        count[0] += 1

    engine = db.session.get_bind()
    event.listen(engine, "before_cursor_execute", counted)
    try:
        found = [refs.find(Ref.PROJECT, text) for text in texts]
    finally:
        event.remove(engine, "before_cursor_execute", counted)
    return found, count[0]


def test_codes_without_their_zeros_are_found_in_the_whole_read(app):
    with app.test_request_context("/"):
        projects = [make_project(phase=Phase.CONTRACT_RESEARCH) for _ in range(40)]
        _commit()
        written = [p.code for p in projects]
        unpadded = [f"{code.rsplit('-', 1)[0]}-{int(code.rsplit('-', 1)[1])}" for code in written]
        assert unpadded != written
        found, _cost = _statements(written)
        assert found == [p.id for p in projects]
        found, cost = _statements(unpadded)
        assert found == [p.id for p in projects]
        # Each asked alone until the whole read (the HQs' codes, the code as written, then
        # padded), then the whole read and the HQs' codes once: nothing more past them.
        assert cost <= 3 * references.References.LOAD_AFTER + 2, cost

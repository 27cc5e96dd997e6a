"""A needs file gives each new need the day it was recorded and the day it was matched
(issue 13): every imported need was dated the import's day, so a network's ten years of needs
read as recorded today, with no time to match. Recorded on and Matched on are read for a new
need by both paths of the import, checked by the service the form saves through
(`organisations.services.check_need`, `need_dates`), kept as noon that day; a need on record
keeps its days, and a row giving another is refused beside the column."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.factories import make_enterprise, make_institute, make_user
from tests.imports.helpers import run
from tracker import db
from tracker.accounts.models import Role
from tracker.gates.dating import noon
from tracker.imports import export
from tracker.imports.models import ImportState
from tracker.imports.reference_bulk import BulkNeeds
from tracker.needs import timing
from tracker.organisations.models import TechnologyNeed

HEADER = ["Title", "Enterprise credit code or name", "Matched to institute (code)", "State",
          "Recorded on", "Matched on"]
RECORDED, MATCHED = date(2016, 3, 15), date(2016, 9, 1)


@pytest.fixture(params=["row by row", "bulk"])
def admin(request, monkeypatch):
    if request.param == "row by row":
        monkeypatch.setattr(BulkNeeds, "batch", lambda self, actor: None)
    make_enterprise(name="Pump Works")
    make_institute(code="IMP-RB")
    return make_user(Role.HQ_ADMIN)


def _need(title: str) -> TechnologyNeed:
    return db.session.scalar(select(TechnologyNeed).where(TechnologyNeed.title == title))


def test_a_new_need_keeps_the_days_it_was_recorded_and_matched(admin):
    result = run(admin, "needs", [
        HEADER,
        ["Quieter pumps", "Pump Works", "IMP-RB", "matched", "2016-03-15", "2016-09-01"],
        ["Seals", "Pump Works", "", "collected", "2016年3月15日", ""],
        ["Coatings", "Pump Works", "", "analysed", "", ""]])
    assert (result.state, result.created) == (ImportState.DONE, 3), result.errors
    db.session.expire_all()
    matched, seals, coatings = _need("Quieter pumps"), _need("Seals"), _need("Coatings")
    assert (matched.created_at, matched.matched_at, matched.state_since) == (
        noon(RECORDED), noon(MATCHED), noon(MATCHED))
    assert timing.of(matched).to_match == 170
    assert (seals.created_at, seals.state_since, seals.matched_at) == (
        noon(RECORDED), noon(RECORDED), None)
    assert coatings.created_at > noon(date.today() - timedelta(days=2))  # the import's day
    # The export writes the days kept, which read back unchanged.
    exported = export.export_csv("needs").decode()
    assert ",IMP-RB,,matched,2016-03-15,2016-09-01\n" in exported
    assert ",,,,collected,2016-03-15,\n" in exported


def test_chinese_headers_are_read(admin):
    rows = [["标题", "企业信用代码或名称", "对接研究所（代码）", "状态", "登记日期", "对接时间"],
            ["Quieter pumps", "Pump Works", "IMP-RB", "已对接", "2016-03-15", "2016-09-01"]]
    assert run(admin, "needs", rows).state is ImportState.DONE
    db.session.expire_all()
    assert _need("Quieter pumps").matched_at == noon(MATCHED)


def test_days_a_need_could_not_have_are_refused_beside_their_columns(admin):
    ahead = (date.today() + timedelta(days=10)).isoformat()
    result = run(admin, "needs", [
        HEADER,
        ["Ahead", "Pump Works", "", "collected", ahead, ""],
        ["Backwards", "Pump Works", "IMP-RB", "matched", "2016-03-15", "2016-02-01"],
        ["Unmatched", "Pump Works", "", "analysed", "2016-03-15", "2016-09-01"],
        ["Undated", "Pump Works", "IMP-RB", "matched", "", "2016-09-01"],
        ["Unreadable", "Pump Works", "", "collected", "March", ""]])
    assert result.state is ImportState.FAILED
    said = {(row, column): message for row, column, message in result.errors}
    assert "is in the future: a need is dated the day it was recorded" in said[2, "Recorded on"]
    assert said[3, "Matched on"] == ("Feb 1, 2016 is before the need was recorded (Mar 15, "
                                     "2016): it was matched after.")
    assert said[4, "Matched on"] == "The need is analysed, not matched: it has no day of its match."
    assert said[5, "Matched on"] == ("Give the day the need was recorded too: it was matched "
                                     "after it was recorded.")
    assert (6, "Recorded on") in said
    assert len(result.errors) == 5, result.errors
    assert db.session.scalar(select(TechnologyNeed.id)) is None


def test_a_need_on_record_keeps_its_days(admin):
    rows = [HEADER, ["Quieter pumps", "Pump Works", "IMP-RB", "matched", "2016-03-15",
                     "2016-09-01"]]
    assert run(admin, "needs", rows).state is ImportState.DONE
    again = run(admin, "needs", rows)
    assert (again.state, again.unchanged) == (ImportState.DONE, 1), again.errors
    empty = run(admin, "needs", [HEADER, ["Quieter pumps", "Pump Works", "IMP-RB", "matched",
                                          "", ""]])
    assert (empty.state, empty.unchanged) == (ImportState.DONE, 1), empty.errors
    moved = run(admin, "needs", [HEADER, ["Quieter pumps", "Pump Works", "IMP-RB", "matched",
                                          "2016-03-14", "2016-09-02"]])
    assert moved.state is ImportState.FAILED
    assert moved.errors == [
        [2, "Recorded on", "The need is recorded as stated on Mar 15, 2016, not Mar 14, 2016. "
         "An import does not change the day a need on record was recorded, as nothing in the "
         "tracker does: write the day recorded here, or leave the cell empty."],
        [2, "Matched on", "The need is recorded as matched on Sep 1, 2016, not Sep 2, 2016. An "
         "import does not change the day a need on record was matched, as nothing in the "
         "tracker does: write the day recorded here, or leave the cell empty."]]
    db.session.expire_all()
    assert _need("Quieter pumps").created_at == noon(RECORDED)

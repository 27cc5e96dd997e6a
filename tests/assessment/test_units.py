"""The assessment's amounts in their unit (found by a newcomer): an indicator of money shows its
target, value reached and evidence with their currency, as every amount of the app does
(CN¥1,000,000.00, not 1,000,000.00); one that counts shows a number. A computed measure knows
its unit (`MONEY_MEASURES`); an evidence indicator's is HQ's (`Indicator.is_count`)."""

from __future__ import annotations

import io
import re
from decimal import Decimal

from tests.assessment.conftest import PDF, YEAR
from tests.conftest import login, post
from tests.factories import _commit
from tracker import db
from tracker.assessment import services
from tracker.assessment.models import MONEY_MEASURES, Indicator, Measure

D = Decimal


def _page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_money_reads_as_money_and_a_count_as_a_number(client, world):
    w = world
    patents = services.save_indicator(w["admin"], None, year=YEAR, measure=Measure.EVIDENCE,
                                      name="发明专利授权", name_en="Patents granted",
                                      weight=D(10), target=D(12), is_count=True)
    service = services.enter_evidence(w["director"], w["evidence"], w["ours"],
                                      amount=D("30000"), description="Testing for a plant",
                                      uploads=[(io.BytesIO(PDF), "a.pdf")])
    granted = services.enter_evidence(w["director"], patents, w["ours"], amount=D(3),
                                      description="Three patents",
                                      uploads=[(io.BytesIO(PDF), "b.pdf")])
    _commit()
    assert w["signed"].is_money and w["evidence"].is_money and not patents.is_money
    login(client, w["admin"])
    ours = f"/assessment/{YEAR}/institutes/{w['ours'].id}"
    page = _page(client, ours)
    assert "CN¥1,000,000.00" in page and "CN¥100,000.00" in page  # the targets of money
    assert re.search(r">12(\.00)?<", page) and "CN¥12" not in page  # a count's target
    assert "CN¥30,000.00" in page and "CN¥3.00" not in page  # the evidence entered
    drill = _page(client, f"{ours}/indicators/{w['signed'].id}")
    assert "<dd>CN¥1,000,000.00</dd>" in drill and "<dd>CN¥0.00</dd>" in drill
    drill = _page(client, f"{ours}/indicators/{patents.id}")
    assert "<dd>12</dd>" in drill and "CN¥" not in drill.split("<h2")[0]
    assert "CN¥30,000.00" in _page(client, f"/assessment/evidence/{service.id}/review")
    review = _page(client, f"/assessment/evidence/{granted.id}/review")
    assert "<dd>3</dd>" in review and "CN¥3" not in review
    assert "CN¥12" not in _page(client, f"/assessment/{YEAR}/indicators")
    # The file holds the numbers: a column of the institute's table mixes the units
    csv = client.get(f"{ours}?export=csv").get_data(as_text=True)
    assert "1000000" in csv.replace(".00", "") and "CN¥" not in csv


def test_hq_says_an_evidence_indicators_unit_and_a_computed_one_knows_its_own(client, world):
    w = world
    login(client, w["admin"])
    path = f"/assessment/{YEAR}/indicators"
    page = _page(client, path)
    token = re.search(r'name="once"[^>]*value="([^"]*)"', page)
    data = {"measure": "evidence", "name": "新增就业", "name_en": "Jobs created",
            "weight": "5", "target": "40", "is_count": "y", "position": "3"}
    if token:
        data["once"] = token.group(1)
    assert post(client, path, data).status_code == 302
    jobs = db.session.query(Indicator).filter_by(year=YEAR, name="新增就业").one()
    assert jobs.is_count and not jobs.is_money
    computed = services.save_indicator(w["admin"], None, year=YEAR,
                                       measure=Measure.COMPANIES_INCUBATED, name="孵化企业",
                                       weight=D(5), target=D(2), name_en=None, is_count=False)
    assert not computed.is_money and not computed.is_count  # it counts whatever HQ said
    assert {m for m in Measure if m is not Measure.EVIDENCE and Indicator(
        measure=m).is_money} == MONEY_MEASURES

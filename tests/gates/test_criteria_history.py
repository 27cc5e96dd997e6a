"""A gate template's criteria are audited as rows [kind, weight, highest score, text, English
text] and said in one place (`history_values.said_criteria`, issue 11): the trail wrote a
sentence ("must: 成本 / 收益分析 / Cost-benefit analysis") and the history parsed it back,
cutting a text that holds " / " at its first one. Records written before are read as they
were."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from tracker.display.history_values import said_criteria
from tracker.gates.configuration import described_criteria
from tracker.gates.models import CriterionKind, GateCriterion

SAID = {"en": ["Must meet: Cost-benefit analysis", "成本 / 收益"],
        "zh_CN": ["必须满足：成本 / 收益分析", "权重 2"]}


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_a_criterion_holding_a_slash_is_said_whole(app, lang):
    criteria = [GateCriterion(kind=CriterionKind.MUST, text="成本 / 收益分析",
                              text_en="Cost-benefit analysis", weight=1, scale_max=1),
                GateCriterion(kind=CriterionKind.SHOULD, text="成本 / 收益", text_en=None,
                              weight=2, scale_max=5)]
    rows = described_criteria(criteria)
    assert rows == [["must", None, None, "成本 / 收益分析", "Cost-benefit analysis"],
                    ["should", "2", 5, "成本 / 收益", None]]
    with app.test_request_context("/"), force_locale(lang):
        said = said_criteria(rows)
    for part in SAID[lang]:
        assert part in said, said
    assert "成本\n" not in said and not said.startswith(("Must meet: 收益", "必须满足：成本\n"))


def test_a_criterion_recorded_as_a_line_is_read_as_it_was(app):
    with app.test_request_context("/"), force_locale("en"):
        said = said_criteria(["should (weight 3, 0-5): 技术新颖性 / Technical novelty"])
    assert "Technical novelty" in said and "3" in said and "5" in said, said

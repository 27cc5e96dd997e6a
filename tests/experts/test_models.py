"""The pool's records as the database keeps them: titles in order, units compared, and
research acceptance's conclusion kept with the ratio it was judged on."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tests.factories import _commit, make_enterprise, make_institute
from tracker import db
from tracker.experts.models import Expert, ExpertTitle
from tracker.gates.models import CONCLUSION_OUTCOME, Conclusion, Outcome


def test_titles_rank_from_senior_down():
    ranks = [t.rank for t in (ExpertTitle.SENIOR, ExpertTitle.ASSOCIATE_SENIOR,
                              ExpertTitle.INTERMEDIATE, ExpertTitle.JUNIOR, ExpertTitle.NONE)]
    assert ranks == sorted(ranks, reverse=True) and len(set(ranks)) == 5


def test_a_unit_is_one_of_ours_by_its_record_else_by_its_name():
    institute, enterprise = make_institute(), make_enterprise()
    by_name = [Expert(name="A", professional_title=ExpertTitle.SENIOR, unit=" Nanjing  University"),
               Expert(name="B", professional_title=ExpertTitle.SENIOR, unit="nanjing university")]
    assert by_name[0].unit_key == by_name[1].unit_key
    ours = Expert(name="C", professional_title=ExpertTitle.SENIOR, unit="Nanjing University",
                  unit_institute_id=institute.id)
    theirs = Expert(name="D", professional_title=ExpertTitle.SENIOR, unit="x",
                    unit_enterprise_id=enterprise.id)
    assert len({ours.unit_key, theirs.unit_key, by_name[0].unit_key}) == 3


def test_the_three_conclusions_are_go_recycle_and_kill():
    assert CONCLUSION_OUTCOME == {Conclusion.PASSED: Outcome.GO,
                                  Conclusion.RECONSIDER: Outcome.RECYCLE,
                                  Conclusion.FAILED: Outcome.KILL}


@pytest.mark.parametrize("conclusion, ratio", [("passed", None), (None, "80"),
                                               ("passed", "100.5")])
def test_a_conclusion_is_kept_only_with_its_completion_ratio(conclusion, ratio):
    """The database itself refuses a conclusion without its ratio (or out of 0-100), and a
    ratio without a conclusion."""
    from tests.factories import install_gates, make_project
    from tests.gates import helpers

    install_gates()
    decision = helpers.go(helpers.submit(make_project()))
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.execute(text(
                "UPDATE gate_decisions SET conclusion = :c, completion_ratio = :r WHERE id = :id"),
                {"c": conclusion, "r": ratio, "id": decision.id})
    _commit()

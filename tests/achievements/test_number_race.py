"""Two registrations of one patent number at once (issue 16, found by a newcomer): the check
that the number is new runs before the write, so both pass it and the unique index of
migration 0072 refuses the second. That answered 500; it is now the same refusal beside the
number as when the first was already there: on PostgreSQL with two connections, and through a
page by a check that misses the twin, as the racing request's did."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.achievements.helpers import make_achievement
from tests.conftest import PG_URL, login, post
from tests.gates.test_concurrency import real_commits  # noqa: F401  (a fixture)
from tracker import db
from tracker.achievements import services
from tracker.achievements.models import Achievement, IpRight, PatentType, RightKind
from tracker.errors import Invalid

NUMBER = "CN202410777777.7"


def _register(achievement: Achievement, number: str = NUMBER) -> IpRight:
    return services.save_right(
        achievement.project.pm, achievement, None, kind=RightKind.PATENT,
        patent_type=PatentType.INVENTION, title="Electrolyte film", number=number,
        jurisdiction="CN", status="filed", filed_on=date(2024, 3, 1), granted_on=None,
        attorney_costs=None)


def test_a_check_that_missed_the_twin_is_answered_beside_the_number(client, monkeypatch):
    first = make_achievement()
    _register(first)
    second = make_achievement(title="Another result")
    # The racing request's check ran before the first was committed: it found nothing; its
    # second look, once the index refused the write, finds the first.
    looks: list[tuple] = []
    real = services._registered

    def registered(*args):
        looks.append(args)
        return None if len(looks) == 1 else real(*args)

    monkeypatch.setattr(services, "_registered", registered)
    login(client, second.project.pm)
    response = post(client, f"/achievements/{second.id}/rights/new?kind=patent", {
        "patent_type": "invention", "title": "Film", "number": "ZL 2024 1 0777777.7",
        "jurisdiction": "CN", "status": "filed", "filed_on": "2024-03-01"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    error = page[page.index('id="number-error"'):]
    assert "is registered already" in error[:400] and "Electrolyte film" in error[:400]
    assert len(looks) == 2  # the check, then the look once the index refused the write
    assert db.session.scalar(select(func.count(IpRight.id)).where(
        IpRight.achievement_id == second.id)) == 0


@pytest.mark.skipif(not PG_URL, reason="two connections need PostgreSQL")
def test_two_registrations_at_once_record_one_and_refuse_the_other(app, real_commits):  # noqa: F811
    ids = [make_achievement(title=f"Result {n}").id for n in range(2)]
    db.session.commit()
    db.session.remove()
    both_checked = threading.Barrier(2)
    results: dict[int, str] = {}
    real = services._registered

    looked = threading.local()

    def checked_then_wait(*args):
        found = real(*args)
        if not getattr(looked, "once", False):  # both have seen no twin before either writes
            looked.once = True
            both_checked.wait(timeout=10)
        return found

    def register(achievement_id: int) -> None:
        with app.app_context():
            try:
                achievement = db.session.get(Achievement, achievement_id)
                achievement.project.pm  # noqa: B018  (loaded before the race, as a page would)
                _register(achievement)
                db.session.commit()
                results[achievement_id] = "recorded"
            except Invalid as invalid:
                db.session.rollback()
                results[achievement_id] = f"{invalid.field}: {invalid.message}"
            except Exception as error:  # noqa: BLE001  (the outcome is asserted below)
                db.session.rollback()
                results[achievement_id] = f"failed: {error!r}"
            finally:
                db.session.remove()

    services._registered = checked_then_wait
    try:
        threads = [threading.Thread(target=register, args=(i,)) for i in ids]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
    finally:
        services._registered = real
    assert sorted(r.split(":")[0] for r in results.values()) == ["number", "recorded"], results
    refused = next(r for r in results.values() if r.startswith("number"))
    assert "is registered already" in refused and "Electrolyte film" in refused
    assert db.session.scalar(select(func.count(IpRight.id)).where(
        IpRight.number_key.is_not(None))) == 1

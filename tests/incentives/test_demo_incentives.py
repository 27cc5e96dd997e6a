"""`flask demo seed` has equity incentives: a spin-off with an incentive pool, options to the
demo PM vested past the cliff, to a researcher before the cliff, and to a colleague who left;
each researcher sees their own grants on their home page, and no one else's."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import login
from tracker import db
from tracker.accounts.models import User
from tracker.dates import today
from tracker.demo import DEMO_PASSWORD
from tracker.incentives.demo import COMPANY
from tracker.incentives.models import GrantState, IncentiveGrant


def test_the_demo_pool_and_grants(app, client):
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    grants = {g.person_name: g for g in db.session.scalars(select(IncentiveGrant))}
    assert set(grants) == {"李强", "赵磊", "孙浩"}
    on = today()
    lead, recent, leaver = grants["李强"], grants["赵磊"], grants["孙浩"]
    assert lead.company.name == COMPANY
    assert lead.schedule.cliff_on < on and lead.vested(on) > 0 and lead.exercised() == 50000
    assert recent.schedule.cliff_on > on and recent.vested(on) == 0
    assert leaver.state(on) is GrantState.LEFT and leaver.forfeited > 0
    assert leaver.exercise_until > on and leaver.exercisable(on) > 0

    pm = db.session.scalar(select(User).where(User.email == "pm@demo.jitri.cn"))
    login(client, pm, DEMO_PASSWORD)
    home = client.get("/").get_data(as_text=True)
    assert "我的股权" in home or "My equity" in home
    assert COMPANY in home and "300,000" in home and "200,000" not in home
    assert client.get(f"/incentives/grants/{lead.id}").status_code == 200
    researcher = db.session.scalar(select(User).where(User.email == "evaluator3@demo.jitri.cn"))
    other = app.test_client()
    login(other, researcher, DEMO_PASSWORD)
    home = other.get("/").get_data(as_text=True)
    assert COMPANY in home and "200,000" in home and "300,000" not in home

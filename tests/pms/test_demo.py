"""The demo's register: a record in each state, the demo PM appointed and linked to his
account, a PM whose account the appointment made (she signs in with the demo password), a team,
and the demo PM's term ending in two months reminding HQ through a real scan."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.conftest import post
from tracker import db
from tracker.accounts.models import Role, User
from tracker.dates import today
from tracker.demo import DEMO_PASSWORD
from tracker.pms.models import PmRecord, PmTeam
from tracker.pms.register import PmState
from tracker.reminders import scan
from tracker.reminders.models import OutboxMessage


def test_the_demo_register(app):
    assert app.test_cli_runner().invoke(args=["demo", "seed"]).exit_code == 0
    states = dict(db.session.execute(select(PmRecord.state, func.count(PmRecord.id))
                                     .group_by(PmRecord.state)).all())
    assert set(states) == set(PmState)
    pm = db.session.scalar(select(User).where(User.email == "pm@demo.jitri.cn"))
    record = db.session.scalar(select(PmRecord).where(PmRecord.user_id == pm.id))
    assert record.state is PmState.APPOINTED and record.institute_id == pm.institute_id
    sun = db.session.scalar(select(User).where(User.email == "pm2@demo.jitri.cn"))
    assert sun.has_role(Role.PROJECT_MANAGER)
    team = db.session.scalars(select(PmTeam)).one()
    assert (team.lead_id, [m.user_id for m in team.members]) == (record.id, [sun.id])
    client = app.test_client()
    assert post(client, "/login", {"email": sun.email,
                                   "password": DEMO_PASSWORD}).status_code == 302
    assert "孙悦" in client.get(f"/pms/{team.members[0].id}").get_data(as_text=True)
    assert client.get(f"/pms/{record.id}").status_code == 404  # another PM's record
    scan.scan(today())
    reminded = db.session.scalars(select(OutboxMessage.details).where(
        OutboxMessage.rule == "pm_term_end")).all()
    assert [d["title"] for d in reminded if d["path"] == f"/pms/{record.id}"]

"""`flask demo seed` shows the register: the research project's achievement, its contributors
and a granted patent whose annuity is due, listed and reminded."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import csrf_token, login
from tracker import db
from tracker.accounts.models import User
from tracker.achievements.models import Achievement, RightKind
from tracker.demo import DEMO_PASSWORD


def test_the_demo_register(app, client):
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    achievement = db.session.scalar(select(Achievement))
    assert achievement.shares_total == 100
    assert sorted(r.kind for r in achievement.rights) == [RightKind.PATENT, RightKind.SOFTWARE]
    patent = next(r for r in achievement.rights if r.kind is RightKind.PATENT)
    assert [a.paid for a in patent.annuities] == [False]
    pm = db.session.scalar(select(User).where(User.email == "pm@demo.jitri.cn"))
    login(client, pm, DEMO_PASSWORD)
    page = client.get(f"/achievements/{achievement.id}").get_data(as_text=True)
    assert "CN202310456789.1" in page and "赵磊" in page
    # 300,000.00 - 18,000.00 = 282,000.00 net; 70 % is 197,400.00; the PM's 60 % 118,440.00
    statement = client.get(f"/ip/statements/{pm.id}").get_data(as_text=True)
    assert "118,440.00" in statement
    # 赵磊 (evaluator3, an evaluator: no register of theirs) finds it from their home page.
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    zhao = db.session.scalar(select(User).where(User.email == "evaluator3@demo.jitri.cn"))
    login(client, zhao, DEMO_PASSWORD)
    home = client.get("/").get_data(as_text=True)
    assert "我的成果" in home and f"/achievements/{achievement.id}" in home
    statement = client.get(f"/ip/statements/{zhao.id}").get_data(as_text=True)
    assert "78,960.00" in statement  # 40 % of the contributors' 197,400.00

"""The demo's expert pool: small, at each title, with an external expert's account that sees
its one review, and an expert the research project's panel would exclude."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import post
from tracker import db
from tracker.accounts.models import Role, User
from tracker.experts import recusal
from tracker.experts.demo import EXTERNAL_EMAIL
from tracker.experts.models import Expert
from tracker.projects.models import Project


def test_the_demo_pool_and_its_external_expert(app):
    from tracker.demo import DEMO_PASSWORD

    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    pool = db.session.scalars(select(Expert).order_by(Expert.id)).all()
    assert len(pool) == 6 and len({e.professional_title for e in pool}) == 3
    guest = db.session.scalar(select(User).where(User.email == EXTERNAL_EMAIL))
    assert guest.roles == {Role.EXTERNAL_EXPERT}
    client = app.test_client()
    assert post(client, "/login", {"email": EXTERNAL_EMAIL,
                                   "password": DEMO_PASSWORD}).status_code == 302
    mine = client.get("/my/reviews").get_data(as_text=True)
    assert "协作机器人力控关节模组" in mine
    assert client.get("/projects/").status_code == 403
    research = db.session.scalar(select(Project).where(
        Project.title == "智能挖掘机液压节能控制系统"))
    excluded = {e.name: reasons for e, reasons in zip(
        pool, recusal.exclusions(research, pool).values(), strict=True) if reasons}
    assert "孙强" in excluded and "李娜" in excluded  # the partner's man; no account yet

"""Nothing is kept in one process (issue #19, point 2): with several gunicorn workers, or hosts
behind a load balancer, consecutive requests of one browser land on different processes.

Two app instances (two `create_app()` on the same database, the same upload folder and the same
Redis for the rate limits, as two hosts of one deployment) and one browser, one cookie jar,
whose requests alternate between them: a sign-in (CSRF token, password, second factor, session),
the lockout, the sign-in rate limit, the outbox, an upload and its download, sign-out. The
sign-in limit with two instances and memory storage, which would not share it, is in
tests/accounts/test_throttle.py."""

from __future__ import annotations

import io
import re
import uuid

import pyotp
import pytest
import redis
from flask import Flask, g
from sqlalchemy import select, update

from tests.conftest import TOKEN_PAGE, EnglishClient
from tests.factories import PASSWORD, TOTP_SECRET, install_gates, make_user
from tests.milestones.test_milestones import PNG, in_research, plan
from tracker import create_app, db
from tracker.accounts import mfa
from tracker.accounts.models import Role, User
from tracker.audit.models import AuditRecord
from tracker.milestones.models import Evidence
from tracker.reminders.models import Audience, MessageState, OutboxMessage

REDIS_URL = "redis://127.0.0.1:6379/0"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def instances(app) -> list[Flask]:
    """Two instances of one deployment; skipped without Redis on 127.0.0.1:6379."""
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    shared = {"DATABASE_URL": app.config["DATABASE_URL"], "UPLOAD_DIR": app.config["UPLOAD_DIR"],
              "DEFAULT_LOCALE": "en", "RATELIMIT_STORAGE_URI": REDIS_URL,
              "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    made = []
    for _ in range(2):
        instance = create_app("test", **shared)
        instance.test_client_class = EnglishClient

        def fresh_request() -> None:  # as conftest does for the suite's app: nothing carried
            g.__dict__.clear()  # over from the test's previous request in this thread
            db.forget_cached()

        instance.before_request_funcs.setdefault(None, []).insert(0, fresh_request)
        made.append(instance)
    yield made
    for instance in made:
        instance.extensions["engine"].dispose()


class Browser:
    """One browser (one cookie jar) behind a load balancer without sticky sessions: each
    request goes to the next instance."""

    def __init__(self, instances: list[Flask]) -> None:
        self.clients = [instance.test_client() for instance in instances]
        for client in self.clients[1:]:
            client._cookies = self.clients[0]._cookies  # the same cookies for every instance
        self.turn = 0
        self.served_by: list[int] = []

    def _next(self):
        index = self.turn % len(self.clients)
        self.turn += 1
        self.served_by.append(index)
        return self.clients[index]

    def get(self, path: str, **kwargs):
        return self._next().get(path, **kwargs)

    def post(self, path: str, data: dict | None = None, page: str = TOKEN_PAGE, **kwargs):
        """Read the form's token from a page one instance serves, post it to the other."""
        html = self.get(page, follow_redirects=True).get_data(as_text=True)
        data = {"csrf_token": CSRF.search(html).group(1), **(data or {})}
        return self._next().post(path, data=data, **kwargs)

    def sign_in(self, user: User, password: str = PASSWORD, address: str = "10.0.0.1"):
        for client in self.clients:
            client.environ_base["REMOTE_ADDR"] = address
        response = self.post("/login", {"email": user.email, "password": password},
                             page="/login")
        if response.status_code == 302 and response.headers["Location"].startswith(
                "/login/code"):
            user.totp_last_step = None
            db.session.commit()
            response = self.post("/login/code", {"code": pyotp.TOTP(TOTP_SECRET).now()},
                                 page="/login/code")
        return response


def test_a_signed_in_admin_works_across_instances_until_signing_out(instances):
    admin = make_user(Role.HQ_ADMIN, name="Wang Min")
    browser = Browser(instances)
    assert browser.sign_in(admin).status_code == 302
    for _ in range(2):  # the session is the database's: each instance finds it
        page = browser.get("/admin/reminders/")
        assert page.status_code == 200 and "Reminder outbox" in page.get_data(as_text=True)

    # The outbox: messages failed, retried from a page served by one instance and a POST
    # answered by the other; both then list them as pending.
    pm = make_user(Role.PROJECT_MANAGER)
    for n in range(2):
        db.session.add(OutboxMessage(
            rule="milestone_due", item_id=n + 1, occurrence=f"2026-05-15-{n}d",
            recipient_id=pm.id, audience=Audience.OWNER, deadline=db.utcnow().date(),
            fire_on=db.utcnow().date(), details={}, locale="en", state=MessageState.FAILED,
            attempts=12, message_id=f"<m{n}@example>"))
    db.session.commit()
    retried = browser.post("/admin/reminders/retry-failed", page="/admin/reminders/?state=failed")
    assert retried.status_code == 302
    assert "2 failed messages will be sent again" in browser.get(
        retried.headers["Location"]).get_data(as_text=True)
    assert {m.state for m in db.session.scalars(select(OutboxMessage))} == {MessageState.PENDING}
    assert len(db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "reminder.retry")).all()) == 2

    assert browser.post("/logout").status_code == 302
    for _ in range(2):  # ended for every instance, not only the one that signed out
        assert browser.get("/admin/reminders/").status_code == 302
    assert set(browser.served_by) == {0, 1}


def test_a_code_used_on_one_instance_is_refused_on_the_other(instances):
    admin = make_user(Role.HQ_ADMIN)
    first, second = Browser(instances), Browser(list(reversed(instances)))
    assert first.sign_in(admin).status_code == 302
    # The same code, a moment later, through the other instance: the step is taken.
    for client in second.clients:
        client.environ_base["REMOTE_ADDR"] = "10.0.0.2"
    assert second.post("/login", {"email": admin.email, "password": PASSWORD},
                       page="/login").status_code == 302
    replay = second.post("/login/code", {"code": pyotp.TOTP(TOTP_SECRET).now()},
                         page="/login/code")
    assert replay.status_code == 401


def test_two_workers_with_the_same_code_at_once_let_one_in():
    """Each worker reads the user, then checks the code: the second one's copy says the step
    is free, the database says it was taken a moment ago (by the other worker's UPDATE)."""
    admin = make_user(Role.HQ_ADMIN)
    admin.totp_last_step = None
    db.session.commit()
    totp = pyotp.TOTP(TOTP_SECRET)
    step = totp.timecode(db.utcnow())
    db.session.execute(update(User).where(User.id == admin.id).values(totp_last_step=step),
                       execution_options={"synchronize_session": False})
    assert admin.totp_last_step is None  # this worker's copy, read before
    assert not mfa.verify(admin, totp.now())


def test_the_lockout_counts_failures_on_every_instance(instances):
    pm = make_user(Role.PROJECT_MANAGER)
    browser = Browser(instances)
    answers = [browser.sign_in(pm, password="wrong-password-1").status_code for _ in range(5)]
    assert answers == [401] * 5
    locked = browser.sign_in(pm)  # the right password, on whichever instance: locked
    assert locked.status_code == 401
    assert "Too many failed attempts" in locked.get_data(as_text=True)
    assert db.session.scalar(select(User.locked_until).where(User.id == pm.id)) is not None


def test_the_sign_in_limit_of_an_address_is_shared_through_redis(instances, app):
    for instance in instances:
        instance.config["LOGIN_RATE_LIMIT_PER_IP"] = "3 per minute"
    browser = Browser(instances)
    answers = [browser.post("/login", {"email": f"nobody{n}@example.cn", "password": "x" * 12},
                            page="/login").status_code for n in range(4)]
    assert answers == [401, 401, 401, 429]  # two on each instance: only the shared count is 4


def evidence_posted_across(instances: list[Flask]) -> tuple[Browser, Evidence]:
    """A PM signed in and posting progress with a photo, each request on the next instance."""
    install_gates()
    project = in_research()
    milestone = plan(project)
    browser = Browser(instances)
    assert browser.sign_in(project.pm).status_code == 302
    posted = browser.post(f"/milestones/{milestone.id}/update",
                          {"percent": "30", "note": "Bench test",
                           "files": [(io.BytesIO(PNG), "bench.png")]},
                          page=f"/milestones/{milestone.id}", content_type="multipart/form-data")
    assert posted.status_code == 302
    return browser, db.session.scalar(select(Evidence))


def test_evidence_uploaded_through_one_instance_is_downloaded_through_the_other(instances):
    browser, evidence = evidence_posted_across(instances)
    for _ in range(2):
        download = browser.get(f"/files/{evidence.file_id}")
        assert download.status_code == 200 and download.data == PNG

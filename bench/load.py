"""Load test of the production shape: gunicorn with 4 workers and two `flask scheduler run`
processes on PostgreSQL with the large data set, 50 simulated users for 2 minutes on 127.0.0.1
while the schedulers scan and send to a local SMTP server.

    .venv/bin/python bench/load.py [--users 50] [--seconds 120] [--workers 4]
        [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/] [--fresh]

A script, not a test of the suite. The data set is bench/dataset.py's (10,000 projects,
100,000 milestones, 1,000 PMs, 2,000 milestones open and due around today: the reminders)
and bench/portfolio.py's, in database `bench_load` (bench/databases.py), plus 20 proposals at
gate 1 with a panel of three of the load's evaluators each. The users:

- PMs (60 %): open their milestone, post progress (percent and a note carrying a mark of the
  run), and submit their other milestone once, halfway;
- evaluators (20 %): their reviews, each review's page, declare no conflict and score each
  review once;
- HQ admins (20 %): the dashboard, the project list, the overdue list, the outbox, the
  project list exported as CSV, the home page.

Each user signs in once (a session made as the login form makes it: the test measures pages,
not Argon2) and then works without pause, each request on its connection kept alive. Reported:
requests per second, per page the count, median, 95th percentile and errors, every 5xx, the
gunicorn workers' memory before and after; then, once the schedulers have sent what is due:
every reminder and notification due reached the SMTP server exactly once (its Message-ID
once, the outbox's sent messages grouped as the sender groups them), and no update was lost
(every progress post answered 302 is in the database with its note, every submission
answered 302 left its milestone submitted, every scorecard answered 302 is stored).
Exits 1 when a check fails.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import databases  # noqa: E402
import dataset  # noqa: E402
import lxml.html  # noqa: E402
import pages  # noqa: E402
import portfolio  # noqa: E402
import requests  # noqa: E402
from aiosmtpd.controller import Controller  # noqa: E402

REVIEWS = 20
EVALUATOR_ACCOUNTS = 10  # the first ten of the data set: each sits on six panels
RUN = uuid.uuid4().hex[:8]  # in every note this run posts


# --- the data set and the sessions -------------------------------------------------------------


def prepare(db_url: str) -> dict:
    """Migrate, build the data set if missing, add the panels; the ids the users work on."""
    from sqlalchemy import select

    from tracker import create_app, db
    from tracker.migrate import upgrade

    app = create_app("development", DATABASE_URL=db_url, SECRET_KEY=pages.SECRET_KEY)
    with app.app_context():
        upgrade(db_url)
        if dataset.ids() is None:
            started = time.perf_counter()
            dataset.build(date.today())
            print(f"built the data set in {time.perf_counter() - started:.1f} s", flush=True)
        started = time.perf_counter()
        if portfolio.build(date.today()):
            print(f"added the portfolio in {time.perf_counter() - started:.1f} s", flush=True)
        _panels()
        from tracker.accounts.models import User
        from tracker.milestones.models import Milestone, MilestoneState
        from tracker.projects.models import Project

        def user(prefix: str, n: int) -> User:
            return db.session.scalar(select(User).where(User.email == dataset.email(prefix, n)))

        pms = []
        for n in range(1000):
            pm = user("pm", n)
            open_ones = list(db.session.scalars(
                select(Milestone.id).join(Project).where(
                    Project.pm_id == pm.id, Milestone.state == MilestoneState.IN_PROGRESS)
                .order_by(Milestone.id)))
            if len(open_ones) >= 2:
                pms.append((pm, open_ones[:2]))
            if len(pms) == 60:
                break
        evaluators = [user("evaluator", n) for n in range(EVALUATOR_ACCOUNTS)]
        admins = [user("admin", n) for n in range(3)]
        db.session.commit()
        found = {"app": app, "pms": pms, "evaluators": evaluators, "admins": admins}
        db.session.remove()
    return found


def _panels() -> None:
    """Twenty proposals at gate 1, each with a panel of three of the first ten evaluators."""
    from sqlalchemy import func, select

    from tracker import db
    from tracker.accounts.models import User
    from tracker.approvals import services as approvals
    from tracker.gates import services as gates
    from tracker.gates.defaults import install_defaults
    from tracker.gates.models import GateReview
    from tracker.organisations.models import Institute
    from tracker.projects import services as projects
    from tracker.projects.models import Project, ProjectType

    install_defaults()
    have = db.session.scalar(select(func.count()).select_from(Project).where(
        Project.title.like("Load review %")))
    if have >= REVIEWS:
        return
    # bench/dataset.py inserts its codes in bulk: the year's counter catches up with them, so
    # that a submission is numbered after them.
    from tracker.projects.models import ProjectCodeCounter

    year = date.today().year
    last = db.session.scalar(select(func.max(Project.seq)).where(Project.year == year)) or 0
    hq_id = db.session.scalar(select(Project.hq_id).limit(1))
    counter = db.session.get(ProjectCodeCounter, (hq_id, year))
    if counter is None:
        db.session.add(ProjectCodeCounter(hq_id=hq_id, year=year, last=last))
    elif counter.last < last:
        counter.last = last
    db.session.flush()
    admin = db.session.scalar(select(User).where(User.email == dataset.email("admin", 0)))
    evaluators = [db.session.scalar(select(User).where(User.email == dataset.email("evaluator", n)))
                  for n in range(EVALUATOR_ACCOUNTS)]
    institute = db.session.scalar(select(Institute).order_by(Institute.id).limit(1))
    template = gates.template_for(1)
    for n in range(have, REVIEWS):
        pm = db.session.scalar(select(User).where(User.email == dataset.email("pm", 900 + n)))
        project = projects.create_proposal(
            pm, budget_lines=[("Equipment", Decimal("1200000"))], member_ids=[],
            title=f"Load review {n}", summary="", field="Materials",
            type=ProjectType.PM_MAJOR, institute_id=institute.id, partner_enterprise_id=None,
            need_id=None, trl_now=4, trl_target=7, budget_total=Decimal("3000000"),
            start_date=date.today(), end_date=date.today() + timedelta(days=700))
        for name in template.required_deliverables:
            gates.upload_deliverable(pm, project, 1, name, io.BytesIO(pages_pdf()), f"{name}.pdf")
        # Each signer of the institute endorses it (tracker/approvals), then HQ names a panel.
        submission = projects.submit_proposal(pm, project)
        while submission is not None and submission.is_pending:
            step = next(s for s in submission.current_steps if s.verdict is None)
            approvals.endorse(step.approver, submission)
        review: GateReview = project.gate_reviews[-1]
        panel = [evaluators[(n + k) % EVALUATOR_ACCOUNTS] for k in range(3)]
        gates.name_panel(admin, review, panel[0], panel, date.today() + timedelta(days=10))
        db.session.commit()


def pages_pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def new_session(app, user) -> str:
    """A session cookie for `user`, one per simulated user (several share an HQ account)."""
    from tracker import db
    from tracker.accounts import sessions

    with app.app_context():
        user = db.session.merge(user)
        token = sessions.start(user)
        db.session.commit()
        db.session.remove()
    serializer = app.session_interface.get_signing_serializer(app)
    return serializer.dumps({"_user_id": token, "_fresh": True})


# --- the processes ------------------------------------------------------------------------------


class Mailbox:
    """The local SMTP server: each e-mail's Message-ID and recipients."""

    def __init__(self) -> None:
        self.received: list[tuple[str, tuple[str, ...]]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        from email import message_from_bytes

        # A long Message-ID is folded over two lines in the header: unfolded here.
        message_id = "".join(str(message_from_bytes(envelope.content)["Message-ID"]).split())
        with self.lock:
            self.received.append((message_id, tuple(envelope.rcpt_tos)))
        return "250 OK"


def production_env(db_url: str, port: int) -> dict[str, str]:
    from tracker.crypto import development_key

    return {**os.environ, "TRACKER_CONFIG": "production", "SECRET_KEY": pages.SECRET_KEY,
            "DATABASE_URL": db_url, "SESSION_COOKIE_SECURE": "false",
            "BASE_URL": f"http://127.0.0.1:{port}", "RATELIMIT_STORAGE_URI": "memory://",
            "ENCRYPTION_KEYS": development_key(pages.SECRET_KEY), "FLASK_APP": "app.py"}


def workers_rss(master: int) -> dict[int, int]:
    """Resident memory (kB) of each child of the gunicorn master."""
    found = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(master):
            found[int(pid)] = int(fields.get("VmRSS", "0 kB").split()[0])
    return found


def serve(env: dict[str, str], port: int, workers: int, tmp: Path) -> subprocess.Popen:
    """gunicorn with command-line flags, until a worker answers the sign-in page (/healthz
    answers 503 while the scheduler has not run yet)."""
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--timeout", "120", "app:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        stderr=open(tmp / "gunicorn.log", "w"))  # noqa: SIM115
    for _ in range(1200):
        try:
            if pages.request(port, "/login", "") == 200:
                return server
        except OSError:
            pass
        time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not start: " + (tmp / "gunicorn.log").read_text())


# --- the simulated users ------------------------------------------------------------------------


class Recorder:
    def __init__(self) -> None:
        self.times: dict[str, list[float]] = defaultdict(list)
        self.statuses: dict[str, Counter] = defaultdict(Counter)
        self.lock = threading.Lock()
        self.progress: list[tuple[int, str]] = []  # (milestone, note) answered 302
        self.submitted: list[int] = []
        self.scored: list[tuple[int, str]] = []  # (review, evaluator e-mail)

    def add(self, label: str, status: int, ms: float) -> None:
        with self.lock:
            self.times[label].append(ms)
            self.statuses[label][status] += 1


class User(threading.Thread):
    def __init__(self, base: str, cookie: str, recorder: Recorder, until: float) -> None:
        super().__init__(daemon=True)
        self.base, self.recorder, self.until = base, recorder, until
        self.http = requests.Session()
        self.http.cookies.set("session", cookie, domain="127.0.0.1", path="/")
        self.http.headers["Accept-Language"] = "zh-CN,zh;q=0.9"
        self.random = random.Random()

    def call(self, label: str, method: str, path: str, **kwargs) -> requests.Response | None:
        if time.monotonic() > self.until:
            return None
        started = time.perf_counter()
        try:
            response = self.http.request(method, self.base + path, allow_redirects=False,
                                         timeout=60, **kwargs)
            status = response.status_code
        except requests.RequestException:
            response, status = None, 599  # no answer: counted as a server error
        self.recorder.add(label, status, (time.perf_counter() - started) * 1000)
        return response

    def form(self, label: str, page: str, action_ends: str) -> dict | None:
        """The values a browser would send with the form whose action ends so (hidden fields,
        the CSRF token, the one-time token, what is checked); None if the page lacks it."""
        response = self.call(label, "GET", page)
        if response is None or response.status_code != 200:
            return None
        doc = lxml.html.fromstring(response.text)
        for form in doc.forms:
            if (form.get("action") or "").endswith(action_ends):
                values = dict(form.form_values())
                for radio in form.xpath(".//input[@type='radio']"):  # a choice in each group
                    values.setdefault(radio.get("name"), radio.get("value"))
                for select in form.xpath(".//select"):
                    options = [o.get("value") for o in select.xpath(".//option")
                               if o.get("value")]
                    if select.get("name") not in values and options:
                        values[select.get("name")] = options[-1]
                return values
        return None

    def run(self) -> None:
        while time.monotonic() < self.until:
            self.step()


class ProjectManager(User):
    def __init__(self, *args, milestones: list[int]) -> None:
        super().__init__(*args)
        self.working, self.to_submit = milestones
        self.percent = 0
        self.posts = 0

    def step(self) -> None:
        page = f"/milestones/{self.working}"
        values = self.form("PM: milestone page", page, f"/milestones/{self.working}/update")
        if values is None:
            return
        self.percent = min(self.percent + self.random.randint(1, 5), 99)
        note = f"load {RUN} post {self.posts}"
        values.update(percent=str(self.percent), note=note)
        response = self.call("PM: post progress", "POST", page + "/update", data=values)
        if response is not None and response.status_code == 302:
            with self.recorder.lock:
                self.recorder.progress.append((self.working, note))
            self.posts += 1
        if self.posts == 5 and self.to_submit:
            target, self.to_submit = self.to_submit, None
            values = self.form("PM: milestone page", f"/milestones/{target}",
                               f"/milestones/{target}/submit")
            if values is not None:
                response = self.call("PM: submit milestone", "POST",
                                     f"/milestones/{target}/submit", data=values)
                if response is not None and response.status_code == 302:
                    with self.recorder.lock:
                        self.recorder.submitted.append(target)
        self.call("PM: home", "GET", "/")


class Evaluator(User):
    def __init__(self, *args, email: str) -> None:
        super().__init__(*args)
        self.email = email
        self.done: set[int] = set()

    def step(self) -> None:
        response = self.call("evaluator: my reviews", "GET", "/my/reviews")
        if response is None or response.status_code != 200:
            return
        doc = lxml.html.fromstring(response.text)
        reviews = sorted({int(href.rstrip("/").split("/")[-1]) for href in
                          doc.xpath("//a/@href") if href.startswith("/reviews/")
                          and href.rstrip("/").split("/")[-1].isdigit()})
        for review in reviews:
            page = f"/reviews/{review}"
            if review in self.done:
                self.call("evaluator: review page", "GET", page)
                continue
            values = self.form("evaluator: review page", page, f"{page}/declare")
            if values is not None:
                values.update(conflict="no")
                self.call("evaluator: declare no conflict", "POST", f"{page}/declare",
                          data=values)
            values = self.form("evaluator: review page", page, f"{page}/scores")
            if values is None:
                self.done.add(review)
                continue
            response = self.call("evaluator: score", "POST", f"{page}/scores", data=values)
            if response is not None and response.status_code == 302:
                with self.recorder.lock:
                    self.recorder.scored.append((review, self.email))
                self.done.add(review)


class Headquarters(User):
    PAGES = [("HQ: dashboard", "/dashboard"), ("HQ: project list", "/projects/"),
             ("HQ: overdue list", "/milestones/overdue"), ("HQ: outbox", "/admin/reminders/"),
             ("HQ: home", "/"), ("HQ: project list page 10", "/projects/?page=10"),
             ("HQ: export of the project list (CSV)", "/projects/?export=csv")]

    def step(self) -> None:
        label, path = self.random.choice(self.PAGES)
        self.call(label, "GET", path)


# --- the checks -----------------------------------------------------------------------------


def drain(db_url: str, started_at, timeout: float) -> dict:
    """Wait until nothing due is left to send; the outbox's counts by state."""
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    deadline = time.monotonic() + timeout
    try:
        while True:
            with engine.connect() as conn:
                due = conn.scalar(text(
                    "SELECT count(*) FROM reminder_outbox WHERE channel = 'email' AND "
                    "(state = 'sending' OR (state = 'pending' AND (next_attempt_at IS NULL "
                    "OR next_attempt_at <= now())))"))
                counts = dict(conn.execute(text(
                    "SELECT state, count(*) FROM reminder_outbox GROUP BY state")).all())
            if not due or time.monotonic() > deadline:
                counts["due left"] = due
                return counts
            time.sleep(2)
    finally:
        engine.dispose()


def expected_emails(db_url: str) -> Counter:
    """The Message-ID of every e-mail the outbox says was sent: its messages grouped as the
    sender groups them (a recipient's digest per batch, kind, channel and language; one per
    message for those who chose so)."""
    from sqlalchemy import create_engine, text

    from tracker.reminders.mail import digest_message_id

    engine = create_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT o.recipient_id, o.sent_at, o.kind, o.channel, o.locale, o.message_id, "
            "coalesce(p.per_item, false) FROM reminder_outbox o LEFT JOIN "
            "reminder_preferences p ON p.user_id = o.recipient_id "
            "WHERE o.state = 'sent' AND o.channel = 'email'")).all()
    engine.dispose()
    groups: dict[tuple, list[str]] = defaultdict(list)
    for recipient, sent_at, kind, channel, locale, message_id, per_item in rows:
        key = (recipient, sent_at, kind, channel, locale)
        if per_item and kind == "reminder":
            key += (message_id,)
        groups[key].append(message_id)
    domain = {mid.rsplit("@", 1)[1].rstrip(">") for _k, ids in groups.items() for mid in ids}
    return Counter(digest_message_id(ids, domain.pop() if len(domain) == 1 else "")
                   for ids in groups.values())


def lost_updates(db_url: str, recorder: Recorder) -> list[str]:
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    problems = []
    with engine.connect() as conn:
        stored = Counter(conn.execute(text(
            "SELECT milestone_id, note FROM progress_updates WHERE note LIKE :mark"),
            {"mark": f"load {RUN} %"}).all())
        for answered in Counter(recorder.progress).items():
            (milestone, note), count = answered
            if stored[(milestone, note)] != count:
                problems.append(f"progress {note!r} on milestone {milestone}: answered 302 "
                                f"{count}x, stored {stored[(milestone, note)]}x")
        extra = sum(stored.values()) - len(recorder.progress)
        if extra:
            problems.append(f"{extra} progress posts stored that were never answered 302")
        for milestone in recorder.submitted:
            state = conn.scalar(text("SELECT state FROM milestones WHERE id = :id"),
                                {"id": milestone})
            if state != "submitted":
                problems.append(f"milestone {milestone} answered 302 to its submission but is "
                                f"{state}")
        for review, email in recorder.scored:
            card = conn.scalar(text(
                "SELECT count(*) FROM panel_members m JOIN users u ON u.id = m.user_id "
                "WHERE m.review_id = :review AND u.email = :email "
                "AND m.submitted_at IS NOT NULL AND EXISTS "
                "(SELECT 1 FROM scores s WHERE s.member_id = m.id)"),
                {"review": review, "email": email})
            if not card:
                problems.append(f"{email}'s scores on review {review} answered 302, not stored")
    engine.dispose()
    return problems


# --- the run ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--fresh", action="store_true", help="build the data set again")
    parser.add_argument("--pg-url", default=os.environ.get(
        "BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/"))
    args = parser.parse_args()

    db_url = databases.pg_url(args.pg_url, "load", args.fresh)
    started = time.perf_counter()
    found = prepare(db_url)
    print(f"prepared in {time.perf_counter() - started:.1f} s", flush=True)
    app = found["app"]

    n_pm = round(args.users * 0.6)
    n_eval = round(args.users * 0.2)
    n_hq = args.users - n_pm - n_eval

    mailbox = Mailbox()
    smtp_port = pages.free_port()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    port = pages.free_port()
    tmp = Path(tempfile.mkdtemp(prefix="load-"))
    env = production_env(db_url, port)
    scheduler_env = {**env, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp_port),
                     "MAIL_USE_TLS": "false", "MAIL_FROM": "tracker@bench.example",
                     "SCHEDULER_INTERVAL_MINUTES": "1"}
    schedulers = [subprocess.Popen(
        [sys.executable, "-m", "flask", "scheduler", "run"], cwd=ROOT, env=scheduler_env,
        stdout=open(tmp / f"scheduler{n}.log", "w"), stderr=subprocess.STDOUT)  # noqa: SIM115
        for n in range(2)]
    server = None
    failed = False
    try:
        server = serve(env, port, args.workers, tmp)  # inside: a failed start stops the others
        base = f"http://127.0.0.1:{port}"
        for _ in range(3):  # each worker imports and compiles its templates once
            requests.get(base + "/login", timeout=30)
        before = workers_rss(server.pid)
        recorder = Recorder()
        until = time.monotonic() + args.seconds
        users: list[User] = []
        for n in range(n_pm):
            pm, milestones = found["pms"][n]
            users.append(ProjectManager(base, new_session(app, pm), recorder, until,
                                        milestones=milestones))
        for n in range(n_eval):
            evaluator = found["evaluators"][n % len(found["evaluators"])]
            users.append(Evaluator(base, new_session(app, evaluator), recorder, until,
                                   email=evaluator.email))
        for n in range(n_hq):
            users.append(Headquarters(base, new_session(app, found["admins"][n % 3]), recorder,
                                      until))
        load = os.getloadavg()
        print(f"{len(users)} users ({n_pm} PMs, {n_eval} evaluators, {n_hq} HQ) for "
              f"{args.seconds} s; load average before: {load[0]:.1f}", flush=True)
        clock = time.perf_counter()
        until = time.monotonic() + args.seconds
        for user in users:
            user.until = until
            user.start()
        for user in users:
            user.join()
        elapsed = time.perf_counter() - clock
        after = workers_rss(server.pid)
        load_after = os.getloadavg()

        total = sum(len(t) for t in recorder.times.values())
        errors_5xx = sum(n for c in recorder.statuses.values() for s, n in c.items() if s >= 500)
        print(f"\n{total} requests in {elapsed:.1f} s: {total / elapsed:.1f} requests/s; "
              f"load average after: {load_after[0]:.1f}")
        print(f"{'page':<42}{'count':>7}{'median':>9}{'p95':>9}  statuses")
        for label in sorted(recorder.times):
            times = recorder.times[label]
            p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
            statuses = ", ".join(f"{s}: {n}" for s, n in sorted(recorder.statuses[label].items()))
            print(f"{label:<42}{len(times):>7}{statistics.median(times):>9.1f}{p95:>9.1f}"
                  f"  {statuses}")
        print(f"5xx (and no answer): {errors_5xx}")
        print("gunicorn workers' memory (MB): before "
              + ", ".join(f"{kb / 1024:.0f}" for kb in before.values()) + "; after "
              + ", ".join(f"{kb / 1024:.0f}" for kb in after.values()))
        failed |= errors_5xx > 0

        counts = drain(db_url, None, timeout=300)
        print(f"outbox after the schedulers drained it: {counts}")
        expected = expected_emails(db_url)
        received = Counter(mid for mid, _to in mailbox.received)
        twice = {mid: n for mid, n in received.items() if n > 1}
        missing = set(expected) - set(received)
        unexpected = set(received) - set(expected)
        print(f"e-mails received: {sum(received.values())}; expected from the outbox: "
              f"{sum(expected.values())}; received twice: {len(twice)}; missing: "
              f"{len(missing)}; not in the outbox as sent: {len(unexpected)}")
        failed |= bool(twice or missing or unexpected or counts["due left"])
        problems = lost_updates(db_url, recorder)
        print(f"progress posts answered 302: {len(recorder.progress)}; submissions: "
              f"{len(recorder.submitted)}; scorecards: {len(recorder.scored)}; lost: "
              f"{len(problems)}")
        for problem in problems[:20]:
            print("  " + problem)
        failed |= bool(problems)
    finally:
        for scheduler in schedulers:
            scheduler.send_signal(signal.SIGTERM)
        for scheduler in schedulers:
            try:
                scheduler.wait(timeout=60)
            except subprocess.TimeoutExpired:
                scheduler.kill()
        if server is not None:
            server.terminate()
            server.wait()
        smtp.stop()
        app.extensions["engine"].dispose()
        print(f"logs in {tmp}")
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()

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
  review once, as an evaluator fills the scorecard: each must-meet criterion met (nine times
  in ten) or not, each should-meet one a whole score in the upper half of its scale, the
  recommendation that follows, an overall comment;
- HQ admins (20 %): the dashboard, the project list, the overdue list, the outbox, the
  project list exported as CSV, the home page.

Before the run, what an earlier run left is stopped (its process groups, from the pid file),
the scheduler's lead must be free, the outbox is emptied and the load's scorecards put back to
unscored (bench/loadcheck.py): this run's schedulers scan and send today's reminders as on a
first run, and every outbox row the check reads is this run's.

Each user signs in once (a session made as the login form makes it: the test measures pages,
not Argon2) and then works without pause, each request on its connection kept alive. Reported:
`uptime` before and after, requests per second, per page the count, median, 95th percentile
and errors (a page not answered 200, a form not answered 302: a refused scorecard is one),
the gunicorn workers' memory before and after; then, once the schedulers have sent what is
due and are stopped: every e-mail of the outbox (reminders and notifications, grouped as the
sender groups them) reached this run's SMTP server exactly once, none missing, none it does
not account for, nothing left due or failed; and no update was lost (every progress post and
scorecard answered 302 is stored as posted and nothing else is, every submission answered 302
left its milestone submitted). Exits 1 when a request was an error or a check fails.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import re
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
import loadcheck  # noqa: E402
import lxml.html  # noqa: E402
import pages  # noqa: E402
import portfolio  # noqa: E402
import requests  # noqa: E402
from aiosmtpd.controller import Controller  # noqa: E402

REVIEWS = 20
EVALUATOR_ACCOUNTS = 10  # the first ten of the data set: each sits on six panels
RUN = uuid.uuid4().hex[:8]  # in every note this run posts
LEASE_SECONDS = 30  # the schedulers' (SCHEDULER_LEASE_SECONDS)
EVENT_QUIET_MINUTES = 1  # the setting's default is 5
MAIL_FROM = "tracker@bench.example"


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
        from tracker.settings import catalogue
        from tracker.settings import services as settings

        # The events of the run (a submission, a scorecard) go out within it, after a quiet
        # minute instead of five: the delivery check covers them too.
        if settings.get(catalogue.EVENT_QUIET_MINUTES) != EVENT_QUIET_MINUTES:
            settings.set_value(db.session.scalar(select(User).where(
                User.email == dataset.email("admin", 0))), catalogue.EVENT_QUIET_MINUTES,
                str(EVENT_QUIET_MINUTES))
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


def start(db_url: str, args: list[str], env: dict[str, str], log: Path,
          quiet: bool = False) -> subprocess.Popen:
    """A process of the run (`python -m ARGS`; `quiet`: its standard output dropped), leader
    of a process group of its own, written down for the next run to stop should this one be
    interrupted before it does (bench/loadcheck.py)."""
    output = open(log, "w")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", *args], cwd=ROOT, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL if quiet else output, stderr=output)
    loadcheck.remember(db_url, process.pid)
    return process


def stop(process: subprocess.Popen, grace: float = 60) -> None:
    """SIGTERM to the process's group (gunicorn's workers with it), SIGKILL after `grace`."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def serve(db_url: str, env: dict[str, str], port: int, workers: int,
          tmp: Path) -> subprocess.Popen:
    """gunicorn with command-line flags, until a worker answers the sign-in page (/healthz
    answers 503 while the scheduler has not run yet)."""
    server = start(db_url, ["gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
                            "--timeout", "120", "app:app"], env, tmp / "gunicorn.log",
                   quiet=True)
    for _ in range(1200):
        try:
            if pages.request(port, "/login", "") == 200:
                return server
        except OSError:
            pass
        time.sleep(0.1)
    stop(server)
    raise SystemExit("gunicorn did not start: " + (tmp / "gunicorn.log").read_text())


# --- the simulated users ------------------------------------------------------------------------


class Recorder:
    def __init__(self) -> None:
        self.times: dict[str, list[float]] = defaultdict(list)
        self.statuses: dict[str, Counter] = defaultdict(Counter)
        self.lock = threading.Lock()
        self.progress: list[tuple[int, str]] = []  # (milestone, note) answered 302
        self.submitted: list[int] = []
        # (review, evaluator's e-mail, the scorecard's fields as posted) answered 302
        self.scored: list[tuple[int, str, dict[str, str]]] = []
        self.errors: Counter = Counter()

    def add(self, label: str, status: int, ms: float, error: bool) -> None:
        with self.lock:
            self.times[label].append(ms)
            self.statuses[label][status] += 1
            self.errors[label] += error


class User(threading.Thread):
    def __init__(self, base: str, cookie: str, recorder: Recorder, until: float) -> None:
        super().__init__(daemon=True)
        self.base, self.recorder, self.until = base, recorder, until
        self.http = requests.Session()
        self.http.cookies.set("session", cookie, domain="127.0.0.1", path="/")
        self.http.headers["Accept-Language"] = "zh-CN,zh;q=0.9"
        self.random = random.Random()

    def call(self, label: str, method: str, path: str, **kwargs) -> requests.Response | None:
        """One request; an error unless a page is answered 200 and a form 302 (a form refused,
        400, or shown again with its problems, 200, is an error too)."""
        if time.monotonic() > self.until:
            return None
        started = time.perf_counter()
        try:
            response = self.http.request(method, self.base + path, allow_redirects=False,
                                         timeout=60, **kwargs)
            status = response.status_code
        except requests.RequestException:
            response, status = None, 599  # no answer: counted as a server error
        expected = 302 if method == "POST" else 200
        self.recorder.add(label, status, (time.perf_counter() - started) * 1000,
                          status != expected)
        return response

    def page_form(self, label: str, page: str, action_ends: str):
        """The form of the page whose action ends so (lxml's), or None if the page lacks it."""
        response = self.call(label, "GET", page)
        if response is None or response.status_code != 200:
            return None
        for form in lxml.html.fromstring(response.text).forms:
            if (form.get("action") or "").endswith(action_ends):
                return form
        return None

    def form(self, label: str, page: str, action_ends: str) -> dict | None:
        """The values a browser would send with the form whose action ends so (hidden fields,
        the CSRF token, the one-time token, what is checked, the first radio button of each
        group); None if the page lacks it."""
        form = self.page_form(label, page, action_ends)
        if form is None:
            return None
        values = dict(form.form_values())
        for radio in form.xpath(".//input[@type='radio']"):
            values.setdefault(radio.get("name"), radio.get("value"))
        return values

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
            form = self.page_form("evaluator: review page", page, f"{page}/scores")
            if form is None:
                self.done.add(review)
                continue
            values = self.scorecard(form)
            response = self.call("evaluator: score", "POST", f"{page}/scores", data=values)
            if response is not None and response.status_code == 302:
                with self.recorder.lock:
                    self.recorder.scored.append((review, self.email, values))
            self.done.add(review)  # a scorecard is submitted once: refused, it is an error

    def scorecard(self, form) -> dict[str, str]:
        """Filled as an evaluator fills it (tracker/gates/review_forms.py): each must-meet
        criterion met or not (its radio buttons, "1" or "0"), each should-meet criterion a
        whole score within its scale (from 0 to the last number of the field's help, "0 to
        5", "0 至 5 分": its input is text, with no min or max), mostly in the upper half, a
        recommendation that follows from them, an overall comment."""
        values = dict(form.form_values())
        met = True
        for name in {radio.get("name") for radio in form.xpath(".//input[@type='radio']")}:
            values[name] = "1" if self.random.random() < 0.9 else "0"
            met &= values[name] == "1"
        shares = []
        for field in form.xpath(".//input[@inputmode='numeric']"):
            help_text = form.xpath(f".//*[@id='{field.get('id')}-help']")[0].text_content()
            low, high = 0, int(re.findall(r"\d+", help_text)[-1])
            score = self.random.randint(max(low, (low + high) // 2), high)
            values[field.get("name")] = str(score)
            shares.append((score - low) / (high - low))
        good = not shares or statistics.mean(shares) >= 0.75
        values["recommendation"] = ("go" if met and good else "conditional_go" if met
                                    else "recycle")
        values["comment"] = f"load {RUN}: scored by {self.email}"
        return values


class Headquarters(User):
    PAGES = [("HQ: dashboard", "/dashboard"), ("HQ: project list", "/projects/"),
             ("HQ: overdue list", "/milestones/overdue"), ("HQ: outbox", "/admin/reminders/"),
             ("HQ: home", "/"), ("HQ: project list page 10", "/projects/?page=10"),
             ("HQ: export of the project list (CSV)", "/projects/?export=csv")]

    def step(self) -> None:
        label, path = self.random.choice(self.PAGES)
        self.call(label, "GET", path)


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
    for stale in loadcheck.stop_stale(db_url):
        print(f"stopped, left by an earlier run: {stale}", flush=True)
    started = time.perf_counter()
    found = prepare(db_url)
    print(f"prepared in {time.perf_counter() - started:.1f} s", flush=True)
    app = found["app"]
    holder = loadcheck.wait_lead_free(db_url, LEASE_SECONDS + 10)
    if holder is not None:
        raise SystemExit(f"{holder} holds the scheduler's lead on {db_url}, not started by this "
                         "script (or by a run before it wrote its process ids): stop it first")
    run_start = loadcheck.reset(db_url)

    n_pm = round(args.users * 0.6)
    n_eval = round(args.users * 0.2)
    n_hq = args.users - n_pm - n_eval

    mailbox = Mailbox()
    smtp_port = pages.free_port()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    port = pages.free_port()
    tmp = Path(tempfile.mkdtemp(prefix="load-"))
    # One environment for the web and the schedulers, as on a production host: the events the
    # web writes carry Message-IDs of the domain the schedulers send from.
    env = {**production_env(db_url, port), "MAIL_SERVER": "127.0.0.1",
           "MAIL_PORT": str(smtp_port), "MAIL_USE_TLS": "false", "MAIL_FROM": MAIL_FROM}
    scheduler_env = {**env, "SCHEDULER_INTERVAL_MINUTES": "1",
                     "SCHEDULER_LEASE_SECONDS": str(LEASE_SECONDS)}
    schedulers = [start(db_url, ["flask", "scheduler", "run"], scheduler_env,
                        tmp / f"scheduler{n}.log") for n in range(2)]
    ours = [scheduler.pid for scheduler in schedulers]
    server = None
    failed = False
    try:
        server = serve(db_url, env, port, args.workers, tmp)  # failed: stops the others too
        deadline = time.monotonic() + LEASE_SECONDS
        while not loadcheck.is_ours(holder := loadcheck.lead_holder(db_url), ours) \
                and time.monotonic() < deadline:
            time.sleep(1)
        print(f"scheduler's lead: {holder} (this run's: {', '.join(map(str, ours))})")
        if not loadcheck.is_ours(holder, ours):
            raise SystemExit("the lead is not this run's: its e-mails would not be checked")
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
        print(f"{len(users)} users ({n_pm} PMs, {n_eval} evaluators, {n_hq} HQ) for "
              f"{args.seconds} s; before: {uptime()}", flush=True)
        clock = time.perf_counter()
        until = time.monotonic() + args.seconds
        for user in users:
            user.until = until
            user.start()
        for user in users:
            user.join()
        elapsed = time.perf_counter() - clock
        after = workers_rss(server.pid)
        print(f"after: {uptime()}")
        failed |= report(recorder, elapsed, before, after)

        holder = loadcheck.lead_holder(db_url)
        print(f"scheduler's lead after the load: {holder}")
        failed |= not loadcheck.is_ours(holder, ours)
        loadcheck.drain(db_url, timeout=300)
        for scheduler in schedulers:  # no scan nor send between the counts and the check
            stop(scheduler)
        received = Counter(mid for mid, _to in mailbox.received)
        figures, problems = loadcheck.delivery(db_url, run_start, received,
                                               MAIL_FROM.rsplit("@", 1)[1])
        print("delivery (the outbox's e-mail rows, all written by this run, against the "
              f"e-mails this run's SMTP server received): {figures}")
        problems += loadcheck.lost_updates(db_url, RUN, recorder.progress, recorder.submitted,
                                           recorder.scored)
        print(f"progress posts answered 302: {len(recorder.progress)}; submissions: "
              f"{len(recorder.submitted)}; scorecards: {len(recorder.scored)}")
        print(f"checks: {'hold' if not problems else 'DO NOT HOLD'}")
        for problem in problems[:30]:
            print("  " + problem)
        failed |= bool(problems)
    finally:
        for process in [*schedulers, *([server] if server is not None else [])]:
            stop(process)
        loadcheck.pid_file(db_url).unlink(missing_ok=True)
        smtp.stop()
        app.extensions["engine"].dispose()
        print(f"logs in {tmp}")
    print("FAILED" if failed else "passed")
    raise SystemExit(1 if failed else 0)


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def report(recorder: Recorder, elapsed: float, before: dict[int, int],
           after: dict[int, int]) -> bool:
    """Print the figures; True when a request was an error."""
    total = sum(len(t) for t in recorder.times.values())
    errors = sum(recorder.errors.values())
    errors_5xx = sum(n for c in recorder.statuses.values() for s, n in c.items() if s >= 500)
    print(f"\n{total} requests in {elapsed:.1f} s: {total / elapsed:.1f} requests/s")
    print(f"{'page':<42}{'count':>7}{'median':>9}{'p95':>9}{'errors':>8}  statuses")
    for label in sorted(recorder.times):
        times = recorder.times[label]
        p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
        statuses = ", ".join(f"{s}: {n}" for s, n in sorted(recorder.statuses[label].items()))
        print(f"{label:<42}{len(times):>7}{statistics.median(times):>9.1f}{p95:>9.1f}"
              f"{recorder.errors[label]:>8}  {statuses}")
    print(f"errors: {errors} (a page not answered 200, a form not answered 302), of which "
          f"5xx or no answer: {errors_5xx}")
    print("gunicorn workers' memory (MB): before "
          + ", ".join(f"{kb / 1024:.0f}" for kb in before.values()) + "; after "
          + ", ".join(f"{kb / 1024:.0f}" for kb in after.values()))
    return errors > 0


if __name__ == "__main__":
    main()

"""gunicorn's settings for the tracker. `gunicorn` run from the repository root reads this
file and serves `app:app`; each value below can be changed by the environment variable named
beside it (README, "Production"), and any by gunicorn's own command-line options.

Behind nginx on the same host (README): nginx buffers slow clients, so plain synchronous
workers suffice, and a worker is never kept waiting by a phone on a slow network.

The hooks import the tracker inside their bodies, not at the top: gunicorn's master process
reads this file too, and it never loads the application; the hooks run in each worker.
"""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
import threading

wsgi_app = "app:app"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# gunicorn's rule of thumb: two per core and one more (a worker waits on the database about
# as long as it computes). Each holds its own pool of database connections: keep
# workers x hosts x 5 (SQLAlchemy's pool size) + the schedulers under PostgreSQL's
# max_connections (100 by default).
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * (os.cpu_count() or 1) + 1))
# A request running longer is killed and logged: the largest export (10,000 rows) takes a
# few seconds; a minute means something is stuck.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30  # SIGTERM: requests in progress get this long to finish
keepalive = 5  # seconds an idle connection from nginx stays open
# GUNICORN_MAX_REQUESTS=N replaces a worker after N requests (and a random tenth more, so they
# don't all restart at once), should its memory ever grow; 0, the default, never.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 0))
max_requests_jitter = max_requests // 10

# Logs on standard output and error, for journald. The app writes one JSON line per request
# (tracker/web/requestlog.py: request id, user, status, duration), which is the access log:
# gunicorn's own would be a second line per request, so it is off unless asked for
# (GUNICORN_ACCESS_LOG=- writes it to standard output).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
access_log_format = ('%(h)s "%(r)s" %(s)s %(b)s %(M)sms request_id=%({x-request-id}o)s')
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# The client's address and scheme are read by the app's ProxyFix from exactly PROXY_COUNT
# proxies (config.py); gunicorn's own reading of X-Forwarded-Proto is turned off, so that
# there is one place that trusts a proxy's headers.
forwarded_allow_ips = ""


def on_starting(server) -> None:
    """/metrics adds up every worker's counts (tracker/web/metrics.py): prometheus_client
    keeps them in files in PROMETHEUS_MULTIPROC_DIR, which must be empty when the server
    starts (the files of a previous run would be counted again). Set before any worker
    imports the app."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
    else:
        folder = tempfile.mkdtemp(prefix="tracker-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
    os.makedirs(folder, mode=0o700, exist_ok=True)


def post_worker_init(worker) -> None:
    """Before a worker takes its first request: every template compiled (a page's first
    request in each worker compiled its templates, half its time:
    tracker.web.templating.compile_templates), then what that made frozen with the rest of
    what the app loaded to start (app.py). The pinyin word list and the statements of the
    home pages and the overdue list are loaded in a thread of their own (`warm`), and frozen
    after the request during which it ended (`post_request`)."""
    from tracker.web.templating import compile_templates

    compile_templates(worker.wsgi)
    if not worker.wsgi.testing:
        # Beside the first requests, not before them: a worker answers its health check at
        # once however slow the database or the machine (a loaded machine took seconds; the
        # word list alone took 1 s at load 8.7, and tests/ops/test_gunicorn.py's server
        # answered no health check within 60 s at load 11 when it was loaded here).
        threading.Thread(target=warm, args=(worker.wsgi,), name="warm", daemon=True).start()
    gc.collect()
    gc.freeze()
    # Python starts a full pass by itself inside whichever request allocates at the moment
    # it falls due: off, and run by `post_request` instead.
    young, middle, _old = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_PASS_NEVER)


_WARMED = threading.Event()  # `warm` has ended: what it loaded is to be frozen


def warm(app) -> None:
    """The pinyin word list (tracker.display.collation.load_pinyin: loaded at a worker's
    first Chinese list, after the freeze, its 190,000 objects were walked by each full pass of
    the collector) and the statements of the pages people open first (tracker.web.warm: a
    home page's first request in a worker took three times its median)."""
    from tracker.display.collation import load_pinyin
    from tracker.web.warm import warm_statements

    try:
        load_pinyin()
        warm_statements(app)
    finally:
        _WARMED.set()


# A worker's full garbage-collector passes, between requests. What is frozen at its start is
# never walked again, but what it makes afterwards and keeps (compiled statements, caches:
# 34,000 to 120,000 objects) and the cycles of past requests that outlived the younger passes
# are walked by every full pass: 25 to 60 ms in one process (load 6), longer in a served
# worker, inside whichever request allocated when one fell due, the project page's above all
# (it allocates the most): the 95th percentile of its benchmark (README, session 20). After
# the response has gone, the pass delays no one: a request arriving meanwhile goes to another
# worker. One every FULL_PASS_EVERY passes of the middle generation: Python waits for 10 and
# for a quarter more objects than its last pass kept; in bench/pages.py, 50 came about as
# often as its own passes had.
FULL_PASS_EVERY = 50
FULL_PASS_NEVER = 2**31 - 1


def post_request(worker, req, environ, resp) -> None:
    if _WARMED.is_set():  # once: between requests, none of a request's objects is frozen
        _WARMED.clear()
        gc.collect()
        gc.freeze()
    elif gc.get_count()[2] >= FULL_PASS_EVERY:
        gc.collect()


def child_exit(server, worker) -> None:
    """A worker that exits (max_requests, a crash) leaves its counters behind: still added
    up, as Prometheus expects of counters; its live gauges are dropped."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)

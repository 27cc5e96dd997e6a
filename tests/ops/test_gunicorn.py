"""gunicorn.conf.py serves the app in production settings: the health check answers, every
request leaves a JSON line with its id on standard output, and /metrics adds up the counts of
all the workers whichever one a scrape reaches."""

from __future__ import annotations

import gc
import json
import os
import re
import runpy
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

from cryptography.fernet import Fernet

from tests.conftest import head_template

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "gunicorn-test-metrics-token-0123456789"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port: int, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _sqlite_copy(app, tmp_path: Path) -> str:
    url = app.config["DATABASE_URL"]
    if url.startswith("sqlite"):
        target = tmp_path / "served.db"
        shutil.copy(head_template(), target)
        return f"sqlite:///{target}"
    return url  # PostgreSQL: the suite's database, read only here


def _logged(out: Path, logger: str) -> list[str]:
    """The levels of the lines `logger` wrote to the server's standard output so far (read
    by the file's name: the server shares the offset of `out`'s handle)."""
    return [line["level"] for line in map(json.loads, filter(
        lambda text: text.startswith("{"), out.read_text().splitlines()))
        if line["logger"] == logger]


# How long the server and its workers may take to start and warm up: a minute on a quiet
# machine is plenty, but at a load of 20 (two cores, other suites running) a start-up that
# imports and compiles the app took longer, as the browser tests' server did (62ae092c).
START_UP = 300


def test_gunicorn_serves_production_from_its_config_file(app, tmp_path):
    port = _free_port()
    env = {**os.environ, "TRACKER_CONFIG": "production", "GUNICORN_BIND": f"127.0.0.1:{port}",
           "GUNICORN_WORKERS": "2", "SECRET_KEY": "k" * 40,
           "DATABASE_URL": _sqlite_copy(app, tmp_path), "BASE_URL": f"http://127.0.0.1:{port}",
           "RATELIMIT_STORAGE_URI": "memory://", "ENCRYPTION_KEYS": Fernet.generate_key().decode(),
           "SESSION_COOKIE_SECURE": "false", "METRICS_TOKEN": TOKEN,
           "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"), "TRUSTED_HOSTS": "127.0.0.1"}
    out = (tmp_path / "stdout").open("w+")
    server = subprocess.Popen([str(Path(sys.executable).with_name("gunicorn"))], cwd=ROOT,
                              env=env, stdout=out, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + START_UP
        for attempt in range(10_000):
            probe_id = f"probe-{attempt:05d}"
            try:
                status, headers, body = _get(port, "/healthz", {"X-Request-ID": probe_id})
                break
            except OSError:
                assert server.poll() is None, server.stderr.read()
                assert time.monotonic() < deadline, f"gunicorn did not answer within {START_UP} s"
                time.sleep(0.3)
        assert status == 200, body
        assert json.loads(body)["database"] == "reachable"
        assert headers["X-Request-ID"] == probe_id
        for _ in range(12):
            assert _get(port, "/login")[0] == 200
        # A request counts once its answer is sent (the worker notes it as it closes the
        # response), so the last one may land just after the client has read it: scrape until
        # the 13 answered so far are there, whichever worker answers, then never fewer.
        scrapes: list[float] = []
        deadline = time.monotonic() + 10
        while not scrapes or scrapes[-1] < 13 or len(scrapes) < 4:
            status, _headers, body = _get(port, "/metrics",
                                          {"Authorization": f"Bearer {TOKEN}"})
            assert status == 200
            found = re.search(r'^tracker_http_requests_total\{method="GET",status="200"\} (\S+)$',
                              body.decode(), re.M)
            scrapes.append(float(found.group(1)))
            assert time.monotonic() < deadline, scrapes
        assert scrapes[-1] >= 13 and scrapes == sorted(scrapes), scrapes
        # Each worker warms its statements (tracker/web/warm.py) beside its first requests, for
        # BASE_URL's host: the only one production serves.
        deadline = time.monotonic() + START_UP
        while len(_logged(tmp_path / "stdout", "tracker.web.warm")) < 2:
            assert time.monotonic() < deadline, f"a worker's warm-up took over {START_UP} s"
            time.sleep(0.3)
    finally:
        server.send_signal(signal.SIGTERM)
        stderr = server.communicate(timeout=30)[1]
    assert "Booting worker" in stderr and stderr.count("Booting worker") == 2, stderr
    assert _logged(tmp_path / "stdout", "tracker.web.warm") == ["info", "info"]
    out.seek(0)
    lines = [json.loads(line) for line in out.read().splitlines() if line.startswith("{")]
    probe = [x for x in lines if x.get("request_id") == probe_id]
    assert [(x["logger"], x["path"], x["status"]) for x in probe] == [
        ("tracker.request", "/healthz", 200)]


def test_a_worker_compiles_every_template_before_its_first_request(app, monkeypatch):
    """gunicorn.conf.py's post_worker_init: a page's first request in a worker compiled its
    templates, half its time (the project page's 95th percentile was four times its median)."""
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    try:
        config["post_worker_init"](SimpleNamespace(wsgi=app))
    finally:
        gc.unfreeze()

    def compiled_again(*args, **kwargs):
        raise AssertionError("a template compiled on a request")

    monkeypatch.setattr(app.jinja_env, "compile", compiled_again)
    for name in ("projects/show.html", "errors/error.html", "email/milestone_due.txt"):
        assert app.jinja_env.get_template(name).name == name
    assert len(app.jinja_env.cache) == len(app.jinja_env.list_templates())


def test_a_worker_runs_its_full_collections_between_requests(app):
    """gunicorn.conf.py: Python's own full passes of the garbage collector are off in a worker
    (one fell inside whichever request allocated when it was due: 25 to 155 ms, the project
    page's 95th percentile); `post_request` runs one, after the response, once enough younger
    passes have run."""
    import gc
    import runpy
    from types import SimpleNamespace

    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    thresholds, passes = gc.get_threshold(), []

    def note(phase: str, info: dict) -> None:
        if phase == "start":
            passes.append(info["generation"])

    gc.set_threshold(700, 10, 10)  # Python's own, as a served worker has them
    try:
        config["post_worker_init"](SimpleNamespace(wsgi=app))
        gc.callbacks.append(note)
        for _ in range(2_000_000):  # a request's cycles, as many as 200 pages make
            cycle: list = []
            cycle.append(cycle)
        assert passes and 2 not in passes
        assert gc.get_count()[2] >= config["FULL_PASS_EVERY"]
        config["post_request"](None, None, {}, None)
        assert passes[-1] == 2 and gc.get_count()[2] == 0
    finally:
        if note in gc.callbacks:
            gc.callbacks.remove(note)
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def test_a_worker_freezes_the_pinyin_word_list_with_what_it_loaded_at_start():
    """gunicorn.conf.py's `warm` loads pypinyin's word list (tracker.display.collation.
    load_pinyin) and the next `post_request` freezes it: loaded at a worker's first Chinese
    list, its 190,000 objects were walked by each full pass of the collector. In a process of
    its own, as a worker starts: this one may have loaded the list already."""
    code = """if True:
        import gc, runpy
        from types import SimpleNamespace
        from flask_babel import force_locale
        from tracker import create_app
        from tracker.display.collation import ordered

        app = create_app("test", DATABASE_URL="sqlite://")
        config = runpy.run_path("gunicorn.conf.py")
        config["post_worker_init"](SimpleNamespace(wsgi=app))
        config["warm"](app)  # its thread, in a served worker (no tables: it logs a warning)
        config["post_request"](None, None, {}, None)
        with app.test_request_context("/"), force_locale("zh_CN"):
            assert ordered(["重庆", "北京", "阿里"]) == ["阿里", "北京", "重庆"]
        print(len(gc.get_objects()))
    """
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.split()[-1]) < 20_000  # not the word list's 190,000

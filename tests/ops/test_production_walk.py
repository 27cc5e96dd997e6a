"""The README's production section, walked (issue #19, point 1): its nginx server blocks run as
written in front of gunicorn.conf.py's gunicorn with `PROXY_COUNT=1`, and its systemd units
pass `systemd-analyze verify`. Only what a test machine must change is changed (ports, the
certificate's files, the repository's path): a README edited into a configuration that no
longer works fails here.

Through nginx, over HTTPS: the request id nginx makes is the app's (its log line and its
answer), the client address is the one nginx saw and a forged `X-Forwarded-For` neither
changes it nor opens `/metrics` to the forged address, the app sees HTTPS (Flask-WTF's strict
referrer check, which applies to secure requests only) and the Host nginx passed, a post over
the app's limit is answered by the app (in the reader's language), not by nginx, and plain
HTTP is sent to HTTPS."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy.engine import make_url

from config import Config
from tests.conftest import PG_URL, copy_of_head, drop_database
from tests.ops.test_gunicorn import _free_port, _sqlite_copy
from tracker.web.oversize import DRAIN_LIMIT_MB

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
HOST = "tracker.example.org"
FORGED = "10.9.9.9"


def _block(language: str, after: str) -> str:
    """The first fenced block of `language` after the heading `after` in the README."""
    section = README[README.index(after):]
    return re.search(rf"```{language}\n(.*?)```", section, re.S).group(1)


def _replace(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"the README's block no longer has {old!r} once"
    return text.replace(old, new)


def _nginx_conf(tmp: Path, https: int, plain: int, upstream: int) -> Path:
    server = _block("nginx", "### One host, step by step")
    server = _replace(server, "listen 443 ssl;", f"listen 127.0.0.1:{https} ssl;")
    server = _replace(server, "listen 80;", f"listen 127.0.0.1:{plain};")
    server = _replace(server, "/etc/ssl/tracker.crt", str(tmp / "tracker.crt"))
    server = _replace(server, "/etc/ssl/tracker.key", str(tmp / "tracker.key"))
    server = _replace(server, "http://127.0.0.1:8000", f"http://127.0.0.1:{upstream}")
    temp = "".join(f"{kind}_temp_path {tmp / kind};\n"
                   for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    conf = tmp / "nginx.conf"
    conf.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"daemon off;\nworker_processes 1;\npid {tmp / 'nginx.pid'};\n"
        f"error_log {tmp / 'error.log'};\nevents {{ worker_connections 64; }}\n"
        f"http {{\nlog_format ids '$request_id $status';\n"
        f"access_log {tmp / 'access.log'} ids;\n{temp}{server}}}\n")
    return conf


def _certificate(tmp: Path) -> None:
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", f"/CN={HOST}", "-keyout", str(tmp / "tracker.key"),
                    "-out", str(tmp / "tracker.crt")], check=True, capture_output=True)


def _wait_for(port: int, process: subprocess.Popen, name: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=2).connect()
            return
        except OSError:
            assert process.poll() is None, f"{name} exited: {process.stderr.read()}"
            assert time.monotonic() < deadline, f"{name} did not answer within 60 s"
            time.sleep(0.2)


class Client:
    def __init__(self, https: int, plain: int, tmp: Path) -> None:
        self.https, self.plain = https, plain
        self.context = ssl.create_default_context(cafile=str(tmp / "tracker.crt"))
        self.context.check_hostname = False  # the certificate names HOST; we dial 127.0.0.1

    def send(self, method: str, path: str, headers: dict | None = None, body: bytes = b"",
             secure: bool = True) -> tuple[int, dict, bytes]:
        if secure:
            conn = http.client.HTTPSConnection("127.0.0.1", self.https, timeout=60,
                                               context=self.context)
        else:
            conn = http.client.HTTPConnection("127.0.0.1", self.plain, timeout=60)
        conn.request(method, path, body=body or None, headers={"Host": HOST, **(headers or {})})
        response = conn.getresponse()
        answer = response.status, dict(response.getheaders()), response.read()
        conn.close()
        return answer


def _database(app, tmp: Path) -> str:
    """The served app's own database at head: a copy of the run's empty one, a file on
    SQLite, a database beside the suite's on PostgreSQL (a failed sign-in writes to it)."""
    if not PG_URL:
        return _sqlite_copy(app, tmp)
    base = make_url(app.config["DATABASE_URL"])
    url = base.set(database=f"{base.database}_walk").render_as_string(hide_password=False)
    return copy_of_head(url)


@pytest.fixture(scope="module")
def served(app, tmp_path_factory):
    """gunicorn from gunicorn.conf.py and nginx from the README in front of it."""
    if not Path(NGINX).exists():
        pytest.skip("nginx is not installed (make nginx)")
    tmp_path = tmp_path_factory.mktemp("walk")
    _certificate(tmp_path)
    database = _database(app, tmp_path)
    upstream, https, plain = _free_port(), _free_port(), _free_port()
    env = {**os.environ, "TRACKER_CONFIG": "production", "GUNICORN_BIND": f"127.0.0.1:{upstream}",
           "GUNICORN_WORKERS": "1", "SECRET_KEY": "k" * 40, "PROXY_COUNT": "1",
           "DATABASE_URL": database, "BASE_URL": f"https://{HOST}",
           "RATELIMIT_STORAGE_URI": "memory://", "ENCRYPTION_KEYS": Fernet.generate_key().decode(),
           "METRICS_ALLOWED_IPS": FORGED, "TRUSTED_HOSTS": HOST,
           "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics")}
    env.pop("METRICS_TOKEN", None)
    log = (tmp_path / "stdout").open("w+")
    gunicorn = subprocess.Popen([str(Path(sys.executable).with_name("gunicorn"))], cwd=ROOT,
                                env=env, stdout=log, stderr=subprocess.PIPE, text=True)
    nginx = subprocess.Popen([NGINX, "-c", str(_nginx_conf(tmp_path, https, plain, upstream))],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(upstream, gunicorn, "gunicorn")
        _wait_for(https, nginx, "nginx")
        client = Client(https, plain, tmp_path)
        client.log = log
        client.access = tmp_path / "access.log"
        yield client
    finally:
        for process in (nginx, gunicorn):
            process.send_signal(signal.SIGTERM)
            process.communicate(timeout=30)
        drop_database(database)


def _eventually(read):
    """What `read` returns once it returns something (within 10 s)."""
    deadline = time.monotonic() + 10
    while not (found := read()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return found


def _app_lines(client: Client) -> list[dict]:
    client.log.flush()
    client.log.seek(0)
    return [json.loads(line) for line in client.log.read().splitlines() if line.startswith("{")]


def test_behind_the_readmes_nginx_the_app_sees_what_nginx_saw(served):
    status, headers, _body = served.send("GET", "/healthz", {"X-Forwarded-For": FORGED})
    assert status == 200
    request_id = headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id), "not the id nginx made ($request_id)"
    # nginx and the app each log a request once its answer is sent: after the client has it.
    assert _eventually(lambda: [x for x in served.access.read_text().splitlines()
                                if x.startswith(request_id)]) == [f"{request_id} 200"]
    line, = _eventually(lambda: [x for x in _app_lines(served)
                                 if x.get("request_id") == request_id])
    assert (line["path"], line["remote_addr"]) == ("/healthz", "127.0.0.1")  # not FORGED
    # /metrics is open to FORGED only (METRICS_ALLOWED_IPS): claiming to be it does not open it.
    assert served.send("GET", "/metrics", {"X-Forwarded-For": FORGED})[0] == 404
    assert served.send("GET", "/login")[1].get("Strict-Transport-Security")


def test_the_app_sees_https_and_the_host_nginx_passed(served):
    status, headers, body = served.send("GET", "/login")
    assert status == 200
    cookie = headers["Set-Cookie"].split(";")[0]
    assert "Secure" in headers["Set-Cookie"]
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', body).group(1).decode()
    form = f"csrf_token={token}&email=nobody%40example.org&password=wrong".encode()
    sent = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    # Flask-WTF checks the referrer of secure requests only: refused without one, so the app
    # took the request for HTTPS (X-Forwarded-Proto); with one naming the Host nginx passed,
    # the form is read (the wrong password is answered on the form, 401, not with a 400).
    assert served.send("POST", "/login", sent, form)[0] == 400
    status, _headers, body = served.send("POST", "/login",
                                         {**sent, "Referer": f"https://{HOST}/login"}, form)
    assert status == 401 and b'name="password"' in body


def test_a_post_too_large_is_answered_by_the_app_not_by_nginx(served):
    # Above the app's limit (MAX_POST_MB + 1 MB) and within nginx's, which the app drains.
    limit = re.search(r"client_max_body_size (\d+)m;", _block("nginx", "### One host"))
    assert Config.MAX_POST_MB + 1 < int(limit.group(1)) <= DRAIN_LIMIT_MB
    body = (b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.pdf\"\r\n\r\n"
            + b"x" * ((Config.MAX_POST_MB + 2) * 1024 * 1024) + b"\r\n--b--\r\n")
    status, headers, page = served.send(
        "POST", "/login", {"Content-Type": "multipart/form-data; boundary=b",
                           "Referer": f"https://{HOST}/login"}, body)
    assert status == 413
    assert headers.get("X-Request-ID") and b"nginx" not in page  # the app's own page
    assert f"{Config.MAX_POST_MB} MB".encode() in page


def test_plain_http_is_sent_to_https(served):
    status, headers, _body = served.send("GET", "/projects/?page=2", secure=False)
    assert (status, headers["Location"]) == (301, f"https://{HOST}/projects/?page=2")


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is missing")
@pytest.mark.parametrize("unit", ["tracker-web.service", "tracker-scheduler.service"])
def test_the_readmes_systemd_units_verify(unit, tmp_path):
    text = _block("ini", f"`/etc/systemd/system/{unit}`")
    text = text.replace("/srv/tracker/app", str(ROOT))
    assert str(ROOT) in text, "the unit no longer runs from /srv/tracker/app"
    (tmp_path / unit).write_text(text)
    verified = subprocess.run(["systemd-analyze", "verify", str(tmp_path / unit)],
                              capture_output=True, text=True)
    assert verified.returncode == 0 and not verified.stderr.strip(), verified.stderr

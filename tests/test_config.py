"""Configuration that cannot be wrong silently: production refuses what would be unsafe, and
nothing takes the host, the scheme or the client address from a header it should not."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from config import DEV_SECRET_KEY, ProductionConfig
from tests.conftest import login, post
from tests.factories import make_user
from tracker import create_app

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "k" * 32
FERNET_KEY = "U3tUflDcHcmIpei8BfDUxrvBAEykuCZytLyafYD9oYY="  # fixed: test ids name it


@pytest.fixture
def production_env(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", STRONG_KEY)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://tracker@db/tracker")
    monkeypatch.setenv("BASE_URL", "https://tracker.example.org")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("ENCRYPTION_KEYS", FERNET_KEY)
    return monkeypatch


@pytest.mark.no_db
@pytest.mark.parametrize("keys", ["", "not-a-key", f"{FERNET_KEY},{'k' * 40}"])
def test_production_refuses_to_run_without_good_encryption_keys(production_env, keys):
    production_env.setenv("ENCRYPTION_KEYS", keys)
    with pytest.raises(RuntimeError, match="ENCRYPTION_KEYS"):
        ProductionConfig.check()
    production_env.setenv("ENCRYPTION_KEYS", f"{Fernet.generate_key().decode()},{FERNET_KEY}")
    ProductionConfig.check()


@pytest.mark.no_db
@pytest.mark.parametrize("key", ["s3cret", "k" * 31, "密" * 10, DEV_SECRET_KEY])
def test_production_refuses_a_weak_or_development_secret_key(production_env, key):
    production_env.setenv("SECRET_KEY", key)
    with pytest.raises(RuntimeError, match="SECRET_KEY must be at least 32"):
        ProductionConfig.check()


@pytest.mark.no_db
def test_production_accepts_a_key_of_32_bytes(production_env):
    ProductionConfig.check()
    production_env.setenv("SECRET_KEY", "密" * 11)  # 33 bytes in UTF-8
    ProductionConfig.check()


@pytest.mark.no_db
def test_production_requires_an_absolute_base_url(production_env):
    production_env.delenv("BASE_URL")
    with pytest.raises(RuntimeError, match="BASE_URL"):
        ProductionConfig.check()
    production_env.setenv("BASE_URL", "tracker.example.org")
    with pytest.raises(RuntimeError, match="absolute http"):
        ProductionConfig.check()


@pytest.mark.no_db
def test_production_sends_mail_over_tls_by_default():
    assert os.environ.get("MAIL_USE_TLS") is None
    assert ProductionConfig.MAIL_USE_TLS is True


@pytest.mark.no_db
def test_the_development_key_logs_a_warning(caplog, tmp_path):
    with caplog.at_level(logging.WARNING):
        create_app("test", DATABASE_URL=f"sqlite:///{tmp_path / 'dev.db'}",
                   SECRET_KEY=DEV_SECRET_KEY)
    assert "SECRET_KEY is the development default" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        create_app("test", DATABASE_URL=f"sqlite:///{tmp_path / 'dev.db'}")
    assert "SECRET_KEY" not in caplog.text


def _gunicorn_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).with_name("gunicorn")), "--check-config", "app:app"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )


@pytest.mark.no_db
def test_gunicorn_without_tracker_config_refuses_to_start(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "TRACKER_CONFIG"}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'x.db'}"
    refused = _gunicorn_check(env)
    assert refused.returncode != 0
    assert "TRACKER_CONFIG is not set" in refused.stderr
    started = _gunicorn_check({**env, "TRACKER_CONFIG": "development"})
    assert started.returncode == 0, started.stderr


def test_links_come_from_base_url_never_from_the_host_header(app, client):
    user = make_user()
    client.environ_base["HTTP_HOST"] = "evil.example"  # every request of this browser
    login(client, user)
    # The feed's address is shown once, on the answer that made it.
    page = post(client, "/reminders/feed/regenerate").get_data(as_text=True)
    assert f'{app.config["BASE_URL"]}/calendar/' in page
    assert "evil.example" not in page


@pytest.mark.no_db
def test_no_code_builds_a_link_from_the_request_host():
    for path in (ROOT / "tracker").rglob("*.py"):
        text = path.read_text()
        assert not re.search(r"_external\s*=\s*True|url_root|host_url", text), path


def test_a_host_outside_trusted_hosts_is_refused(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", ["tracker.example.org"])
    assert client.get("/login", base_url="http://tracker.example.org").status_code == 200
    assert client.get("/login", base_url="http://evil.example").status_code == 400


@pytest.mark.no_db
def test_production_trusts_only_the_host_of_base_url(production_env):
    import importlib

    import config

    fresh = importlib.reload(config)
    try:
        assert fresh.ProductionConfig.TRUSTED_HOSTS == ["tracker.example.org"]
    finally:
        production_env.undo()
        importlib.reload(config)


@pytest.mark.parametrize("proxies,expected", [(0, "10.0.0.9"), (1, "203.0.113.7"),
                                              (2, "198.51.100.1")])
def test_the_client_address_is_read_through_exactly_the_configured_proxies(
        tmp_path, proxies, expected):
    application = create_app("test", DATABASE_URL=f"sqlite:///{tmp_path / 'p.db'}",
                             PROXY_COUNT=proxies)

    @application.get("/_address")
    def address() -> str:
        from flask import request

        return request.remote_addr

    forwarded = {"X-Forwarded-For": "198.51.100.1, 203.0.113.7"}
    response = application.test_client().get(
        "/_address", headers=forwarded, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert response.get_data(as_text=True) == expected

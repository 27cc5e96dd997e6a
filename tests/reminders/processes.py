"""Real processes for the fault-injection tests: `flask` commands started as the deployment
starts them (the TCP proxy that takes the database away from them: tests/ops/proxy.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FLASK = [sys.executable, "-m", "flask"]


def flask_env(database_url: str, **settings: object) -> dict[str, str]:
    """The environment of a deployment's process on this database (development settings,
    which need no secrets; the test names what it changes)."""
    env = {**os.environ, "TRACKER_CONFIG": "development", "DATABASE_URL": database_url,
           "FLASK_APP": "app.py", "SECRET_KEY": "x" * 40, "PYTHONUNBUFFERED": "1"}
    env.pop("TEST_DATABASE_URL", None)
    env.update({key: str(value) for key, value in settings.items()})
    return env


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("ab") as out:
        return subprocess.Popen(FLASK + args, cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT)


def wait_for(condition: Callable[[], object], timeout: float, what: str,
             every: float = 0.1) -> object:
    """`condition()`'s first true value within `timeout` seconds; else the test fails."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"not within {timeout} s: {what}")

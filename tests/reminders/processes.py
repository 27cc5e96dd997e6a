"""Real processes for the fault-injection tests: a TCP proxy in front of PostgreSQL that a test
takes down and brings back (a database outage as the app sees it: every connection dropped,
new ones refused), and `flask` commands started as the deployment starts them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FLASK = [sys.executable, "-m", "flask"]


class TcpProxy:
    """127.0.0.1:`port` forwarded to `upstream`, until `stop()`; `start()` listens again."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._listener: socket.socket | None = None
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._up = False

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        self._up = True
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        """The outage: stop listening and cut every connection."""
        with self._lock:
            self._up = False
        if self._listener is not None:
            try:  # wakes the thread blocked in accept(), which close() alone does not
                self._listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._listener.close()
            self._listener = None
        with self._lock:
            for sock in self._open:
                for close in (lambda s=sock: s.shutdown(socket.SHUT_RDWR), sock.close):
                    try:
                        close()
                    except OSError:
                        pass
            self._open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return  # stopped
            if not self._up:
                client.close()
                return
            try:
                server = socket.create_connection(self.upstream)
            except OSError:
                client.close()
                continue
            with self._lock:
                if not self._up:  # accepted as the outage began
                    client.close()
                    server.close()
                    continue
                self._open |= {client, server}
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        for sock in (source, target):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        with self._lock:
            self._open -= {source, target}


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

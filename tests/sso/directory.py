"""A real LDAP directory for the tests: Debian's slapd (OpenLDAP), started on 127.0.0.1 in a
temporary folder with a configuration of its own, and filled over LDAP (ldap3, as the
directory's manager) with the people and groups the tests sign in as. `make test` installs
slapd (the Makefile's `ldap-server`); without it the LDAP tests are skipped and say why."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ldap3 import Connection, Server

SLAPD = shutil.which("slapd") or "/usr/sbin/slapd"
SUFFIX = "dc=example,dc=cn"
MANAGER = f"cn=manager,{SUFFIX}"
MANAGER_PASSWORD = "manager-password-for-the-tests"
PEOPLE = f"ou=people,{SUFFIX}"
GROUPS = f"ou=groups,{SUFFIX}"

# uid -> (cn, mail, employeeNumber, password)
PEOPLE_ENTRIES = {
    "lilei": ("李雷", "li.lei@example.cn", "T2024001", "directory-password-1"),
    "boss": ("Wang Boss", "boss@example.cn", "T2024002", "directory-password-2"),
    "newcomer": ("韩梅梅", "han.meimei@example.cn", "T2024003", "directory-password-3"),
}
# cn -> members
GROUP_ENTRIES = {"hq-admins": ["boss"], "project-managers": ["lilei", "newcomer"],
                 "library": ["lilei"]}

CONFIG = """\
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {folder}/slapd.pid
database mdb
maxsize 16777216
suffix "{suffix}"
rootdn "{manager}"
rootpw {password}
directory {folder}/data
access to attrs=userPassword by anonymous auth by self read by * none
access to * by users read by * none
"""


def available() -> bool:
    return Path(SLAPD).exists()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def dn(uid: str) -> str:
    return f"uid={uid},{PEOPLE}"


def _fill(url: str) -> None:
    with Connection(Server(url), MANAGER, MANAGER_PASSWORD, auto_bind=True) as c:
        c.add(SUFFIX, ["dcObject", "organization"], {"o": "Example", "dc": "example"})
        c.add(PEOPLE, "organizationalUnit", {"ou": "people"})
        c.add(GROUPS, "organizationalUnit", {"ou": "groups"})
        for uid, (cn, mail, number, password) in PEOPLE_ENTRIES.items():
            c.add(dn(uid), "inetOrgPerson", {"cn": cn, "sn": cn, "uid": uid, "mail": mail,
                                              "employeeNumber": number,
                                              "userPassword": password})
        for cn, members in GROUP_ENTRIES.items():
            c.add(f"cn={cn},{GROUPS}", "groupOfNames",
                  {"cn": cn, "member": [dn(m) for m in members]})
            assert c.result["result"] == 0, c.result


@contextmanager
def running(folder: Path) -> Iterator[str]:
    """slapd serving the directory while the block runs; yields its ldap:// URL."""
    (folder / "data").mkdir()
    config = folder / "slapd.conf"
    config.write_text(CONFIG.format(folder=folder, suffix=SUFFIX, manager=MANAGER,
                                    password=MANAGER_PASSWORD))
    url = f"ldap://127.0.0.1:{_free_port()}"
    # -d keeps it in the foreground, a child of the test run that ends with it.
    process = subprocess.Popen([SLAPD, "-f", str(config), "-h", url + "/", "-d", "0"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            try:
                Connection(Server(url, connect_timeout=1), MANAGER, MANAGER_PASSWORD,
                           auto_bind=True).unbind()
                break
            except Exception:  # noqa: BLE001 - not listening yet
                if process.poll() is not None:
                    raise RuntimeError(process.stderr.read().decode()) from None
                time.sleep(0.1)
        _fill(url)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)

"""The identity services of the single sign-on tests, each a real server on 127.0.0.1."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests

from tests.servers import serving
from tests.sso import cas_server, directory, oidc_provider


@pytest.fixture
def oidc(app, monkeypatch) -> oidc_provider.Provider:
    provider = oidc_provider.Provider()
    with serving(oidc_provider.handler(provider)) as url:
        provider.issuer = url
        for key, value in {"OIDC_ISSUER": url, "OIDC_CLIENT_ID": oidc_provider.CLIENT_ID,
                           "OIDC_CLIENT_SECRET": oidc_provider.CLIENT_SECRET}.items():
            monkeypatch.setitem(app.config, key, value)
        yield provider


@pytest.fixture
def cas(app, monkeypatch) -> cas_server.CasServer:
    server = cas_server.CasServer()
    with serving(cas_server.handler(server)) as url:
        server.url = url + "/cas"
        monkeypatch.setitem(app.config, "CAS_SERVER_URL", server.url)
        yield server


def through_the_provider(client, start: str):
    """Follow a sign-in as a browser does: to the identity service (a real HTTP request), which
    signs the person in and sends the browser back to the tracker with its answer."""
    leaving = client.get(start)
    assert leaving.status_code == 302, leaving.get_data(as_text=True)
    at_service = requests.get(leaving.headers["Location"], allow_redirects=False, timeout=10)
    assert at_service.status_code == 302, at_service.text
    back = urlsplit(at_service.headers["Location"])
    return client.get(f"{back.path}?{back.query}")


@pytest.fixture(scope="module")
def slapd(tmp_path_factory) -> str:
    if not directory.available():
        pytest.skip("slapd is not installed (make ldap-server installs it)")
    with directory.running(tmp_path_factory.mktemp("slapd")) as url:
        yield url


@pytest.fixture
def ldap(app, monkeypatch, slapd) -> str:
    for key, value in {
        "LDAP_URL": slapd, "LDAP_BIND_DN": directory.MANAGER,
        "LDAP_BIND_PASSWORD": directory.MANAGER_PASSWORD, "LDAP_USER_BASE": directory.PEOPLE,
        "LDAP_GROUP_BASE": directory.GROUPS,
        "LDAP_GROUP_ROLES": "hq-admins:hq_admin,project-managers:project_manager",
    }.items():
        monkeypatch.setitem(app.config, key, value)
    return slapd

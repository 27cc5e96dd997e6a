"""Production refuses single sign-on and SMS settings that can't be meant."""

from __future__ import annotations

import pytest

from config import ProductionConfig
from tests.test_config import production_env  # noqa: F401  (the fixture)


@pytest.mark.parametrize(("name", "value", "words"), [
    ("SSO_MATCH_BY", "name", "SSO_MATCH_BY must be"),
    ("SSO_UNKNOWN_USERS", "allow", "SSO_UNKNOWN_USERS must be"),
    ("OIDC_ISSUER", "http://id.example.cn", "OIDC_ISSUER must be an https"),
    ("CAS_SERVER_URL", "http://cas.example.cn/cas", "CAS_SERVER_URL must be an https"),
    ("SMS_HTTP_URL", "http://sms.example.cn/send", "SMS_HTTP_URL must be an https"),
    ("LDAP_URL", "ldap://ldap.example.cn", "LDAP_URL must be ldaps"),
])
def test_production_refuses_what_cannot_be_meant(production_env, name, value, words):  # noqa: F811
    production_env.setenv(name, value)
    with pytest.raises(RuntimeError, match=words):
        ProductionConfig.check()


def test_production_accepts_the_safe_forms(production_env):  # noqa: F811
    for name, value in {"SSO_MATCH_BY": "staff_number", "SSO_UNKNOWN_USERS": "create",
                        "OIDC_ISSUER": "https://id.example.cn", "LDAP_URL": "ldap://ldap",
                        "LDAP_START_TLS": "true"}.items():
        production_env.setenv(name, value)
    ProductionConfig.check()

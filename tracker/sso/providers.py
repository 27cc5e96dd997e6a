"""The identity services this installation is configured with: the login page's buttons, and
where sign-out sends the browser to end the provider's session too."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _

from tracker.accounts.models import Provider
from tracker.sso import cas, ldap, oidc


@dataclass
class Button:
    endpoint: str
    label: str


def buttons() -> list[Button]:
    """One for each configured service, named as the organisation calls it (`OIDC_NAME`,
    `CAS_NAME`, `LDAP_NAME`: 统一身份认证, say) or generically in the reader's language."""
    config = current_app.config
    offered = []
    if oidc.configured():
        name = config["OIDC_NAME"] or _("OpenID Connect")
        offered.append(Button("sso.oidc_start", _("Sign in with %(name)s", name=name)))
    if cas.configured():
        name = config["CAS_NAME"] or _("CAS")
        offered.append(Button("sso.cas_start", _("Sign in with %(name)s", name=name)))
    if ldap.configured():
        name = config["LDAP_NAME"] or _("your institute account")
        offered.append(Button("sso.ldap_login", _("Sign in with %(name)s", name=name)))
    return offered


def logout_url(provider: Provider | None, id_token: str) -> str | None:
    """Where to end the provider's session after ours, when it offers that."""
    if provider is Provider.OIDC and oidc.configured():
        return oidc.logout_url(id_token)
    if provider is Provider.CAS and cas.configured():
        return cas.logout_url()
    return None

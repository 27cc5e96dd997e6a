"""The words of the audit trail for accounts and signing in (tracker/accounts, tracker/phones,
tracker/sso). `tracker.display.words` merges them into its tables."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTIONS = {
    "user.change_password": _l("Password changed"),
    "user.create": _l("Account created"),
    "user.locked": _l("Account locked after failed sign-ins"),
    "user.login_failed": _l("Sign-in failed"),
    "user.logout": _l("Signed out"), "user.login": _l("Signed in"),
    "user.mfa_disable": _l("Second sign-in step turned off"),
    "user.mfa_enable": _l("Second sign-in step turned on"),
    "user.mfa_recovery_code": _l("Recovery code used"),
    "user.mfa_recovery_codes": _l("New recovery codes made"),
    "user.mfa_reset": _l("Second sign-in step reset"),
    "user.password_ok": _l("Password checked"),
    "user.phone_bind": _l("Mobile number bound"),
    "user.phone_unbind": _l("Mobile number removed"),
    "user.reset_password_by_phone": _l("Password reset with a texted code"),
    "user.sms_code_sent": _l("Code texted"),
    "user.sms_sign_in": _l("Texted code at sign-in changed"),
    "user.reset_password": _l("Password reset"),
    "user.set_locale": _l("Language changed"),
    "user.update": _l("Account changed"),
}

OBJECTS = {
    "phone_codes": _l("Texted code"),
}

FIELDS = {
    "phone": _l("Mobile number"), "phone_bound_at": _l("Mobile number bound at"),
    "provider": _l("Identity service"),
    "purpose": _l("Purpose"),
    "sms_sign_in": _l("Texted code at sign-in"),
    "staff_number": _l("Staff number"),
}

"""Settings classes. Everything deployable comes from environment variables.

`TRACKER_CONFIG` picks the class: ``development`` (the default), ``production`` or ``test``.
Rules of the domain that HQ may tune (thresholds, reminder offsets) are not here: they live in
the settings catalogue, ``tracker/settings/catalogue.py``, and are edited in the app.
"""

from __future__ import annotations

import base64
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent
INSTANCE = ROOT / "instance"


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _env_list(name: str) -> list[str] | None:
    value = os.environ.get(name, "")
    return [item.strip() for item in value.split(",") if item.strip()] or None


def _is_fernet_key(key: str) -> bool:
    """32 bytes in URL-safe base64, as `cryptography`'s Fernet takes them."""
    try:
        return len(base64.urlsafe_b64decode(key.encode())) == 32
    except ValueError:
        return False


# Signs nothing worth forging: development only. Production refuses it, `create_app` warns.
DEV_SECRET_KEY = "dev-only-not-secret"
# A key shorter than this can be guessed offline from one signed cookie.
MIN_SECRET_KEY_BYTES = 32


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
    DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE / 'tracker.db'}")
    # `flask db` commands connect as the role that owns the tables; the app's own role may only
    # read and append to the audit trail (README, "Database roles"). Unset: DATABASE_URL.
    MIGRATION_DATABASE_URL = os.environ.get("MIGRATION_DATABASE_URL", "")
    SQL_ECHO = _env_bool("SQL_ECHO", False)

    # Where the organisation lives: deadlines are dates in this zone, instants are stored in UTC.
    ORG_TIMEZONE = os.environ.get("ORG_TIMEZONE", "Asia/Shanghai")
    DEFAULT_LOCALE = os.environ.get("DEFAULT_LOCALE", "zh_CN")
    LANGUAGES = ("zh_CN", "en")
    # Every absolute link (e-mails, calendar feeds, the feed address shown) starts with this,
    # never with the Host header a request came with.
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    # Host names a request may carry (others get 400); unset: any in development, the host of
    # BASE_URL in production.
    TRUSTED_HOSTS = _env_list("TRUSTED_HOSTS")
    # Reverse proxies in front of the app: the client address and scheme are read from the
    # X-Forwarded-* headers that many proxies set, never more (a client can forge the rest).
    PROXY_COUNT = _env_int("PROXY_COUNT", 0)

    PASSWORD_MIN_LENGTH = 12
    # Argon2id cost of a password hash: RFC 9106's low-memory profile (3 passes over 64 MiB,
    # 4 lanes). A changed cost applies to each user's hash at their next login.
    ARGON2_TIME_COST = _env_int("ARGON2_TIME_COST", 3)
    ARGON2_MEMORY_KIB = _env_int("ARGON2_MEMORY_KIB", 64 * 1024)
    ARGON2_PARALLELISM = _env_int("ARGON2_PARALLELISM", 4)
    LOGIN_MAX_FAILURES = _env_int("LOGIN_MAX_FAILURES", 5)
    LOGIN_LOCK_MINUTES = _env_int("LOGIN_LOCK_MINUTES", 15)
    # Sign-in attempts (password or second factor) counted in a storage every worker and host
    # share: Redis in production (redis://host:6379), memory for one development process.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "tracker")
    # Failed attempts only; an address may be a whole office behind NAT (accounts.throttle).
    LOGIN_RATE_LIMIT_PER_IP = os.environ.get("LOGIN_RATE_LIMIT_PER_IP", "100 per 15 minutes")
    LOGIN_RATE_LIMIT_PER_ACCOUNT = os.environ.get(
        "LOGIN_RATE_LIMIT_PER_ACCOUNT", "10 per 15 minutes")
    # Requests of one personal access token on the JSON API.
    API_RATE_LIMIT_PER_TOKEN = os.environ.get("API_RATE_LIMIT_PER_TOKEN", "600 per minute")

    # Single sign-on (tracker/sso, README "Single sign-on"). An identity is matched to an
    # account by `email` or `staff_number`; one without an account gets one with no role,
    # waiting for HQ (`create`), or is refused (`refuse`).
    SSO_MATCH_BY = os.environ.get("SSO_MATCH_BY", "email")
    SSO_UNKNOWN_USERS = os.environ.get("SSO_UNKNOWN_USERS", "refuse")
    SSO_HTTP_TIMEOUT = _env_int("SSO_HTTP_TIMEOUT", 10)
    # OpenID Connect: the issuer (discovery at /.well-known/openid-configuration), our client,
    # and the claims read.
    OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "")
    OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
    OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
    OIDC_SCOPES = os.environ.get("OIDC_SCOPES", "openid email profile")
    OIDC_EMAIL_CLAIM = os.environ.get("OIDC_EMAIL_CLAIM", "email")
    OIDC_NAME_CLAIM = os.environ.get("OIDC_NAME_CLAIM", "name")
    OIDC_STAFF_NUMBER_CLAIM = os.environ.get("OIDC_STAFF_NUMBER_CLAIM", "employee_number")
    OIDC_NAME = os.environ.get("OIDC_NAME", "")  # the button's name for the service
    # CAS 3.0: the server's base (https://cas.example.edu.cn/cas) and the attributes read; no
    # staff-number attribute: the CAS user is the staff number.
    CAS_SERVER_URL = os.environ.get("CAS_SERVER_URL", "")
    CAS_EMAIL_ATTRIBUTE = os.environ.get("CAS_EMAIL_ATTRIBUTE", "mail")
    CAS_NAME_ATTRIBUTE = os.environ.get("CAS_NAME_ATTRIBUTE", "cn")
    CAS_STAFF_NUMBER_ATTRIBUTE = os.environ.get("CAS_STAFF_NUMBER_ATTRIBUTE", "")
    CAS_NAME = os.environ.get("CAS_NAME", "")
    # LDAP: the directory, how a person's entry and groups are found, what is read from it, and
    # which groups give which roles (`group:role,group:role`).
    LDAP_URL = os.environ.get("LDAP_URL", "")
    LDAP_START_TLS = _env_bool("LDAP_START_TLS", False)
    LDAP_BIND_DN = os.environ.get("LDAP_BIND_DN", "")
    LDAP_BIND_PASSWORD = os.environ.get("LDAP_BIND_PASSWORD", "")
    LDAP_USER_BASE = os.environ.get("LDAP_USER_BASE", "")
    LDAP_USER_FILTER = os.environ.get("LDAP_USER_FILTER", "(uid={username})")
    LDAP_EMAIL_ATTRIBUTE = os.environ.get("LDAP_EMAIL_ATTRIBUTE", "mail")
    LDAP_NAME_ATTRIBUTE = os.environ.get("LDAP_NAME_ATTRIBUTE", "cn")
    LDAP_STAFF_NUMBER_ATTRIBUTE = os.environ.get("LDAP_STAFF_NUMBER_ATTRIBUTE", "employeeNumber")
    LDAP_GROUP_BASE = os.environ.get("LDAP_GROUP_BASE", "")
    LDAP_GROUP_FILTER = os.environ.get("LDAP_GROUP_FILTER", "(member={dn})")
    LDAP_GROUP_ROLES = os.environ.get("LDAP_GROUP_ROLES", "")
    LDAP_NAME = os.environ.get("LDAP_NAME", "")

    # Verification codes by SMS (tracker/phones, README "Phone verification"): the gateway
    # (empty: none, the phone features are off; `http`: the generic HTTP gateway; or
    # `package.module:Class`), where the HTTP gateway posts and with which bearer token.
    SMS_GATEWAY = os.environ.get("SMS_GATEWAY", "")
    SMS_HTTP_URL = os.environ.get("SMS_HTTP_URL", "")
    SMS_HTTP_TOKEN = os.environ.get("SMS_HTTP_TOKEN", "")
    SMS_HTTP_TEMPLATE = os.environ.get("SMS_HTTP_TEMPLATE", "")
    SMS_HTTP_TIMEOUT = _env_int("SMS_HTTP_TIMEOUT", 10)
    # The signature a Chinese operator requires at the head of a text (【...】); empty: none.
    SMS_SIGN = os.environ.get("SMS_SIGN", "")
    SMS_CODE_MINUTES = _env_int("SMS_CODE_MINUTES", 10)
    SMS_CODE_ATTEMPTS = _env_int("SMS_CODE_ATTEMPTS", 5)
    # Texts sent, counted in the sign-in limiter's storage: to one number, at least a minute
    # apart and a few an hour; from one client address (a whole office may share it).
    SMS_RATE_LIMIT_PER_PHONE = os.environ.get("SMS_RATE_LIMIT_PER_PHONE", "5 per hour")
    SMS_RATE_LIMIT_GAP = os.environ.get("SMS_RATE_LIMIT_GAP", "1 per minute")
    SMS_RATE_LIMIT_PER_IP = os.environ.get("SMS_RATE_LIMIT_PER_IP", "30 per hour")

    # Fernet keys of the values kept encrypted (TOTP secrets: tracker/crypto.py), newest first;
    # unset: derived from SECRET_KEY, for development and tests only.
    ENCRYPTION_KEYS = _env_list("ENCRYPTION_KEYS")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE / "uploads"))
    # Where uploaded files live (tracker/files/storage.py): "local" (UPLOAD_DIR, which several
    # hosts share by mounting it) or "s3://bucket/prefix", an S3-compatible object store at
    # S3_ENDPOINT_URL (empty: AWS), its credentials from AWS_ACCESS_KEY_ID and
    # AWS_SECRET_ACCESS_KEY.
    FILE_STORAGE = os.environ.get("FILE_STORAGE", "local")
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL", "")
    S3_REGION = os.environ.get("S3_REGION", "")
    MAX_UPLOAD_MB = _env_int("MAX_UPLOAD_MB", 20)  # a file
    # A creating form sent again with the same content this soon (Back, then the button again)
    # is taken as the first sending, not as a second record (tracker/web/actions.py).
    RESEND_WINDOW_MINUTES = _env_int("RESEND_WINDOW_MINUTES", 30)
    # A request, all its files together: a progress post with a phone's photos (seven of 3-4 MB
    # and a PDF fit). Larger requests are refused before they are read (MAX_CONTENT_LENGTH).
    MAX_POST_MB = _env_int("MAX_POST_MB", 60)
    # A draft of a progress post (files held for a refused post) untouched this many days is
    # abandoned: the scheduler deletes it, files and all (tracker/milestones/evidence.py).
    DRAFT_EVIDENCE_DAYS = _env_int("DRAFT_EVIDENCE_DAYS", 14)
    # The official documents' font: a TrueType file (or collection, by index) of the system's
    # packages with Chinese glyphs; Debian's fonts-wqy-microhei by default (`make fonts`).
    DOCUMENT_FONT = os.environ.get("DOCUMENT_FONT",
                                   "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
    DOCUMENT_FONT_INDEX = _env_int("DOCUMENT_FONT_INDEX", 0)

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = _env_int("MAIL_PORT", 25)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
    MAIL_FROM = os.environ.get("MAIL_FROM", "tracker@localhost")
    # How long a sender's claim on a batch lasts: after it, the messages of a sender that died
    # are sent by the next run (tracker/reminders/delivery.py).
    MAIL_SENDING_TIMEOUT_SECONDS = _env_int("MAIL_SENDING_TIMEOUT_SECONDS", 600)
    # The only hosts a WeCom or DingTalk robot's webhook may name (tracker/notifications/
    # webhooks.py): users type these addresses, and the server must not post anywhere else.
    WEBHOOK_HOSTS = _env_list("WEBHOOK_HOSTS") or ["qyapi.weixin.qq.com", "oapi.dingtalk.com"]
    # WeCom application messages (企业微信应用消息, tracker/notifications/wecom_app.py): the
    # organisation's WeCom, the tracker's application in it and that application's secret.
    # Unset: the channel is not offered. WECOM_API_URL is WeCom's server (set by the operator,
    # never by a user; a test points it at 127.0.0.1).
    WECOM_CORP_ID = os.environ.get("WECOM_CORP_ID", "")
    WECOM_AGENT_ID = os.environ.get("WECOM_AGENT_ID", "")
    WECOM_SECRET = os.environ.get("WECOM_SECRET", "")
    WECOM_API_URL = os.environ.get("WECOM_API_URL", "https://qyapi.weixin.qq.com")

    SCHEDULER_INTERVAL_MINUTES = _env_int("SCHEDULER_INTERVAL_MINUTES", 15)
    # PostgreSQL: a scheduler silent this long (hung, frozen, cut off) loses the lead, and a
    # standby takes over within about a third more (tracker/reminders/scheduler.py).
    SCHEDULER_LEASE_SECONDS = _env_int("SCHEDULER_LEASE_SECONDS", 30)
    # How often the scheduler looks for imports uploaded through the web.
    IMPORT_POLL_SECONDS = _env_int("IMPORT_POLL_SECONDS", 5)

    PAGE_SIZE = 25

    # Log lines on standard output: `json` (one object a line) or `text` (tracker/logs.py).
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
    # Who may read /metrics: a bearer token, or client addresses and networks (after PROXY_COUNT);
    # neither set: /metrics answers 404.
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
    METRICS_ALLOWED_IPS = _env_list("METRICS_ALLOWED_IPS")
    # While the database is down, pages answer 503 and ask to come back after this long.
    RETRY_AFTER_SECONDS = _env_int("RETRY_AFTER_SECONDS", 30)

    @classmethod
    def check(cls) -> None:
        """Refuse to start with a configuration that can't work."""


class DevelopmentConfig(Config):
    DEBUG = True


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret"
    DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    MAIL_SERVER = ""
    # The cheapest Argon2id the library allows: tests log in thousands of times, and what they
    # check (a hash is Argon2id, verifies, is redone when the cost changes) does not depend on it.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_KIB = 8
    ARGON2_PARALLELISM = 1


class ProductionConfig(Config):
    ARGON2_MIN_MEMORY_KIB = 19 * 1024  # OWASP's minimum for Argon2id
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    DATABASE_URL = os.environ.get("DATABASE_URL", "")
    BASE_URL = os.environ.get("BASE_URL", "")
    TRUSTED_HOSTS = _env_list("TRUSTED_HOSTS") or (
        [urlsplit(BASE_URL).hostname] if urlsplit(BASE_URL).hostname else None
    )
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", True)

    @classmethod
    def check(cls) -> None:
        # Memory would count sign-in attempts per worker process: no limit across workers.
        required = ("SECRET_KEY", "DATABASE_URL", "BASE_URL", "RATELIMIT_STORAGE_URI",
                    "ENCRYPTION_KEYS")
        missing = [name for name in required if not os.environ.get(name)]
        if missing:
            raise RuntimeError(
                "Production configuration needs these environment variables: " + ", ".join(missing)
            )
        if cls.ARGON2_MEMORY_KIB < cls.ARGON2_MIN_MEMORY_KIB:
            raise RuntimeError(
                f"ARGON2_MEMORY_KIB={cls.ARGON2_MEMORY_KIB} is below the "
                f"{cls.ARGON2_MIN_MEMORY_KIB} KiB that makes Argon2id hard to brute-force"
            )
        problems = []
        key = os.environ["SECRET_KEY"]
        if key == DEV_SECRET_KEY or len(key.encode()) < MIN_SECRET_KEY_BYTES:
            problems.append(
                f"SECRET_KEY must be at least {MIN_SECRET_KEY_BYTES} random bytes and not the "
                'development default (python -c "import secrets; print(secrets.token_hex(32))")'
            )
        if not all(_is_fernet_key(key) for key in _env_list("ENCRYPTION_KEYS") or ()):
            problems.append("ENCRYPTION_KEYS must list Fernet keys, newest first, separated by "
                            "commas (flask keys new)")
        base = urlsplit(os.environ["BASE_URL"])
        if base.scheme not in {"http", "https"} or not base.hostname:
            problems.append("BASE_URL must be an absolute http(s) address such as "
                            "https://tracker.example.org")
        problems += _sso_problems()
        if problems:
            raise RuntimeError("Production configuration refused: " + "; ".join(problems))


def _sso_problems() -> list[str]:
    """Single sign-on settings that can't be meant: an unknown choice, or a password or an
    identity crossing the network in clear."""
    problems = []
    if os.environ.get("SSO_MATCH_BY", "email") not in {"email", "staff_number"}:
        problems.append("SSO_MATCH_BY must be email or staff_number")
    if os.environ.get("SSO_UNKNOWN_USERS", "refuse") not in {"create", "refuse"}:
        problems.append("SSO_UNKNOWN_USERS must be create or refuse")
    for name in ("OIDC_ISSUER", "CAS_SERVER_URL", "SMS_HTTP_URL"):
        if os.environ.get(name) and not os.environ[name].startswith("https://"):
            problems.append(f"{name} must be an https:// address")
    if os.environ.get("LDAP_URL", "").startswith("ldap://") and not _env_bool(
            "LDAP_START_TLS", False):
        problems.append("LDAP_URL must be ldaps:// or use LDAP_START_TLS: passwords cross it")
    return problems


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def require_explicit_config() -> None:
    """Called by the WSGI entry: a server such as gunicorn must be told which settings to
    run, so that a forgotten variable never serves production with development settings."""
    if "gunicorn" in sys.modules and not os.environ.get("TRACKER_CONFIG"):
        raise RuntimeError("TRACKER_CONFIG is not set: refusing to serve. Set it to "
                           "'production' (or 'development' on a workstation).")


def config_for(name: str | None = None) -> type[Config]:
    name = name or os.environ.get("TRACKER_CONFIG", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(
            f"TRACKER_CONFIG={name!r} is not one of {', '.join(CONFIGS)}"
        ) from None

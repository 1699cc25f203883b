"""Settings shared by every environment, read through one django-environ ``env``.

Defaults here are safe for development only; production.py insists on real values.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("PORTAL_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(str(BASE_DIR / ".env"))

DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
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
    "django_celery_beat",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "audit",
    "accounts",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "packages",
    "sla",
    "tickets",
    "api",
    "webhooks",
    "mailin",
    "oncall",
    "statements",
    "search",
    "rollups",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Refuses a body over PORTAL_REQUEST_MAX_BYTES before anything reads it.
    "portal.hardening.RequestSizeLimitMiddleware",
    "csp.middleware.CSPMiddleware",
    "portal.hardening.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionIdleMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "audit.context.AuditContextMiddleware",
    "portal.middleware.ViewerTimezoneMiddleware",
    "portal.middleware.ContactLanguageMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.roles",
                "oncall.context_processors.unread_events",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web process, the worker and beat share one file. Every transaction takes the write
    # lock when it begins (BEGIN IMMEDIATE), so a writer waits up to `timeout` seconds for its
    # turn; a deferred one that reads first and then writes fails at once with "database is
    # locked", whatever the timeout. WAL lets readers go on while one writes. Options from
    # DATABASE_URL's query string win.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        **DATABASES["default"].get("OPTIONS", {}),
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    # A connection kept across requests is checked before a request uses it: after a database
    # restart the first request of each worker reconnects instead of failing with a 500.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # The portal's queries are short and index-driven. No JIT compilation: a search's per-row
    # text tests cost enough on paper for PostgreSQL to spend 300 ms compiling a query that
    # runs in 1 ms. No parallel workers: starting them costs more (5-10 ms) than the searches
    # and pages they would share, and the planner reaches for them on branches never executed.
    DATABASES["default"]["OPTIONS"] = {
        "options": "-c jit=off -c max_parallel_workers_per_gather=0",
        **DATABASES["default"].get("OPTIONS", {}),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Accounts and security (SPEC "Accounts and security"; README's configuration table).
# Axes' backend first: it refuses any attempt while the account or the address is locked out.
AUTHENTICATION_BACKENDS = [
    "accounts.backends.LockoutBackend",
    "accounts.backends.PortalBackend",
]
PORTAL_TRUSTED_PROXIES = env.int("PORTAL_TRUSTED_PROXIES", default=0)
AXES_FAILURE_LIMIT = env.int("PORTAL_LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("PORTAL_LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # per account, and per address
AXES_USERNAME_CALLABLE = "accounts.axes.username_of"
AXES_CLIENT_IP_CALLABLE = "portal.client_ip.axes_client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.views.auth.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_SENSITIVE_PARAMETERS = ["password"]
AXES_VERBOSE = False
PORTAL_MAILS_PER_ADDRESS_HOUR = env.int("PORTAL_MAILS_PER_ADDRESS_HOUR", default=3)
PORTAL_RESETS_PER_CLIENT_HOUR = env.int("PORTAL_RESETS_PER_CLIENT_HOUR", default=10)
PORTAL_INVITATIONS_PER_CUSTOMER_HOUR = env.int(
    "PORTAL_INVITATIONS_PER_CUSTOMER_HOUR", default=10
)
PORTAL_INVITATION_DAYS = env.int("PORTAL_INVITATION_DAYS", default=7)
# Sessions end after this long without a request (the cookie's and the row's age too).
PORTAL_SESSION_IDLE_MINUTES = env.int("PORTAL_SESSION_IDLE_MINUTES", default=8 * 60)
SESSION_COOKIE_AGE = PORTAL_SESSION_IDLE_MINUTES * 60
OTP_TOTP_ISSUER = env.str("PORTAL_TOTP_ISSUER", default="Support portal")
# The mail limits and the API's rate limits count here: Redis in production with several
# web processes, e.g. redis://redis.internal:6379/1.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# A form refused for a missing or stale CSRF token gets the portal's page, not Django's.
CSRF_FAILURE_VIEW = "portal.errors.csrf_failure"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# i18n: English and Ukrainian; store UTC, show each viewer their own zone.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("uk", _("Ukrainian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date and time format per language, on every page (portal/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["portal.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"
PORTAL_STAFF_TIME_ZONE = env.str("PORTAL_STAFF_TIME_ZONE", default="Europe/Kyiv")
# The zone new rota shifts are written in (the incident calendar's fixed offset by default).
PORTAL_ROTA_TIME_ZONE = env.str("PORTAL_ROTA_TIME_ZONE", default="+03:00")

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Attachments live under MEDIA_ROOT but are never served from a public URL:
# a view checks access and streams them.
MEDIA_ROOT = Path(env.str("PORTAL_MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-served/"
PORTAL_ATTACHMENT_MAX_BYTES = env.int("PORTAL_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
PORTAL_ATTACHMENT_EXTENSIONS = env.list(
    "PORTAL_ATTACHMENT_EXTENSIONS",
    default=["txt", "log", "pdf", "png", "jpg", "jpeg", "gif", "csv", "json", "xml", "zip", "gz",
             "docx", "xlsx", "odt", "ods", "wav", "mp3"],
)
# A request body larger than this is refused with 413 before it is read: the attachment limit
# plus room for the form's other fields.
PORTAL_REQUEST_MAX_BYTES = env.int(
    "PORTAL_REQUEST_MAX_BYTES", default=PORTAL_ATTACHMENT_MAX_BYTES + 256 * 1024
)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # larger uploads go to a temporary file
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024  # form fields other than files
DATA_UPLOAD_MAX_NUMBER_FILES = 20

# HTTP hardening: no inline script anywhere (static/js only); style attributes are allowed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
PORTAL_PERMISSIONS_POLICY = env.str(
    "PORTAL_PERMISSIONS_POLICY",
    default="camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "accelerometer=(), gyroscope=(), magnetometer=(), browsing-topics=()",
)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="support@portal.localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where answers to the portal's mail go (Reply-To): the support mailbox the portal reads.
SUPPORT_EMAIL = env.str("SUPPORT_EMAIL", default=DEFAULT_FROM_EMAIL)
# Seconds an SMTP connection may hang before the attempt fails and is retried later.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)

# Inbound mail (mailin): the mailbox beat polls (imaps://user:password@host/INBOX; empty: no
# polling, `mail_ingest` still reads files), the folder handled mail moves to (empty: it is
# only marked seen), the largest message taken whole, the component a mail ticket gets until
# an engineer sets it at triage (a component code; empty: the first active base function).
MAIL_IN_URL = env.str("MAIL_IN_URL", default="")
MAIL_IN_DONE_FOLDER = env.str("MAIL_IN_DONE_FOLDER", default="Processed")
MAIL_IN_MAX_BYTES = env.int("MAIL_IN_MAX_BYTES", default=30 * 1024 * 1024)
MAIL_IN_COMPONENT = env.str("MAIL_IN_COMPONENT", default="")
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

# Product rules that operations may tune.
PORTAL_REOPEN_DAYS = env.int("PORTAL_REOPEN_DAYS", default=14)

# Celery: an embedded filesystem broker by default, Redis when CELERY_BROKER_URL says so.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_DIR = VAR_DIR / "celery"
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
        "polling_interval": 0.1,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"

# The REST API (api/): personal tokens, JSON errors, a rate limit per token.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.PersonalTokenAuthentication",  # first: its 401 carries the challenge
        "api.authentication.PortalSessionAuthentication",  # the docs page, with CSRF
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerTokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "api.schema.PortalAutoSchema",
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Support portal API",
    "DESCRIPTION": (
        "Tickets, their SLA state, the engineers' queue, the managers' dashboard and quota "
        "use. Authenticate with a personal token: `Authorization: Bearer <token>`."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "TicketStatusEnum": "tickets.models.ticket.TicketStatus",
        "TicketTypeEnum": "sla.models.TicketType",
        "PriorityEnum": "sla.models.Priority",
        "WithdrawReasonEnum": "tickets.models.ticket.WithdrawReason",
        "DueKindEnum": "api.serializers.tickets.DUE_KINDS",
    },
}
# Requests a token (or a signed-in user) may make, e.g. "120/minute" or "5000/hour".
PORTAL_API_RATE = env.str("PORTAL_API_RATE", default="120/minute")

# Outgoing web hooks (webhooks/): https only, except loopback addresses when this says so.
PORTAL_WEBHOOK_ALLOW_LOCALHOST = env.bool("PORTAL_WEBHOOK_ALLOW_LOCALHOST", default=False)
PORTAL_WEBHOOK_TIMEOUT = env.float("PORTAL_WEBHOOK_TIMEOUT", default=10.0)
PORTAL_WEBHOOK_RETRY_HOURS = env.int("PORTAL_WEBHOOK_RETRY_HOURS", default=24)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

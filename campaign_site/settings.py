"""Settings, read from the environment.

Two profiles:
- embedded (default): SQLite under var/, filesystem Celery broker under var/, e-mail written to
  var/mail; nothing external is needed (`make run`).
- production (DJANGO_PROFILE=production): SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL must be set;
  secure cookies and HSTS; passes `manage.py check --deploy`.
DATABASE_URL and REDIS_URL switch the database and the broker/cache in either profile.
"""
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.management.utils import get_random_secret_key
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

PROFILE = env("DJANGO_PROFILE", default="embedded")
PRODUCTION = PROFILE == "production"
VAR_DIR = Path(env("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)


def _embedded_secret_key() -> str:
    """A per-installation key kept under var/, created on first start."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(get_random_secret_key())
        path.chmod(0o600)
    return path.read_text().strip()


if PRODUCTION:
    SECRET_KEY = env("SECRET_KEY")
    DEBUG = env.bool("DEBUG", default=False)
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
else:
    SECRET_KEY = env("SECRET_KEY", default=None) or _embedded_secret_key()
    DEBUG = env.bool("DEBUG", default=False)
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

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
    "django_filters",
    "django_tables2",
    "import_export",
    "simple_history",
    "django_celery_beat",
    "axes",
    "campaign_site.accounts",
    "campaign_site.generic",
    "campaign_site.notifications",
    "campaign_site.campaigns",
    "hazards",
    "chemicals",
    "schoolbus",
    "reports",
]

MIDDLEWARE = [
    "campaign_site.generic.stack.StackReserveMiddleware",  # first: see its docstring (CPython 3.11 frame stack)
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "campaign_site.accounts.middleware.UserLanguageMiddleware",
    "campaign_site.accounts.middleware.CurrentMembershipMiddleware",
    "campaign_site.generic.limits.RequestSizeLimitMiddleware",  # before anything reads the body (CSRF does)
    "django.contrib.messages.middleware.MessageMiddleware",
    "campaign_site.accounts.sessions.SessionTimeoutMiddleware",
    "campaign_site.accounts.passwords.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "campaign_site.generic.middleware.AuditDeniedMiddleware",
    "campaign_site.generic.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "campaign_site.urls"
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
                "campaign_site.accounts.context_processors.navigation",
            ],
        },
    },
]
WSGI_APPLICATION = "campaign_site.wsgi.application"

# Database: SQLite under var/ by default. The web server, the worker and beat share the file,
# so WAL mode, a busy timeout and IMMEDIATE transactions keep "database is locked" away.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Django's backend with psycopg's C parser for timestamps (generic/postgresql/base.py).
        DATABASES["default"]["ENGINE"] = "campaign_site.generic.postgresql"
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Every password a person chooses: at least 10 characters, three character classes, not the user
# name, not a common password.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
     "OPTIONS": {"user_attributes": ("username", "full_name", "email", "phone")}},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "campaign_site.accounts.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "campaign_site.accounts.passwords.UsernameInPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked account or address before checking the password
    "django.contrib.auth.backends.ModelBackend",
]
# Login lock-out (django-axes): after LOGIN_FAILURE_LIMIT failed logins for one account, or
# LOGIN_ADDRESS_FAILURE_LIMIT from one client address (a school may share one address), logging in
# is refused for LOGIN_LOCKOUT_MINUTES, even with the right password. Bureau staff can unlock a user.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=30)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "campaign_site.accounts.security.LoginLockHandler"
AXES_LOCKOUT_CALLABLE = "campaign_site.accounts.security.lockout_response"
AXES_USERNAME_CALLABLE = "campaign_site.accounts.security.login_username"
AXES_CLIENT_IP_CALLABLE = "campaign_site.generic.net.ratelimit_ip"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Language and time: Simplified Chinese by default, English switchable per user.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Front-end packages come from npm (package-lock.json pins them) and are served locally.
STATICFILES_DIRS = [BASE_DIR / "static"] + [
    (prefix, BASE_DIR / "node_modules" / path)
    for prefix, path in [
        ("vendor/bootstrap", "bootstrap/dist"),
        ("vendor/bootstrap-icons", "bootstrap-icons/font"),
        ("vendor/htmx", "htmx.org/dist"),
        ("vendor/echarts", "echarts/dist"),
    ]
    if (BASE_DIR / "node_modules" / path).exists()
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# The embedded run serves static files straight from the finders (no collectstatic step).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"  # never served directly: attachments go through a scoped view
# Request bodies: files above FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary file; the rest of a
# form (its text fields) may not exceed DATA_UPLOAD_MAX_MEMORY_SIZE. Whole bodies are capped
# before they are read (generic/limits.py): per view (one file + the form around it for a tip,
# an attachment or an import), else REQUEST_MAX_BYTES signed in and ANONYMOUS_REQUEST_MAX_BYTES
# for anyone else. The reverse proxy's client_max_body_size should equal REQUEST_MAX_BYTES.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 50
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
# Confirmed imports of more rows than this run as a Celery task with a progress page (generic/importing.py).
IMPORT_BACKGROUND_ROWS = env.int("IMPORT_BACKGROUND_ROWS", default=300)
# A built statistics workbook is kept this many days after it was built, then its file is removed
# (the job page says so and offers to build it again): nightly task "purge statistics workbooks".
WORKBOOK_KEEP_DAYS = env.int("WORKBOOK_KEEP_DAYS", default=7)
# The day of the month a monthly report is due when the campaign sets none (its monthly-report deadline).
REPORT_DUE_DAY = env.int("REPORT_DUE_DAY", default=25)
# Hours after the later of the first issue and the time of use by which a requisition's leftovers are
# returned or booked as consumed (half a day), and how long before that the reminder goes out.
CHEMICAL_LEFTOVER_HOURS = env.int("CHEMICAL_LEFTOVER_HOURS", default=12)
CHEMICAL_LEFTOVER_REMINDER_HOURS = env.int("CHEMICAL_LEFTOVER_REMINDER_HOURS", default=2)
# Stock counts (盘点): every cabinet holding stock is counted every CHEMICAL_COUNT_INTERVAL_DAYS (half a
# month: 15) after its last completed count (a cabinet never counted: after its oldest container in stock
# was received). Custodians are reminded CHEMICAL_COUNT_REMINDER_DAYS before that day; a count still not
# done CHEMICAL_COUNT_GRACE_DAYS after it is overdue (a hazard, once).
CHEMICAL_COUNT_INTERVAL_DAYS = env.int("CHEMICAL_COUNT_INTERVAL_DAYS", default=15)
CHEMICAL_COUNT_REMINDER_DAYS = env.int("CHEMICAL_COUNT_REMINDER_DAYS", default=3)
CHEMICAL_COUNT_GRACE_DAYS = env.int("CHEMICAL_COUNT_GRACE_DAYS", default=3)
REQUEST_MAX_BYTES = env.int("REQUEST_MAX_BYTES", default=50 * 1024 * 1024)
ANONYMOUS_REQUEST_MAX_BYTES = env.int("ANONYMOUS_REQUEST_MAX_BYTES", default=1024 * 1024)

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # A file cache is shared by every process of the embedded run (rate limits need that).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Celery
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
else:
    _broker_dir = VAR_DIR / "celery"
    for _sub in ("in", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://localhost/"  # the host is ignored; naming it silences a warning
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "in"),
        "data_folder_out": str(_broker_dir / "in"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True

# E-mail: SMTP from EMAIL_URL in production; written to var/mail otherwise.
if env("EMAIL_URL", default=""):
    vars().update(env.email("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="校园安全隐患管理系统 <noreply@localhost>")
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "generic/table.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
RATELIMIT_USE_CACHE = "default"

# Reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated), e.g.
# TRUSTED_PROXIES=127.0.0.1,10.0.0.0/8. Empty: the connecting address is the client. Rate limits,
# the login lock-out and the audit log all take the client address from generic/net.py.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
RATELIMIT_IP_META_KEY = "campaign_site.generic.net.ratelimit_ip"

# Security audit log: records are kept this many days (never fewer than 183), then pruned nightly.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=365)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Content-Security-Policy on every page: scripts, styles, fonts and images from this site only; no
# inline script, no inline style attribute (behaviour lives in static/js, looks in static/css).
# Attachment downloads set their own stricter policy, which the middleware leaves alone.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Only features browsers recognise: Chromium logs "Unrecognized feature" on every page for others
# (bluetooth, for one: Web Bluetooth has no policy-controlled feature there).
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=()"
# Sessions: idle time-out by role and an absolute limit after login (accounts/sessions.py).
SESSION_IDLE_MINUTES_BUREAU = env.int("SESSION_IDLE_MINUTES_BUREAU", default=30)
SESSION_IDLE_MINUTES_SCHOOL = env.int("SESSION_IDLE_MINUTES_SCHOOL", default=60)
SESSION_ABSOLUTE_HOURS = env.float("SESSION_ABSOLUTE_HOURS", default=12)
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_HOURS * 3600)
APP_NAME = _("Campus Hazard Management System")
APP_SHORT_NAME = _("Campus Safety")

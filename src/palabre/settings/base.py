"""Palabre settings. Operator-facing values come from ``env.ENV``, read once."""

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from .env import ENV

PACKAGE_DIR = Path(__file__).resolve().parents[1]

DEBUG = ENV.debug
SECRET_KEY = ENV.secret_key
ALLOWED_HOSTS = ENV.allowed_hosts
CSRF_TRUSTED_ORIGINS = ENV.csrf_trusted_origins
SITE_URL = ENV.site_url
PAGE_CACHE_SECONDS = ENV.page_cache_seconds
# Map tiles ("https://tile.example.org/{z}/{x}/{y}.png"); empty: maps show pins without tiles.
MAP_TILE_URL = ENV.map_tile_url
MAP_TILE_ATTRIBUTION = ENV.map_tile_attribution
# The benchmark's baseline view at /__trivial__ (bench/ sets it); never served otherwise.
BENCHMARK_TRIVIAL_VIEW = ENV.benchmark_trivial_view

INSTALLED_APPS = [
    "palabre.core",
    "palabre.backoffice",
    "palabre.participation",
    "palabre.components.presentation",
    "palabre.components.consultation",
    "palabre.components.collect",
    "palabre.components.selection",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    # /healthz, answered before anything that could wait on the database (core/health.py).
    "palabre.core.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A cookie holding a NUL character is ignored (core/params.py).
    "palabre.core.params.NulCookieMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "palabre.core.middleware.OrganisationLocaleMiddleware",
    # A NUL character in the address is a 400, said in the visitor's language (core/params.py).
    "palabre.core.params.NulRefusalMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "palabre.core.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "palabre.urls"
WSGI_APPLICATION = "palabre.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "palabre.core.context_processors.organisation",
            ],
        },
    },
]

DATABASES = {"default": dj_database_url.parse(ENV.database_url, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    # No health check (a "SELECT 1" round trip before each request's first query): after a
    # database restart, each thread's first request fails once and its connection is replaced.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    # A database that does not answer makes requests fail after these seconds instead of
    # holding a server thread each until it comes back (values given in DATABASE_URL win).
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    if ENV.database_connect_timeout:
        _options.setdefault("connect_timeout", max(2, round(ENV.database_connect_timeout)))
    if ENV.database_statement_timeout and "statement_timeout" not in _options.get("options", ""):
        _timeout = f"-c statement_timeout={round(ENV.database_statement_timeout * 1000)}"
        _options["options"] = f"{_options.get('options', '')} {_timeout}".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Two caches.
# - "default" is shared by every process: rate limits (allauth's sign-up and login limits,
#   Palabre's vote limit) count the requests of all processes, so a limit holds however many
#   processes serve (`make demo` runs two; a per-process cache let 13 of 14 sign-ups through a
#   limit of 10). Redis with REDIS_URL, else a table of the database, created by every
#   ``migrate`` (core/cache.py): a few queries per sign-up, login or vote.
# - "pages" keeps what every request reads and any process can rebuild: whole pages, the
#   organisation, themes and districts, figures (core/pagecache.py, core/selectors.py). In Redis
#   when there is one (a change is seen by every process at once); else in each process's
#   memory, as a database query would cost what the cache saves (another process may then show
#   a page up to PAGE_CACHE_SECONDS old).
# Seconds a command to Redis may wait (connecting, or for an answer).
REDIS_TIMEOUT = 2
if ENV.redis_url:
    _redis = {
        "BACKEND": "palabre.core.cache.RedisCache",
        "LOCATION": ENV.redis_url,
        "KEY_PREFIX": "palabre",
        # A Redis that does not answer fails the request after seconds instead of holding a
        # server thread (redis-py's defaults, 5 s today, are not Palabre's to rely on).
        "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
    }
    CACHES = {"default": _redis, "pages": dict(_redis)}
    # Sessions stay in the database and are read from the shared cache (a logged-in request
    # then costs no session query). Never with a per-process cache: a session ended in one
    # process would live on in another's copy.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "palabre_cache",
            # Rate-limit counters (one per participant or address and period, each living a
            # minute or an hour): expired rows go first when the table is full; live ones are
            # culled (and their limits reset) only beyond this many, i.e. tens of thousands
            # of people acting within the hour: a site that busy runs with Redis.
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        },
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
    }

# Votes a participant may cast (or take back) per period, every process together:
# (amount, seconds), or None for no limit. VOTE_RATE_LIMIT: "60/m" (the default), "0": off.
VOTE_RATE_LIMIT = ENV.vote_rate_limit

# Background work (django-tasks): queued in the database, run by ``manage.py db_worker``.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "palabre.core.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "palabre.core.forms.SignupExtraForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_USERNAME_MIN_LENGTH = 3
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "palabre.core.adapters.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_RATE_LIMITS = {
    # Per-account lockout is django-axes' job (clear message, admin unlock);
    # allauth keeps an IP-wide brake on failed logins.
    "login_failed": "30/m/ip",
    "login": "30/m/ip",
    "signup": "10/m/ip",
    "reset_password": "10/m/ip,3/m/key",
}

# django-axes: lock an account after repeated failures, whatever the IP.
AXES_FAILURE_LIMIT = 6
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_CALLABLE = "palabre.core.auth.axes_username"
AXES_LOCKOUT_CALLABLE = "palabre.core.auth.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_IPWARE_PROXY_COUNT = 1 if ENV.behind_proxy else 0

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = ENV.static_root
# Files whitenoise serves at the site's root, where browsers look for them (/favicon.ico).
WHITENOISE_ROOT = PACKAGE_DIR / "public"
MEDIA_URL = "/media/"
MEDIA_ROOT = ENV.media_root
SERVE_MEDIA = ENV.serve_media
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 5_242_880

locals().update(ENV.email)
DEFAULT_FROM_EMAIL = ENV.default_from_email
SERVER_EMAIL = ENV.default_from_email

# Security headers. Nothing is loaded from a third-party host; no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *ENV.map_tile_origins],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
if not DEBUG:
    SECURE_SSL_REDIRECT = ENV.secure_ssl_redirect
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = False
    SESSION_COOKIE_SECURE = ENV.secure_ssl_redirect
    CSRF_COOKIE_SECURE = ENV.secure_ssl_redirect
    LANGUAGE_COOKIE_SECURE = ENV.secure_ssl_redirect
if ENV.behind_proxy:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is an operator's decision, made with the domain owner.
    "security.W021",
    # Accounts are locked per account on purpose (shared IPs: libraries, town halls);
    # allauth rate-limits failed logins per IP.
    "axes.W006",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"axes": {"level": "WARNING"}},
}

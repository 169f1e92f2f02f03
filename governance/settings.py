"""The one settings file. Every deployment difference comes from the environment (governance.env)."""

import datetime
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from governance.env import (
    all_or_none,
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_optional_url,
    env_str,
    env_url,
    github_settings_check,
    redis_url_with_next_database,
    same_redis_database,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is false.")
    SECRET_KEY = "insecure-development-key-only-for-debug"

SITE_URL = env_url("SITE_URL", "http://127.0.0.1:8000", schemes=("http", "https"))
SITE_NAME = env_str("SITE_NAME", "Maintainer governance")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = [SITE_URL]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.github",
    "governance",
    "nominations",
    "meetings",
    "accounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "governance.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before everything an anonymous reader's cached page does not need (governance.public_cache).
    "governance.public_cache.PublicPageCacheMiddleware",
    # Compresses what the cache above stores, once, and nothing else (governance.public_cache).
    "governance.public_cache.PublicPageGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Kept for what expects it (the admin's checks); the next one replaces its `request.user`.
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # django-otp's OTPMiddleware, and the user, in one query (see its docstring).
    "governance.middleware.SignedInUserMiddleware",
    "governance.middleware.PrivateWhenSignedInMiddleware",
    "governance.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Inside the ones above, so that its 503 page gets their headers (governance.middleware).
    "governance.middleware.ChangeNotRecordedMiddleware",
    # Last, as django-axes asks: it turns a sign-in that tripped the lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "governance.urls"
WSGI_APPLICATION = "governance.wsgi.application"

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
                "governance.context_processors.site",
            ],
        },
    },
]

# Django's form renderer with its field templates written in Python (governance/form_renderer.py).
FORM_RENDERER = "governance.form_renderer.FormRenderer"

DATABASES = {"default": database_from_url("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    env_url("REDIS_URL", REDIS_URL, schemes=("redis", "rediss"))
# The cache must not share a Redis database with the broker: anonymous readers fill the cache, and
# a broker that runs out of memory queues no task. By default the next database on the same
# server; in production its own server, with a memory limit and LRU eviction (docker-compose.yml).
CACHE_REDIS_URL = env_str("CACHE_REDIS_URL") or (
    redis_url_with_next_database("REDIS_URL", REDIS_URL) if REDIS_URL else ""
)
if CACHE_REDIS_URL:
    env_url("CACHE_REDIS_URL", CACHE_REDIS_URL, schemes=("redis", "rediss"))
    if REDIS_URL and same_redis_database(CACHE_REDIS_URL, REDIS_URL):
        raise ImproperlyConfigured(
            "CACHE_REDIS_URL names the broker's Redis database (REDIS_URL); give the cache its "
            "own database or server."
        )
    CACHES = {
        "default": {
            "BACKEND": "governance.cache.RedisCache",
            "LOCATION": CACHE_REDIS_URL,
            "KEY_PREFIX": "governance",
            # A slow cache must cost a request little more than a miss does.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Password sign-in (the form, the admin's, re-authentication) stays for staff and the demo; a
# deployment that signs everyone in with GitHub turns it off.
PASSWORD_SIGN_IN = env_bool("PASSWORD_SIGN_IN", True)
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out client is refused before any password is checked.
    "governance.auth_backends.SignInRateLimitBackend",
    *(["django.contrib.auth.backends.ModelBackend"] if PASSWORD_SIGN_IN else []),
    # Signs in the account a GitHub sign-in resolved to; it checks no password.
    "allauth.account.auth_backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = "AnonymousUser"
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3

# Failed sign-ins (passwords, and two-factor codes after a right password) lock that username
# from that address for a cool-off; a success clears the count.
AXES_FAILURE_LIMIT = env_int("SIGNIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("SIGNIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_USERNAME_CALLABLE = "governance.auth_backends.attempted_username"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password", "code", "csrfmiddlewaretoken"]
# Behind a reverse proxy every client shares its address; name how many proxies append to
# X-Forwarded-For so the lockout sees the client's own address.
SIGNIN_TRUSTED_PROXY_COUNT = env_int("SIGNIN_TRUSTED_PROXY_COUNT", 0)
if SIGNIN_TRUSTED_PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = SIGNIN_TRUSTED_PROXY_COUNT
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

# Sign-in with GitHub (django-allauth's GitHub provider), on when an OAuth app is configured.
# GITHUB_URL names a GitHub Enterprise server (and the tests' fake GitHub).
GITHUB_CLIENT_ID = env_str("GITHUB_CLIENT_ID")
GITHUB_CLIENT_SECRET = env_str("GITHUB_CLIENT_SECRET")
if bool(GITHUB_CLIENT_ID) != bool(GITHUB_CLIENT_SECRET):
    raise ImproperlyConfigured("Set both GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET, or neither.")
GITHUB_URL = env_url("GITHUB_URL", "https://github.com", schemes=("https", "http"))
SOCIALACCOUNT_PROVIDERS = {
    "github": {
        # The least that gives the handle, the numeric id and the verified email addresses.
        "SCOPE": ["read:user", "user:email"],
        "APPS": [{"client_id": GITHUB_CLIENT_ID, "secret": GITHUB_CLIENT_SECRET, "key": ""}]
        if GITHUB_CLIENT_ID
        else [],
        **({"GITHUB_URL": GITHUB_URL} if GITHUB_URL != "https://github.com" else {}),
    }
}
SOCIALACCOUNT_ADAPTER = "accounts.adapter.GitHubSignInAdapter"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_QUERY_EMAIL = True
SOCIALACCOUNT_STORE_TOKENS = False
# The sign-in starts with a POST (CSRF-protected), never a GET another site could embed.
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_EMAIL_VERIFICATION = "none"
# Only the GitHub sign-in signs anyone up; an email shared with another account never merges
# the two (GitHub's verified address still is no proof of owning an account here).
ACCOUNT_UNIQUE_EMAIL = False
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*"]
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False

# Two-factor sign-in (TOTP, with single-use recovery codes). A wrong code doubles the wait
# before the next one is checked: 1, 2, 4, 8 ... seconds.
OTP_TOTP_ISSUER = SITE_NAME
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
# The site speaks English only: no page is translated and no request chooses a language. With
# the translation machinery off, each gettext is the text itself, and a request makes about 5%
# fewer function calls. Dates and numbers keep English's formats
# (tests/governance/test_english_formats.py).
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL are exclusive; set one.")
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "governance@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Who is mailed the report of a server error (a comma-separated list of addresses).
ADMINS = [("Operators", address) for address in env_list("ADMINS", [])]

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Scripts and styles come from our own static files only; no page, the admin included (Django
# 5.2's admin has neither inline scripts nor style attributes), needs 'unsafe-inline'.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        # The GitHub button posts here, and the answer redirects to GitHub's authorize page:
        # browsers hold a form's redirects to form-action too.
        f"form-action 'self' {GITHUB_URL}" if GITHUB_CLIENT_ID else "form-action 'self'",
    ]
)
# Error reports (the admins' email, logs) never carry private text: see governance.error_reports.
DEFAULT_EXCEPTION_REPORTER_FILTER = "governance.error_reports.PrivateTextReporterFilter"
SESSION_COOKIE_HTTPONLY = True
# Every signed-in request reads its session: from the cache, which holds no page content, with
# the database as the store of record (a cache miss or failure reads it there: governance.sessions).
SESSION_ENGINE = "governance.sessions"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # Preloading is a commitment an operator makes with the browsers' list, not a default.
    SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# Celery: tasks are acknowledged after they finish and requeued if the worker dies, so a
# crash never loses work; the tasks are idempotent so a redelivery never repeats an effect.
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {"visibility_timeout": 3600}
    if REDIS_URL
    else {
        "data_folder_in": str(VAR_DIR / "celery" / "queue"),
        "data_folder_out": str(VAR_DIR / "celery" / "queue"),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# GitHub (integrations.github): off until a repository is named. GITHUB_SYNC_REPOSITORY gets one
# pull request with the maintainer files after each roster change; GITHUB_ACTIVITY_REPOSITORIES
# are read daily for each maintainer's last activity. Credentials: a GitHub App installation
# (preferred) or a fine-grained token, from the environment only.
GITHUB_API_URL = env_url("GITHUB_API_URL", "https://api.github.com", schemes=("http", "https"))
GITHUB_TOKEN = env_str("GITHUB_TOKEN")
GITHUB_APP_ID = env_str("GITHUB_APP_ID")
GITHUB_APP_PRIVATE_KEY = env_str("GITHUB_APP_PRIVATE_KEY").replace("\\n", "\n")
GITHUB_APP_INSTALLATION_ID = env_int("GITHUB_APP_INSTALLATION_ID", 0)
GITHUB_TIMEOUT_SECONDS = env_int("GITHUB_TIMEOUT_SECONDS", 10, minimum=1)
GITHUB_RETRIES = env_int("GITHUB_RETRIES", 3)
GITHUB_RETRY_BACKOFF_MS = env_int("GITHUB_RETRY_BACKOFF_MS", 1000)
GITHUB_MAX_RATE_LIMIT_WAIT_SECONDS = env_int("GITHUB_MAX_RATE_LIMIT_WAIT_SECONDS", 60)
GITHUB_WRITE_SPACING_MS = env_int("GITHUB_WRITE_SPACING_MS", 1000)
GITHUB_SYNC_REPOSITORY = env_str("GITHUB_SYNC_REPOSITORY")
GITHUB_SYNC_BASE_BRANCH = env_str("GITHUB_SYNC_BASE_BRANCH", "main")
GITHUB_SYNC_BRANCH = env_str("GITHUB_SYNC_BRANCH", "governance/maintainer-files")
GITHUB_SYNC_PATHS = {
    "persons_of_interest": env_str("GITHUB_SYNC_PERSONS_OF_INTEREST_PATH"),
    "merge_rules": env_str("GITHUB_SYNC_MERGE_RULES_PATH"),
    "codeowners": env_str("GITHUB_SYNC_CODEOWNERS_PATH"),
    "owners": env_str("GITHUB_SYNC_OWNERS_PATH"),
}
GITHUB_SYNC_DEBOUNCE_SECONDS = env_int("GITHUB_SYNC_DEBOUNCE_SECONDS", 120)
GITHUB_SYNC_LEASE_SECONDS = env_int("GITHUB_SYNC_LEASE_SECONDS", 900, minimum=1)
GITHUB_ACTIVITY_REPOSITORIES = env_list("GITHUB_ACTIVITY_REPOSITORIES", [])
# How far back the first run reads; later runs read from where the last one stopped.
GITHUB_ACTIVITY_FIRST_DAYS = env_int("GITHUB_ACTIVITY_FIRST_DAYS", 365, minimum=1)
github_settings_check(
    repositories=[GITHUB_SYNC_REPOSITORY, *GITHUB_ACTIVITY_REPOSITORIES],
    has_credentials=bool(
        GITHUB_TOKEN or (GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY and GITHUB_APP_INSTALLATION_ID)
    ),
    sync_paths=GITHUB_SYNC_PATHS if GITHUB_SYNC_REPOSITORY else {},
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # urllib3 logs each request's URL at DEBUG, and a chat webhook's URL is its secret.
    "loggers": {"urllib3": {"level": "WARNING"}},
}

# Every call to an outside service (Discourse, webhooks) gives up after this many seconds of
# silence, and is retried later with backoff.
INTEGRATIONS_TIMEOUT_SECONDS = env_int("INTEGRATIONS_TIMEOUT_SECONDS", 15, minimum=1)
# Discourse (minutes and announcements become forum topics): off unless all four are set. The
# category is its numeric id. The key is read here only and never logged.
DISCOURSE_URL = env_optional_url("DISCOURSE_URL", schemes=("http", "https"))
DISCOURSE_API_KEY = env_str("DISCOURSE_API_KEY")
DISCOURSE_API_USERNAME = env_str("DISCOURSE_API_USERNAME")
DISCOURSE_CATEGORY = env_int("DISCOURSE_CATEGORY", 0, minimum=0)
all_or_none(
    {
        "DISCOURSE_URL": DISCOURSE_URL,
        "DISCOURSE_API_KEY": DISCOURSE_API_KEY,
        "DISCOURSE_API_USERNAME": DISCOURSE_API_USERNAME,
        "DISCOURSE_CATEGORY": DISCOURSE_CATEGORY,
    }
)

DEMO_PASSWORD = env_str("DEMO_PASSWORD", "demo")
REQUIRE_SERVICES = env_bool("REQUIRE_SERVICES", False)

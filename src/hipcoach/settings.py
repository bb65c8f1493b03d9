"""Django settings, from the environment (12-factor) with safe defaults.

Out of the box: SQLite in ./var, no server to install, DEBUG off. A clinic group that outgrows
one machine sets DATABASE_URL (PostgreSQL) and REDIS_URL (channel layer) and changes no code.

Environment:
  HIPCOACH_DEBUG=1             development only: tracebacks in the browser
  HIPCOACH_SECRET_KEY          required unless DEBUG; otherwise one is made in var/secret_key
  HIPCOACH_ALLOWED_HOSTS       comma-separated (default: 127.0.0.1,localhost)
  HIPCOACH_HTTPS=1             behind TLS: secure cookies, HSTS, redirect to https
  DATABASE_URL                 default sqlite:///var/hipcoach.sqlite3
  REDIS_URL                    channel layer on Redis (default: in-process)
  HIPCOACH_VAR                 where SQLite and the generated key live (default ./var)
  HIPCOACH_TASK_QUEUE          video analysis: embedded (default) | worker | celery
  CELERY_BROKER_URL            for the celery queue (default: REDIS_URL)
  HIPCOACH_REVIEW_MAX_BYTES    largest video upload (default 200 MB)
  HIPCOACH_REVIEW_MAX_SECONDS  longest video (default 600 s)
  HIPCOACH_FHIR_BASE           base URL that names this site's FHIR resources
  HIPCOACH_EMAIL_BACKEND       Django email backend (default: console)
  HIPCOACH_DEFAULT_FROM_EMAIL  sender of confirmations, reminders and invitations
  HIPCOACH_SITE_URL            public address (https://clinic.example), for links in emails
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parents[1]
VAR_DIR = Path(os.environ.get("HIPCOACH_VAR", REPO_DIR / "var"))


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _flag("HIPCOACH_DEBUG")
HTTPS = _flag("HIPCOACH_HTTPS")


def _secret_key() -> str:
    key = os.environ.get("HIPCOACH_SECRET_KEY", "")
    if key:
        return key
    # A local install needs no setup: make a key once and keep it beside the database.
    path = VAR_DIR / "secret_key"
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key, encoding="utf-8")
    path.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("HIPCOACH_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("HIPCOACH_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "hipcoach.accounts",
    "hipcoach.clinics",
    "hipcoach.practice",
    "hipcoach.checkin",
    "hipcoach.progress",
    "hipcoach.live",
    "hipcoach.web",
    "hipcoach.learn",
    "hipcoach.booking",
    "hipcoach.reports",
    "hipcoach.reviews",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "hipcoach.web.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "hipcoach.urls"
ASGI_APPLICATION = "hipcoach.asgi.application"

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
                "hipcoach.web.context.clinic",
            ],
        },
    },
]

# A connection per request (conn_max_age 0), as Django requires under ASGI: each request's sync
# code runs in its own short-lived thread, so a "persistent" connection is left behind by every
# thread and PostgreSQL runs out of connections. A busy site puts PgBouncer in front instead.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'hipcoach.sqlite3'}", conn_max_age=0
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Several workers writing a finished set at once must wait, not fail.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

REDIS_URL = os.environ.get("REDIS_URL", "")
CHANNEL_LAYERS = {
    "default": (
        {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [REDIS_URL]}}
        if REDIS_URL
        else {"BACKEND": "channels.layers.InMemoryChannelLayer"}
    )
}

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ja", _("Japanese"))]
LOCALE_PATHS = [REPO_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Tokyo"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # collectstatic fills it; WhiteNoise wants it
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# The pose models (.task, 15 MB) shrink only ~16 % and took most of collectstatic's two minutes
# to compress: serve them as they are. Fonts and media are skipped by WhiteNoise already.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (
    *Compressor.SKIP_COMPRESS_EXTENSIONS,
    "task",
)
WHITENOISE_MIMETYPES = {
    ".mjs": "text/javascript",
    ".wasm": "application/wasm",
    ".task": "application/octet-stream",
}

# Security: strict by default, relaxed only by explicit development settings.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Video never leaves the device: scripts and connections stay on this server. This also stops
# the pose library's telemetry to outside hosts. 'wasm-unsafe-eval' lets the pose model's
# WebAssembly compile; nothing else is evaluated.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob: mediastream:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
)

# Uploaded videos and their annotated copies: never served as public media, only by the
# review views, which check who may read them.
MEDIA_ROOT = VAR_DIR / "media"
HIPCOACH_TASK_QUEUE = os.environ.get("HIPCOACH_TASK_QUEUE", "embedded")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
HIPCOACH_REVIEW_MAX_BYTES = int(os.environ.get("HIPCOACH_REVIEW_MAX_BYTES", str(200 * 1024 * 1024)))
HIPCOACH_REVIEW_MAX_SECONDS = int(os.environ.get("HIPCOACH_REVIEW_MAX_SECONDS", "600"))
# Large uploads spool to a file beside the database rather than filling memory or a small /tmp.
FILE_UPLOAD_TEMP_DIR = str(VAR_DIR / "uploads")
(VAR_DIR / "uploads").mkdir(parents=True, exist_ok=True)
HIPCOACH_FHIR_BASE = os.environ.get("HIPCOACH_FHIR_BASE", "https://hipcoach.invalid/fhir")

# The live socket refuses larger messages (a frame of landmarks is about 3 KB).
LIVE_MAX_MESSAGE_BYTES = 64 * 1024

EMAIL_BACKEND = os.environ.get(
    "HIPCOACH_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("HIPCOACH_DEFAULT_FROM_EMAIL", "hipcoach@localhost")
HIPCOACH_SITE_URL = os.environ.get("HIPCOACH_SITE_URL", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("HIPCOACH_LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools narrate every step of a PDF at INFO: keep their warnings only.
    "loggers": {name: {"level": "WARNING"} for name in ("weasyprint", "fontTools")},
}

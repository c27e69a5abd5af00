"""Settings shared by every environment; everything variable comes from the environment.

With no environment set the portal runs on the embedded default: an SQLite file,
Celery tasks executed eagerly, e-mail printed to the console.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me-in-production")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "common.admin_site.PortalAdminConfig",  # Django's admin on the portal's site (common/admin_base.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_filters",
    "treebeard",
    "simple_history",
    "axes",
    "django_celery_beat",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "common",
    "orgs",
    "campaign",
    "evaluations",
    "awards",
    "masswork",
    "accountability",
    "dashboards",
    "workbench",
    "demo",
    "api",
    # Django's widget templates, found after the apps' own: common/templates/django/forms/ overrides a few
    # (FORM_RENDERER below).
    "django.forms",
]

MIDDLEWARE = [
    # First: the request id and the access line (common/logging.py) cover every other middleware's answer.
    "common.logging.AccessLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "common.middleware.RejectMalformedRequestMiddleware",
    "csp.middleware.CSPMiddleware",
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
    # AxesMiddleware must be last: it turns a lockout into the Chinese lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "orgs.context_processors.navigation",
                "campaign.context_processors.inbox",
                "awards.context_processors.navigation",
                "masswork.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections, checked before reuse: after a database restart no request fails on a dead
# connection. Development settings hold none (see dev.py).
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The member list's covering indexes (orgs.models.Member: INCLUDE columns) are PostgreSQL's; SQLite builds the
# same indexes without them, as Django says in this warning.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_USER_MODEL = "orgs.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
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

# django-axes: lock a username from one address after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Fail closed: an error of axes' store refuses the login (503 "登录服务暂不可用") and the failure is still counted
# (common/login_guard.py). The database handler keeps the counts with the accounts, across a Redis restart.
AXES_HANDLER = "common.login_guard.FailClosedDatabaseHandler"
# The client's address for django-axes, rate limits and the audit log: common.net.client_ip. Behind a reverse
# proxy set TRUSTED_PROXY_COUNT to the number of proxies in front of the portal (nginx alone: 1).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "common.net.client_ip"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文"))]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploaded files (import files now, attachments later) live outside the web root and are
# only ever served through permission-checked views.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
IMPORT_MAX_UPLOAD_BYTES = env.int("IMPORT_MAX_UPLOAD_BYTES", default=60 * 1024 * 1024)
# 群众评议 public answer page (evaluations.services.mass): requests per client address per window.
# Sheets with more tokens than MASS_SHEET_ASYNC_TOKENS render in a Celery task.
MASS_RATE_LIMIT = env.int("MASS_RATE_LIMIT", default=20)
MASS_RATE_WINDOW = env.int("MASS_RATE_WINDOW", default=600)
# The portal's own address (https://cxzy.example.gov.cn): the links in reminder e-mails and inbox messages are
# written with it (an e-mail cannot follow "/campaign/…"); empty: the path alone.
SITE_URL = env("SITE_URL", default="").rstrip("/")
MASS_PUBLIC_BASE_URL = env("MASS_PUBLIC_BASE_URL", default="")
MASS_SHEET_ASYNC_TOKENS = env.int("MASS_SHEET_ASYNC_TOKENS", default=200)
# Up to this many rows a list or figure is counted on each request; above it the member list shows the planner's
# estimate ("约 N 人"), a pager says "10,000+", and the 党性分析 coverage and 述职 counts of a larger subtree are read
# from the dashboards' snapshot ("数据截至"). One limit for all (orgs.pagination.exact_count_limit).
EXACT_COUNT_LIMIT = env.int("EXACT_COUNT_LIMIT", default=10_000)

# Widgets render through the project's template engine, so common/templates/django/forms/widgets/ can say
# things once for every form: the blank choice of a select reads "请选择", never Django's "---------".
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    # Short socket timeouts: an unreachable Redis host must fail a cache call in seconds, not hang every request
    # (the login guard reads its fallback counter from the cache on each login).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
# A message is acknowledged when its task has finished, not when a worker takes it: if the whole worker dies
# (kill -9, power loss) the message stays in Redis and comes back after the visibility timeout. The job row
# (common.jobs) makes that late copy harmless: it names an attempt that has been resumed or has ended.
CELERY_TASK_ACKS_LATE = True
# When only the pool process running a task dies (kill -9, out of memory), the message is NOT put back at once:
# a message that kills its worker would do it again in a loop. The sweeper resumes the job from its row (a
# bounded number of attempts, JOB_MAX_ATTEMPTS) once its heartbeat is older than JOB_STALE_AFTER.
CELERY_TASK_REJECT_ON_WORKER_LOST = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # An unacknowledged message is handed to another worker after this many seconds. It must exceed the hard
    # time limit, or a task still legitimately running would be started a second time beside itself.
    "visibility_timeout": CELERY_TASK_TIME_LIMIT + 10 * 60,
    # Publishing from a web request gives up within seconds when Redis is down or unreachable (the job then
    # waits in the database for the sweeper) instead of holding the request.
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# One quick second try when publishing (a Redis restart takes longer than that; the outbox covers the rest).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
# Workers started before Redis keep trying to connect (the default, said explicitly to silence Celery 6's warning).
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Result backend (only the scheduled tasks keep a result; jobs keep theirs in the job row): fail fast too, instead
# of its default 20 reconnection attempts, one a second.
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_REDIS_SOCKET_TIMEOUT = 5
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}
}
CELERY_RESULT_EXPIRES = 24 * 3600
# Background jobs (common.jobs). A running job writes a heartbeat every JOB_HEARTBEAT_SECONDS; the sweeper (every
# minute) treats a job without one for JOB_STALE_AFTER seconds as interrupted and resumes it, up to
# JOB_MAX_ATTEMPTS runs in all, then ends it 失败. A waiting job is published by the sweeper when its own publish
# failed (after JOB_PUBLISH_GRACE seconds) or when it was published JOB_REPUBLISH_AFTER seconds ago and has not
# started (Redis lost the message). Finished jobs are deleted after JOB_KEEP_DAYS.
JOB_HEARTBEAT_SECONDS = env.int("JOB_HEARTBEAT_SECONDS", default=20)
JOB_STALE_AFTER = env.int("JOB_STALE_AFTER", default=180)
JOB_MAX_ATTEMPTS = env.int("JOB_MAX_ATTEMPTS", default=3)
JOB_PUBLISH_GRACE = env.int("JOB_PUBLISH_GRACE", default=30)
JOB_REPUBLISH_AFTER = env.int("JOB_REPUBLISH_AFTER", default=15 * 60)
JOB_KEEP_DAYS = env.int("JOB_KEEP_DAYS", default=30)
# Outgoing e-mail/SMS still 待发送 this long after they were written are sent again by the sweeper (a lost
# message or a retry that could not be queued); sending is once-only, so a second try never sends twice.
OUTGOING_STUCK_AFTER = env.int("OUTGOING_STUCK_AFTER", default=3600)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="创先争优活动领导小组办公室 <noreply@localhost>")  # i18n: data

# SMS adapter (campaign/sms.py): console by default; a deployment configures its HTTP gateway here.
SMS_BACKEND = env("SMS_BACKEND", default="campaign.sms.ConsoleBackend")
SMS_GATEWAY_URL = env("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_TOKEN = env("SMS_GATEWAY_TOKEN", default="")
SMS_GATEWAY_TIMEOUT = env.float("SMS_GATEWAY_TIMEOUT", default=10.0)
SMS_GATEWAY_INTRANET_HTTP = env.bool("SMS_GATEWAY_INTRANET_HTTP", default=False)
DASHBOARD_REFRESH_MINUTES = env.int("DASHBOARD_REFRESH_MINUTES", default=30)
# Live dashboards (issue 14): beat brings the roll-ups up to date every DASHBOARD_REFRESH_SECONDS (in place: the
# organizations that changed, rolled up; dashboards.services.update_snapshot) and writes a whole new snapshot when
# the latest is DASHBOARD_REFRESH_MINUTES old (or the day, period, round or tree changed); a page whose figures are
# older than DASHBOARD_STALE_SECONDS says so (the refresh is failing).
DASHBOARD_REFRESH_SECONDS = env.int("DASHBOARD_REFRESH_SECONDS", default=30)
DASHBOARD_STALE_SECONDS = env.int("DASHBOARD_STALE_SECONDS", default=300)
# /readyz (common.health): beat is late when no periodic task has run for READYZ_BEAT_MAX_AGE seconds (the
# dashboards' refresh runs every DASHBOARD_REFRESH_SECONDS, and django-celery-beat records a run's time only every
# 3 minutes: 10 minutes by default); an import job waiting longer than READYZ_JOB_MAX_AGE seconds is stuck.
READYZ_BEAT_MAX_AGE = env.int("READYZ_BEAT_MAX_AGE", default=600)
READYZ_JOB_MAX_AGE = env.int("READYZ_JOB_MAX_AGE", default=1800)
# Daily reminders (campaign.tasks.daily_reminders) at 07:30 Asia/Shanghai (CELERY_TIMEZONE);
# django-celery-beat's DatabaseScheduler copies this entry into its PeriodicTask table at start.
CELERY_BEAT_SCHEDULE = {
    # Every minute: publish jobs waiting for the broker, resume or fail jobs whose worker died (common.jobs).
    "common-sweep-jobs": {
        "task": "common.sweep_jobs",
        "schedule": crontab(minute="*"),
    },
    "campaign-daily-reminders": {
        "task": "campaign.tasks.daily_reminders",
        "schedule": crontab(hour=env.int("REMINDERS_HOUR", default=7), minute=env.int("REMINDERS_MINUTE", default=30)),
    },
    # Daily: overdue rectification orders are reported to the issuer's superior 组织部 (once per order).
    "escalate-overdue-rectification-orders": {
        "task": "campaign.escalate_overdue_orders",
        "schedule": crontab(hour=6, minute=30),
    },
    # 亮牌示范: members' badge flags follow the register entries whose start or end date has come.
    "campaign-sync-badge-flags": {
        "task": "campaign.sync_badge_flags",
        "schedule": crontab(hour=1, minute=10),
    },
    # Dashboards: recompute the roll-ups of the current campaign; the pages show the time of the last refresh.
    "dashboards-refresh": {
        "task": "dashboards.refresh_dashboards",
        "schedule": float(DASHBOARD_REFRESH_SECONDS),
    },
}

SESSION_COOKIE_HTTPONLY = True
# A working day: an office computer left logged in overnight is logged out.
SESSION_COOKIE_AGE = int(env.float("SESSION_HOURS", default=8) * 3600)

# Content-Security-Policy (django-csp): no inline script or style anywhere, nothing from another host.
# QR codes and charts are data: URIs / canvases drawn by our own scripts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False

# Logs (common/logging.py): everything to stderr (systemd's journal under the deploy/ units), one JSON object per
# line carrying the request id: the access log (logger portal.access, one line per request: method, path without
# query string or one-time token, status, duration, user id, request id, client address) and every warning and
# error with its traceback (an unhandled exception: Django's django.request "Internal Server Error"; a failed
# Celery task: celery.app.trace). LOG_FORMAT=text gives a developer's terminal plain lines instead.
# ACCESS_LOG=false leaves the access lines to the reverse proxy.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "common.logging.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "common.logging.JsonFormatter"},
        "text": {"()": "common.logging.TextFormatter"},
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": env.str("LOG_FORMAT", default="json"),
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["stderr"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own handlers (a console one for DEBUG, mail to ADMINS) give way to the one above.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # 4xx answers are in the access log; django.request adds the 5xx with their tracebacks.
        "django.request": {"level": "ERROR"},
        "portal.access": {"level": "INFO" if env.bool("ACCESS_LOG", default=True) else "WARNING"},
    },
}
# The worker logs through the LOGGING above (JSON, request ids) instead of replacing the root logger's handlers.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# The REST API (api/, /api/v1/): personal tokens or the browser's session, scope as in the UI, cursor pages,
# RFC 9457 problem details in Chinese (api/exceptions.py), one throttle per token (per account for a session).
API_THROTTLE_RATE = "600/min"
API_PAGE_SIZE = 30
API_MAX_PAGE_SIZE = 100
API_TOKEN_DAYS = 90
API_TOKEN_MAX_DAYS = 365
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "api.authentication.PortalSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.HasPortalRole"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.PortalAutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.problem_details_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": _("创先争优活动管理平台 API"),
    "DESCRIPTION": (
        _(
            "按与页面相同的范围读取组织、党员、活动步骤、实施方案、考核评价和档次、表彰轮次、推荐和表彰名单、数据看板，"
            "并通过与页面相同的服务提交和审批实施方案、登记节点任务完成、填写和提交考核评价、导入组织和党员"
            "（上传 → 试导入报告 → 确认，后台执行，轮询任务地址）。"
            "认证：个人 API 令牌（Authorization: Bearer <令牌>）或浏览器会话。"
            "错误按 RFC 9457 以 application/problem+json 返回。"
        )
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    # No deep links: Swagger UI puts them as links inside the operation's button (axe: nested-interactive).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "PlanStatusEnum": "campaign.models.plans.Plan.Status",
        "MemberStatusEnum": "orgs.enums.MemberStatus",
        "TierLevelEnum": "evaluations.enums.TierLevel",
        "AssessmentStatusEnum": "evaluations.enums.AssessmentStatus",
        "NominationStatusEnum": "awards.models.nominations.Nomination.Status",
        "ImportJobStatusEnum": "orgs.models.ImportJob.Status",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_problem_responses",
    ],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
}

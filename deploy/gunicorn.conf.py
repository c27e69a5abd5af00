"""gunicorn for the portal (deploy/portal-web.service runs ``gunicorn -c deploy/gunicorn.conf.py config.wsgi``).

Worker class and count — measured (deploy/README.md, "Workers: the measurement"; deploy/measure_workers.py on the
county-scale data set, seven real pages, each as its logged-in user): a page is mostly Python on a CPU (33–41 ms)
with 8–39 ms of database waits, so it takes at least one process per CPU (the GIL) and a few threads to fill the
waits. gthread, 2 × CPUs processes × 4 threads (4 × 4 on 2 CPUs) served as much as sync × (2n+1) = 5 or more, at
half its median latency under 32 connections, 60 % more pages while two 25,000-member exports ran beside them,
with 16 requests in progress instead of 5 and less memory (330 MB against 389 MB).

Every value can be overridden from the environment file (GUNICORN_*), so a bigger machine needs no edit here.
"""

import os
from pathlib import Path

# The project directory (this file's parent's parent), whatever the current directory: config.wsgi and
# common.logging (the log format below) are imported from there.
chdir = str(Path(__file__).resolve().parent.parent)
# config/__init__.py imports the Celery app, whose default is the development settings: a gunicorn started
# without DJANGO_SETTINGS_MODULE must not serve with DEBUG on.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")

# A unix socket that only nginx can reach (group ``portal``, mode 0660): whoever connects to gunicorn is
# trusted as the proxy that sets X-Forwarded-For (TRUSTED_PROXY_COUNT), so no other local process may connect.
# The directory /run/portal is created by systemd (RuntimeDirectory=portal). For a quick test without nginx:
# GUNICORN_BIND=127.0.0.1:8000.
bind = [os.environ.get("GUNICORN_BIND", "unix:/run/portal/gunicorn.sock")]
umask = 0o007

worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
workers = int(os.environ.get("GUNICORN_WORKERS", str(2 * (os.cpu_count() or 1))))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# A request slower than this is answered 502 by nginx (proxy_read_timeout 120 s) anyway. For gthread workers
# this is the silence after which the arbiter kills a worker whose main loop stopped (not one slow request).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
# systemd's TimeoutStopSec (portal-web.service) is longer, so running requests finish on stop or reload.
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (plus jitter, so they do not all restart at once): memory a
# library keeps (WeasyPrint's font caches, openpyxl) is given back.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200

# `systemctl reload portal-web` (HUP) starts new workers with the new code: no preloading in the arbiter.
preload_app = False
# Management through systemd only; no control socket in a home directory (ProtectHome=yes).
control_socket_disable = True
proc_name = "portal-web"

# Logs: our access log (portal.access, common/logging.py) replaces gunicorn's; gunicorn's own messages (boot,
# worker timeouts and restarts) go to stderr as the same JSON lines, into systemd's journal.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "common.logging.JsonFormatter"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr", "formatter": "json"}},
    # gunicorn merges this into its defaults, whose root logger names a handler replaced here. In the workers
    # Django's LOGGING (config/settings) configures the root logger again.
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    "loggers": {
        "gunicorn.error": {"handlers": ["stderr"], "level": loglevel.upper(), "propagate": False},
        "gunicorn.access": {"handlers": [], "propagate": False},
    },
}

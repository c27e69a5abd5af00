"""Test settings: the real PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set
(CI), otherwise SQLite with eager Celery.

Under pytest-xdist (``./test.sh -n 2``) each worker gets its own Redis database and media folder (pytest-django
already gives each its own test database), so that one worker's cache, broker and files never meet another's.
"""

import os

XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1", … or "" outside xdist
if XDIST_WORKER and os.environ.get("REDIS_URL"):
    _base, _sep, _db = os.environ["REDIS_URL"].rpartition("/")
    _db = int(_db) if _sep and _db.isdigit() else 0
    # Tests that start a real worker or Redis client read the variable itself: set it for them too.
    os.environ["REDIS_URL"] = f"{_base}/{_db + 1 + int(XDIST_WORKER.removeprefix('gw'))}"

from .base import *  # noqa: E402, F403  (settings modules re-export the base on purpose; REDIS_URL set first)
from .base import BASE_DIR  # noqa: E402

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tasks run in-process during tests; tests/orgs/test_celery_worker.py runs a real worker
# against Redis when REDIS_URL is set.
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / "var" / f"test-media{'-' + XDIST_WORKER if XDIST_WORKER else ''}"
AXES_FAILURE_LIMIT = 5
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

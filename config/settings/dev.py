"""Local development: the embedded default unless the environment says otherwise."""

from .base import *  # noqa: F403  (settings modules re-export the base on purpose)
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Hold no connection between requests: a development server left running against a shared database
# must not pin its connections (a scanner once exhausted one).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=0)  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

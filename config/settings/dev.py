"""Local development: the embedded default unless the environment says otherwise."""

from .base import *  # noqa: F403  (settings modules re-export the base on purpose)
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

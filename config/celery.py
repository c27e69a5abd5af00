"""Celery application. Tasks take ids, never model instances (see STYLE.md)."""

import os

from celery import Celery

# This module is imported first by every entry point (config/__init__.py), so its default wins over
# config/wsgi.py's: a server or worker started without DJANGO_SETTINGS_MODULE must run production settings
# (DEBUG off). manage.py and start.sh choose the development settings themselves.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

#!/usr/bin/env bash
# One command: install everything, migrate, load the demo data and serve the portal at
# http://127.0.0.1:8000. With no environment set: SQLite file, Celery eager, e-mail to the console.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install.sh
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-config.settings.dev}
.venv/bin/python manage.py migrate --no-input
.venv/bin/python manage.py load_demo
.venv/bin/python manage.py demo_campaign
echo
echo "门户已启动：http://127.0.0.1:8000 （Ctrl+C 停止）"
exec .venv/bin/python manage.py runserver 127.0.0.1:8000

#!/usr/bin/env bash
# One command: install everything, migrate, load the demo data and serve the portal at
# http://127.0.0.1:8000. With no environment set: SQLite file, Celery eager, e-mail to the console.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install.sh
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-config.settings.dev}
.venv/bin/python manage.py migrate --no-input
.venv/bin/python manage.py load_demo
# The demo campaign for today (second step, 党性分析 due in 3 days, 公示 running); rebuilt when the day changes.
.venv/bin/python manage.py demo_campaign
echo
echo "门户已启动：http://127.0.0.1:8000 （Ctrl+C 停止）"
echo "各演示账号建议先试的操作见 README.md 的“Demo accounts”一节。"
exec .venv/bin/python manage.py runserver 127.0.0.1:8000

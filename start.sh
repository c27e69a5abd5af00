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
# Without REDIS_URL there is no broker for a separate beat and worker: one worker with beat inside it, on the
# in-memory broker, runs the periodic work (dashboards' refresh every 30 s, job sweeper, daily reminders) so the
# dashboards stay current while the demo is tried. With REDIS_URL, run worker and beat as README "Deploy" says.
if [ -z "${REDIS_URL:-}" ]; then
  mkdir -p var
  .venv/bin/celery -A config worker -B --pool=solo --loglevel=warning >var/worker.log 2>&1 &
  worker=$!
  trap 'kill "$worker" 2>/dev/null || true' EXIT
fi
echo
echo "门户已启动：http://127.0.0.1:8000 （Ctrl+C 停止）"
echo "各演示账号建议先试的操作见 README.md 的“Demo accounts”一节。"
.venv/bin/python manage.py runserver 127.0.0.1:8000

#!/usr/bin/env bash
# manage.py as the service runs it: as the user portal, with the environment file of the systemd units.
#
#   /srv/portal/deploy/manage.sh migrate
#   /srv/portal/deploy/manage.sh backup --output /var/lib/portal/backups/portal-$(date +%F).tar.gz
#
# Run as root it switches to the user portal first, so the files it writes (uploads, backups, static files)
# belong to the services. PORTAL_ENV_FILE names another environment file (default /etc/portal/portal.env).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
env_file="${PORTAL_ENV_FILE:-/etc/portal/portal.env}"
if [ "$(id -u)" -eq 0 ]; then
  exec runuser -u portal -- env PORTAL_ENV_FILE="$env_file" "$0" "$@"
fi
if [ ! -r "$env_file" ]; then
  echo "找不到或无权读取环境文件 $env_file（应属 root:portal，权限 0640）" >&2
  exit 1
fi
set -a
# shellcheck disable=SC1090
. "$env_file"
set +a
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.prod}"
cd "$here"
exec "$here/.venv/bin/python" manage.py "$@"

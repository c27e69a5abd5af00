#!/usr/bin/env bash
# Installs what the portal needs on a fresh Debian 12 machine: system packages (only those
# missing), a virtual environment in .venv and the pinned requirements. Safe to run again.
#
#   scripts/install.sh          what the portal needs to run (./start.sh, a deployment)
#   scripts/install.sh --test   also what the test suite needs (./test.sh, .ci/run): Chromium for the
#                               browser tests, zbar for the QR codes, and the outside judges axe-core and
#                               the Nu HTML checker (npm, pinned in package-lock.json; the checker runs on java),
#                               nginx for `nginx -t` on deploy/nginx/portal.conf (installed, never started) and wrk
#                               for deploy/measure_workers.py
set -euo pipefail
cd "$(dirname "$0")/.."

WITH_TEST=0
for arg in "$@"; do
  case "$arg" in
    --test) WITH_TEST=1 ;;
    *) echo "用法：scripts/install.sh [--test]" >&2; exit 2 ;;
  esac
done

SYSTEM_PACKAGES=(redis-server poppler-utils fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0
  gettext)
SYSTEM_PACKAGES+=(postgresql-client)  # pg_dump, pg_restore, psql: manage.py backup/restore on PostgreSQL
TEST_PACKAGES=(chromium zbar-tools wrk)

missing=()
wanted=("${SYSTEM_PACKAGES[@]}")
[ "$WITH_TEST" -eq 1 ] && wanted+=("${TEST_PACKAGES[@]}")
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "$WITH_TEST" -eq 1 ]; then
  # By command, not by package: the image's Node.js may come from elsewhere with npm inside it, and
  # Debian's npm package would conflict with it.
  command -v node >/dev/null 2>&1 || missing+=(nodejs)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
  command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "缺少系统软件包：${missing[*]}。请以 root 运行，或执行：sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "安装系统软件包：${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# nginx only checks the sample site (tests/deploy): installed with a policy-rc.d that forbids starting services for
# this one install, so that no web server is left listening on port 80; stopped if it started all the same.
if [ "$WITH_TEST" -eq 1 ] && [ ! -x /usr/sbin/nginx ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "缺少系统软件包：nginx（仅供测试检查配置）。请以 root 运行，或执行：sudo apt-get install nginx" >&2
    exit 1
  fi
  echo "安装系统软件包：nginx（仅用于 nginx -t 检查配置，不启动）"
  own_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    own_policy=1
  fi
  status=0
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx \
      >/dev/null; } || status=$?
  [ "$own_policy" -eq 1 ] && rm -f /usr/sbin/policy-rc.d
  [ "$status" -eq 0 ] || exit "$status"
  if pgrep -x nginx >/dev/null 2>&1; then
    /usr/sbin/nginx -s quit 2>/dev/null || true
  fi
  # … and not started at the next boot either
  systemctl disable --quiet nginx.service >/dev/null 2>&1 || true
  update-rc.d nginx disable >/dev/null 2>&1 || true
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.requirements.sha256
want=$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  .venv/bin/pip install -q --disable-pip-version-check --upgrade pip
  .venv/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt
  echo "$want" > "$stamp"
fi

if [ "$WITH_TEST" -eq 1 ]; then
  # npm ci only when the lock file changed. --ignore-scripts: vnu-jar's postinstall would download a Java of
  # its own; the Debian java above runs the jar.
  stamp=node_modules/.package-lock.sha256
  want=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ] \
     || [ ! -f node_modules/axe-core/axe.min.js ] || [ ! -f node_modules/vnu-jar/build/dist/vnu.jar ]; then
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
    echo "$want" > "$stamp"
  fi
fi

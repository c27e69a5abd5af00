#!/usr/bin/env bash
# Installs what the portal needs on a fresh Debian 12 machine: system packages (only those
# missing), a virtual environment in .venv and the pinned requirements. Safe to run again.
#
#   scripts/install.sh          what the portal needs to run (./start.sh, a deployment)
#   scripts/install.sh --test   also what the test suite needs (./test.sh, .ci/run): Chromium for the
#                               browser tests, zbar for the QR codes, and the outside judges axe-core and
#                               the Nu HTML checker (npm, pinned in package-lock.json; the checker runs on java)
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
TEST_PACKAGES=(chromium zbar-tools)

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

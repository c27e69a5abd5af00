#!/usr/bin/env bash
# One command: install what the tests need and run the whole test suite.
# With DATABASE_URL / REDIS_URL set (as .ci/run does) the tests use PostgreSQL and Redis;
# without them, SQLite and eager Celery.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install.sh --test
exec .venv/bin/python -m pytest "$@"

"""A web server or worker started without DJANGO_SETTINGS_MODULE runs the production settings."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_wsgi_without_settings_module_is_production():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(DJANGO_SECRET_KEY="x" * 50, DJANGO_ALLOWED_HOSTS="portal.example.org")
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import config.wsgi, os; from django.conf import settings; "
            "print(os.environ['DJANGO_SETTINGS_MODULE'], settings.DEBUG)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["config.settings.prod", "False"]

"""Rules of the code base that a reviewer would otherwise have to remember."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("common", "orgs", "campaign", "evaluations", "awards", "dashboards", "workbench", "demo", "config")


def _python_files():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def test_the_client_address_is_read_in_one_place():
    """Rate limits, the audit log and the login lockout must agree on who the client is (common.net)."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in _python_files()
        if path != ROOT / "common" / "net.py" and re.search(r"REMOTE_ADDR|X_FORWARDED_FOR", path.read_text())
    ]
    assert offenders == []

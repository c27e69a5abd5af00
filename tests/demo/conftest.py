import datetime
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings


@pytest.fixture(scope="module")
def demo_province(django_db_setup, django_db_blocker, tmp_path_factory):
    """``load_demo`` once per module, inside a transaction rolled back at the end; each test then builds its
    day with ``demo_campaign`` in its own savepoint (rolled back after the test)."""
    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        with transaction.atomic():
            call_command("load_demo", stdout=io.StringIO())
            yield
            transaction.set_rollback(True)


@pytest.fixture
def build(demo_province, db):
    """Run ``demo_campaign`` for a day (a date or None for the local date); returns its output."""

    def _build(day: datetime.date | None = None, *extra) -> str:
        out = io.StringIO()
        args = ["--today", day.isoformat()] if day else []
        call_command("demo_campaign", *args, *extra, stdout=out)
        return out.getvalue()

    return _build

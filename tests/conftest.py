import os

import pytest

from common.actors import SYSTEM

# Tests that start, stop or kill real processes (Celery workers, redis-server, gunicorn, locust) or wait on wall-clock
# limits: CI runs them alone after the parallel part (.ci/run: ``-n 2 -m "not serial"``, then ``-m serial``), where
# a neighbour's CPU cannot push them past their time limits.
SERIAL_MODULES = {
    "tests/common/test_jobs_faults.py",
    "tests/common/test_database_faults.py",
    "tests/common/test_login_ratelimit.py",
    "tests/campaign/test_worker_reminders.py",
    "tests/orgs/test_celery_worker.py",
    "tests/deploy/test_worker_log.py",
    "tests/bench/test_load_smoke.py",
}


# The data migrations that enter rows (in migration order): a transactional test (live_server, transaction=True)
# ends with a flush that empties every table, so these rows are entered again after it. In one process pytest-django
# runs transactional tests last, which hides the loss; under xdist (by file) a later file would find them gone.
DATA_MIGRATIONS = (
    ("campaign.migrations.0002_seed_campaign", "load"),
    ("campaign.migrations.0007_guidance_groups", "classify"),
    ("evaluations.migrations.0002_seed_criteria", "load"),
    ("evaluations.migrations.0003_seed_periods", "load"),
    ("awards.migrations.0002_seed_rounds", "load"),
    ("awards.migrations.0004_load_holiday_years_and_document_numbers", "load"),
)


def _is_transactional(item):
    if {"transactional_db", "live_server", "django_db_reset_sequences"} & set(getattr(item, "fixturenames", ())):
        return True
    marker = item.get_closest_marker("django_db")
    return bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test's flush (its fixtures are torn down by now), enter the data migrations' rows
    again (DATA_MIGRATIONS)."""
    result = yield
    # After the last test (nextitem None) the test database is gone already: nothing to restore.
    if nextitem is not None and _is_transactional(item):
        import importlib

        from django.apps import apps
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            for module, function in DATA_MIGRATIONS:
                getattr(importlib.import_module(module), function)(apps, None)
    return result


def pytest_collection_modifyitems(config, items):
    root = config.rootpath
    for item in items:
        if item.path.relative_to(root).as_posix() in SERIAL_MODULES:
            item.add_marker(pytest.mark.serial)


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is missing: run scripts/install.sh (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


PHONE_390 = {"locale": "zh-CN", "viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def phone390(browser):
    """A 390 px phone (the width every page must work at: DESIGN.md), touch and mobile viewport."""
    context = browser.new_context(**PHONE_390)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def judges():
    """The outside judges (tests/judges.py: axe-core, the Nu HTML checker), checked to be installed.

    Fails, never skips, when one is missing: scripts/install.sh --test installs them."""
    from tests import judges

    judges.require_axe()
    judges.require_nu()
    return judges


os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def world(db):
    from tests.factories import World

    return World()


@pytest.fixture
def login(client):
    """Log ``user`` in on the test client (bypasses axes' request requirement)."""

    def _login(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _login


@pytest.fixture
def seed_campaign(db):
    """The seed's 2010—2012 campaign (loaded by a data migration; created here when tests run without migrations)."""
    from campaign.models import Campaign, Milestone, Phase
    from campaign.seed import load_seed_campaign

    return load_seed_campaign(Campaign, Phase, Milestone)


@pytest.fixture
def campaign(seed_campaign):
    """A running copy of the seed campaign, shifted so that today is day 10 of phase one."""
    import datetime

    from django.utils import timezone

    from campaign.services.timeline import copy_campaign

    start = timezone.localdate() - datetime.timedelta(days=10)
    return copy_campaign(seed_campaign, name="测试活动", code="test-running", start_date=start, by=SYSTEM)


@pytest.fixture
def seed_criteria(db):
    """五个好 / 五个模范 / 五带头 (a data migration loads them; created here when tests run without migrations)."""
    from evaluations.models import CriteriaSet, Criterion
    from evaluations.seed import load_seed_criteria

    load_seed_criteria(CriteriaSet, Criterion)
    return {s.code: s for s in CriteriaSet.objects.filter(owner_org=None).prefetch_related("criteria")}


def pytest_terminal_summary(terminalreporter):
    """The outside judge's own figures in the run's summary: how many cases schemathesis generated and sent
    (tests/api/test_schemathesis.py counts each in its report's user_properties, which xdist carries back)."""
    reports = [r for key in ("passed", "failed") for r in terminalreporter.stats.get(key, []) if r.when == "call"]
    cases = [r for r in reports if any(name == "schemathesis_case" for name, _value in r.user_properties)]
    if cases:
        generated = sum(value for r in cases for name, value in r.user_properties if name == "schemathesis_case")
        failed = sum(r.failed for r in cases)
        terminalreporter.write_line(
            f"schemathesis: {generated} generated cases over {len(cases)} operations, {failed} operations failed"
        )

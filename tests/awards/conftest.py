"""Every awards test with a database sees the State Council's holiday schedule as a deployed portal does
(tests.factories.awards_nominations.load_holiday_schedule): a transactional test flushes what the data
migration loaded, and tests that plan a 公示 from today need the coming year too. A test about a year
without a schedule deletes that year itself."""

import pytest

from tests.factories.awards_nominations import load_holiday_schedule


@pytest.fixture(autouse=True)
def holiday_schedule(request):
    marker = request.node.get_closest_marker("django_db")
    if marker is None and "db" not in request.fixturenames:
        return
    transactional = bool(marker and marker.kwargs.get("transaction"))
    request.getfixturevalue("transactional_db" if transactional else "db")
    load_holiday_schedule()

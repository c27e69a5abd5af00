"""纸质选票 on a 390 px phone: each criterion's name reads on a line of its own (it wrapped two characters a line
beside the level columns), the level inputs sit side by side under it, each under its level's name, 44 px high,
and nothing scrolls sideways (.table-stack.table-stack-row in static/css/portal.css)."""

import pytest
from django.urls import reverse

from orgs.enums import Role
from tests.factories import World, user_with_role
from tests.factories.evaluations_mass import make_batch

from .test_household_visit import _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_tally_rows_stack_on_a_phone(live_server, phone390, seed_criteria):
    world = World()
    user_with_role(world.county_a, Role.ORG_DEPARTMENT, username="xian")
    five_good = seed_criteria["five-good"]
    batch, _tokens = make_batch(world.branch_a, five_good, tokens=1)
    _login(phone390, live_server.url, "xian")
    phone390.goto(live_server.url + reverse("evaluations:mass_tally", args=[batch.pk]))
    table = phone390.locator("#tally")
    width = table.bounding_box()["width"]
    levels = [level["label"] for level in five_good.levels]
    rows = table.locator("tbody tr")
    assert rows.count() == five_good.criteria.count()
    for i in range(rows.count()):
        row = rows.nth(i)
        name = row.locator("th")
        box = name.bounding_box()
        assert box["width"] >= width - 2  # the whole width: no column of two characters
        line = float(name.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)"))
        assert box["height"] <= 2 * line + 16  # at most two lines, padding included
        cells = row.locator("td")
        assert cells.count() == len(levels)
        tops = {round(cells.nth(j).bounding_box()["y"]) for j in range(len(levels))}
        assert len(tops) == 1 and min(tops) >= box["y"] + box["height"] - 1  # side by side, under the name
        for j, label in enumerate(levels):
            assert cells.nth(j).get_attribute("data-label") == label
            assert cells.nth(j).locator("input").bounding_box()["height"] >= 44
    assert phone390.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

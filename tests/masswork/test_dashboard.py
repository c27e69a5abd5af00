"""The 群众工作站 figures of the dashboards after a refresh: stations open, visits since the campaign's start and the
share closed, per node, beside 干群恳谈会 and 联系户; the list behind each figure adds up to it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dashboards import queries
from dashboards.services import refresh
from masswork.models import VisitTopic
from masswork.services import stations as services

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def figures(world, people, campaign):
    today = timezone.localdate()
    a = services.create_station(world.branch_a, by=people.secretary_a, name="一站", address="x", opening_hours="x")
    services.create_station(world.branch_a, by=people.secretary_a, name="二站", address="x", opening_hours="x")
    b = services.create_station(world.branch_b, by=people.secretary_b, name="三站", address="x", opening_hours="x")

    def visit(station, by, on, settle=False):
        return services.record_visit(
            station, by=by, visited_on=on, topic=VisitTopic.OTHER, request="x", handler_name="y", action="z",
            settle=settle, today=today,
        )  # fmt: skip

    visit(a, people.secretary_a, today - DAY, settle=True)
    visit(a, people.secretary_a, today)
    visit(a, people.secretary_a, campaign.start_date - DAY, settle=True)  # before the campaign: not counted
    visit(b, people.secretary_b, today, settle=True)
    refresh(campaign, today=today, force=True)
    return campaign


def node(user, org, campaign):
    return queries.node_figures(queries.scope_for(user, org.code, campaign=campaign)).total


def test_figures_per_node(world, people, figures):
    county = node(people.county_od, world.county_a, figures)
    assert (county.stations_active, county.station_visits, county.station_visits_closed) == (2, 2, 1)
    assert str(county.visits_closed_pct) == "50.0"
    province = node(people.province_lg, world.province, figures)
    assert (province.stations_active, province.station_visits, province.station_visits_closed) == (3, 3, 2)


def test_dashboard_page_and_lists(world, people, figures, login):
    client = login(people.county_od)
    page = client.get(reverse("dashboards:node", args=[world.county_a.code])).content.decode()
    assert 'id="fig-stations">2</a>' in page and "来访 2 件" in page and "已办结 1</a>（50.0%）" in page
    s = queries.scope_for(people.province_lg, world.province.code, campaign=figures)
    for slug, column, total in (("stations_active", "stations_active", 3), ("station_visits", "station_visits", 3)):
        rows = list(queries.list_rows(s, queries.LISTS[slug]))
        assert sum(getattr(r, column) for r in rows) == total
    masses = {row[0].text: row for row in client.get(reverse("dashboards:node", args=[world.county_a.code])).context[
        "masses"].rows}  # fmt: skip
    assert masses["群众工作站（开放中）"][1].value == 2

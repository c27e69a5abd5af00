"""The 述职 list of a large subtree: its counts read from the dashboards' snapshot and labelled with the moment they
were read; counted exactly below the limit, for another year, or for a sector's reader. The pager of a list the
planner estimates far above the count's cap is not counted."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accountability import services
from accountability.models import DutyReport
from dashboards.models import Snapshot
from dashboards.services import refresh
from orgs.models import Org
from orgs.pagination import SURELY_LARGE, CappedPaginator
from tests.factories import make_org

pytestmark = pytest.mark.django_db


def year():
    return timezone.localdate().year


def submitted(org, by):
    duty = services.start_duty_report(org, by=by, year=year(), report="一年来抓党建的情况")
    return services.save_duty_report(duty, by=by, report="一年来抓党建的情况", submit=True)


@pytest.fixture
def duties(world, people):
    a = submitted(world.branch_a, people.secretary_a)
    services.rate_duty_report(a, by=people.county_od, rating="good")
    services.start_duty_report(world.branch_a2, by=people.secretary_a2, year=year(), report="x")  # a draft
    submitted(world.branch_b, people.secretary_b)


def counts_line(html) -> str:
    return re.sub(r"\s+", " ", re.search(r'id="duty-counts">(.*?)</p>', html, re.S).group(1))


def page(client, **params):
    return client.get(reverse("accountability:duty_list"), params).content.decode()


def test_a_large_subtree_shows_the_snapshots_counts_and_when_they_were_read(
    world, people, duties, campaign, login, settings
):
    settings.EXACT_COUNT_LIMIT = 3  # the province's subtree has 9 organizations: "large"
    client = login(people.province_lg)
    exact = page(client)
    assert 'id="duty-counts-as-of"' not in exact  # no snapshot yet: counted
    refresh(campaign, full=True, force=True)
    html = page(client)
    assert counts_line(html) == counts_line(exact)
    assert "基层党组织 3 个：已提交述职 2，已评议 1，待评议 1" in html
    assert "评议等次：好 1，较好 0，一般 0，差 0" in html
    assert 'id="duty-counts-as-of"' in html and "数据截至" in html and 'id="duty-counts-stale"' not in html

    # a 述职 rated since: the list (live) shows it at once, the counts after the dashboards' next update
    duty = world.branch_b.duty_reports.get(year=year())
    services.rate_duty_report(duty, by=people.county_b_od, rating="poor", comments="整改")
    html = page(client)
    assert "已评议 1，" in counts_line(html) and 'id="duty-counts-as-of"' in html
    refresh(campaign)
    html = page(client)
    assert "已提交述职 2，已评议 2，待评议 0" in counts_line(html) and "差 1" in html

    # a county (4 organizations) is counted on the spot; so is another year (the snapshot counts this one)
    county = page(client, org=world.county_a.code)
    assert "基层党组织 2 个：已提交述职 1，已评议 1，待评议 0" in county and 'id="duty-counts-as-of"' not in county
    last_year = page(client, year=str(year() - 1))
    assert "已提交述职 0" in last_year and 'id="duty-counts-as-of"' not in last_year

    # a sector's reader: its sector only, counted
    rural = page(login(people.sector_rural))
    assert "基层党组织 2 个：已提交述职 2，已评议 2" in rural and 'id="duty-counts-as-of"' not in rural

    Snapshot.objects.update(refreshed_at=timezone.now() - datetime.timedelta(hours=3))
    assert "看板数据已有 3 小时没有更新" in page(login(people.province_lg))


@pytest.mark.parametrize("limit", [3, 10_000])
def test_query_count_is_the_same_for_1_and_30_reports(world, people, campaign, login, settings, limit):
    settings.EXACT_COUNT_LIMIT = limit
    client = login(people.province_od)
    submitted(world.branch_a, people.secretary_a)
    refresh(campaign, full=True, force=True)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            html = page(client)
        assert ('id="duty-counts-as-of"' in html) == (limit == 3)
        return len(ctx.captured_queries)

    one = count()
    for n in range(29):
        org = make_org(world.town_b, sector="rural", code=f"13022310030{n:02d}", name=f"村党支部{n}")
        DutyReport.objects.create(org=org, year=year(), report="x")
    refresh(campaign, full=True, force=True)
    assert count() == one


def test_an_estimate_far_above_the_cap_is_not_counted(world):
    rows = Org.objects.order_by("path")
    paginator = CappedPaginator(rows, 30, estimate=CappedPaginator.cap * SURELY_LARGE + 1)
    with CaptureQueriesContext(connection) as ctx:
        assert (paginator.count, paginator.capped, paginator.num_pages) == (10_000, True, 334)
    assert ctx.captured_queries == []
    near = CappedPaginator(rows, 30, estimate=CappedPaginator.cap * SURELY_LARGE)
    assert (near.count, near.capped) == (Org.objects.count(), False)  # below: counted (up to the cap)

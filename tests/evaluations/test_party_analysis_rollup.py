"""The 党性分析 list of a large subtree: its coverage figures read from the dashboards' snapshot and labelled with the
moment they were read; counted exactly below the limit, without a snapshot, or for a scope that is not one subtree."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dashboards.list_figures import party_analysis_counts
from dashboards.models import Snapshot
from dashboards.services import refresh
from evaluations.coverage import COUNTS, coverage_sources
from evaluations.services import reports as services
from orgs.enums import MemberCategory, Role
from orgs.models import Member
from tests.factories import MemberFactory, user_with_role
from tests.factories.evaluations_mass import analysis_campaign, make_report

pytestmark = pytest.mark.django_db
C = MemberCategory
FIGURE_IDS = {
    "members": "cov-members",
    "participated": "cov-participated",
    "required": "cov-required",
    "written_required": "cov-written-required",
    "written": "cov-written",
    "accepted": "cov-accepted",
}


@pytest.fixture
def pa(seed_campaign):
    return analysis_campaign(seed_campaign)


@pytest.fixture
def analysis(world, pa):
    """In 正定县: reports in every state by required and optional writers, a recorded participation, absentees;
    in 滦县 (the other subtree) a report too, which must never be counted for 正定县."""
    secretary = user_with_role(world.branch_a, Role.SECRETARY, username="sec_a")
    make_report(pa, world.member_a, status="accepted")
    make_report(pa, world.member_a2, status="submitted")
    farmer = MemberFactory(org=world.branch_a, category=C.FARMER)
    make_report(pa, farmer, status="accepted")
    make_report(pa, MemberFactory(org=world.branch_a, category=C.IN_SERVICE), status="draft")
    make_report(pa, MemberFactory(org=world.branch_a2, category=C.IN_SERVICE), status="returned")
    retired = MemberFactory(org=world.branch_a, category=C.RETIRED)
    services.record_participation(pa, [retired], by=secretary, took_part_on=timezone.localdate())
    MemberFactory(org=world.branch_a, category=C.STUDENT)
    make_report(pa, world.member_b, status="accepted")
    return secretary


def exact(node, campaign) -> dict:
    figures = services.coverage(Member.objects.filter(org_path__startswith=node.path), campaign)
    return {key: figures[key] for key in COUNTS}


def shown(response) -> dict:
    html = response.content.decode()
    found = {}
    for key, element in FIGURE_IDS.items():
        match = re.search(rf'id="{element}">([0-9,]+)<', html)
        found[key] = int(match.group(1).replace(",", ""))
    found["accepted_required"] = int(re.search(r"其中应写的 ([0-9,]+) 份", html).group(1).replace(",", ""))
    return found


def list_page(client, campaign, **params):
    return client.get(reverse("evaluations:report_list"), {"campaign": campaign.code, **params})


def test_the_snapshot_holds_the_lists_figures_exactly(world, pa, analysis):
    refresh(pa, full=True, force=True)
    for node in (world.province, world.city_a, world.county_a, world.town_a, world.branch_a, world.county_b):
        assert party_analysis_counts(pa, node).counts == exact(node, pa), node.name
    assert exact(world.county_a, pa) == {
        "members": 7,
        "participated": 4,  # 3 written (2 accepted, 1 submitted) + the recorded retired member; drafts do not count
        "required": 4,  # 张建国, 李秀英, the draft's and the returned report's writers
        "written_required": 2,
        "accepted_required": 1,
        "written": 3,
        "accepted": 2,
    }


def test_a_large_subtree_shows_the_snapshot_and_when_it_was_read(world, pa, analysis, login, settings):
    settings.EXACT_COUNT_LIMIT = 5  # 正定县 has 7 members: "large"
    county_od = login(user_with_role(world.county_a, Role.ORG_DEPARTMENT))
    refresh(pa, full=True, force=True)
    page = list_page(county_od, pa)
    assert shown(page) == exact(world.county_a, pa)
    html = page.content.decode()
    assert 'id="coverage-as-of"' in html and "数据截至" in html and "不是本页打开时的实时计数" in html
    assert 'id="coverage-stale"' not in html

    # a report submitted since: the list (live) has it, the figures say when they were read and show it after the
    # dashboards' next update
    newcomer = MemberFactory(org=world.branch_a, name="钱新人", category=C.IN_SERVICE)
    make_report(pa, newcomer, status="submitted")
    page = list_page(county_od, pa)
    assert "钱新人" in page.content.decode()
    assert shown(page)["written_required"] == 2
    refresh(pa)
    assert shown(list_page(county_od, pa)) == exact(world.county_a, pa)
    assert shown(list_page(county_od, pa))["written_required"] == 3

    # the chosen organization is a whole subtree too; below the limit it is counted on the spot
    town = list_page(county_od, pa, org=world.town_a.code)
    assert shown(town) == exact(world.town_a, pa) and 'id="coverage-as-of"' in town.content.decode()
    settings.EXACT_COUNT_LIMIT = 50
    exact_page = list_page(county_od, pa)
    assert shown(exact_page) == exact(world.county_a, pa) and 'id="coverage-as-of"' not in exact_page.content.decode()


def test_old_figures_carry_the_dashboards_warning(world, pa, analysis, login, settings):
    settings.EXACT_COUNT_LIMIT = 1
    refresh(pa, full=True, force=True)
    Snapshot.objects.update(refreshed_at=timezone.now() - datetime.timedelta(hours=3))
    html = list_page(login(user_with_role(world.county_a, Role.ORG_DEPARTMENT)), pa).content.decode()
    assert 'id="coverage-stale"' in html and "看板数据已有 3 小时没有更新" in html


@pytest.mark.parametrize("case", ["no snapshot", "two subtrees", "no source"])
def test_counted_exactly_when_the_snapshot_cannot_answer(world, pa, analysis, login, settings, case):
    settings.EXACT_COUNT_LIMIT = 1
    user = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    node = world.county_a
    if case != "no snapshot":
        refresh(pa, full=True, force=True)
    if case == "two subtrees":  # the scope is 正定县 and 滦县: no one node's figures
        user = user_with_role(world.county_b, Role.ORG_DEPARTMENT)
        user_with_role(world.county_a, Role.ORG_DEPARTMENT).assignments.update(user=user)
        node = None
    source = coverage_sources._sources.pop("dashboards") if case == "no source" else None
    try:
        page = list_page(login(user), pa)
    finally:
        if source is not None:
            coverage_sources.register("dashboards", source)
    both = {k: exact(world.county_a, pa)[k] + exact(world.county_b, pa)[k] for k in COUNTS}
    expected = exact(node, pa) if node else both
    assert shown(page) == expected
    assert 'id="coverage-as-of"' not in page.content.decode()


def test_query_count_is_the_same_for_1_and_30_members_with_the_snapshots_figures(world, pa, analysis, login, settings):
    settings.EXACT_COUNT_LIMIT = 1
    client = login(user_with_role(world.county_a, Role.ORG_DEPARTMENT))
    refresh(pa, full=True, force=True)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            page = list_page(client, pa)
        assert 'id="coverage-as-of"' in page.content.decode()
        return len(ctx.captured_queries)

    one = count()
    for i in range(30):
        member = MemberFactory(org=world.branch_a, category=C.IN_SERVICE)
        make_report(pa, member, status="accepted" if i % 2 else "draft")
    assert count() == one

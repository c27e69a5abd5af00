"""The workbench, 组织部工作台 and 我的创先争优 with every section filled, under the outside judges: at 390 px on a
phone no sideways scroll, axe-core clean and every tap target at least 44 × 44 px; the HTML valid for the Nu checker."""

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from campaign.models import Plan
from orgs.enums import Role
from orgs.models import RoleAssignment
from tests.browser.test_judges import TAP_TARGETS, session_cookie
from tests.conftest import PHONE_390
from tests.factories import user_with_role
from tests.factories.awards_basic import announced_award
from tests.factories.campaign_masses import make_household, make_service
from tests.factories.campaign_plans import make_plan

from .conftest import approved_nomination, badge, publish

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture
def filled(busy, people, period, campaign):
    """The pages with something in every section; the branch has released its members' results; the county's
    组织部 has a plan to approve, a nomination to forward and overdue milestones below it."""
    household = make_household(busy.branch_a, people.secretary, head_name="王大娘", members=[busy.member_a])
    make_service(household, people.secretary, days_ago=3, member=busy.member_a)
    announced_award(busy.member_a, title="2011年度塔元庄优秀共产党员表彰")
    approved_nomination(busy.member_a, busy.county_a)
    badge(busy.member_a, people.secretary)
    publish(busy.branch_a, period)
    make_plan(campaign, busy.branch_a2, status=Plan.Status.SUBMITTED, theme="正定镇中学创先争优方案")
    return busy


def pages(world, people):
    """(name, user, url) of every page of the app, each in a state that shows its sections."""
    two = RoleAssignment.objects.filter(org=world.branch_a2, role=Role.SECRETARY).first()
    two = two.user if two else user_with_role(world.branch_a2, Role.SECRETARY, full_name="两个支部的书记")
    RoleAssignment.objects.get_or_create(user=two, org=world.branch_a, role=Role.SECRETARY)
    return [
        ("workbench", people.secretary, reverse("workbench:org", args=[world.branch_a.code])),
        ("chooser", two, reverse("workbench:index")),
        ("me", people.member, reverse("workbench:me")),
        ("department", people.dept_county, reverse("workbench:department")),
    ]


@pytest.mark.browser
def test_phone_390_no_sideways_scroll_axe_and_tap_targets(filled, people, judges, browser, live_server):
    problems = []
    for name, user, url in pages(filled, people):
        context = browser.new_context(**PHONE_390)
        context.add_cookies([session_cookie(user, live_server.url)])
        page = context.new_page()
        page.set_default_timeout(10_000)
        try:
            response = page.goto(live_server.url + url)
            assert response.status == 200, (name, response.status)
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"{name}: sideways"
            judges.assert_axe_clean(page, name=f"{name} at 390 px")
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / f"workbench_{name}_390.png"), full_page=True)
            small = page.evaluate(TAP_TARGETS)
            problems += [f"{name}: {target}" for target in small]
        finally:
            context.close()
    assert not problems, "targets under 44×44 px on a phone:\n" + "\n".join(problems)


def test_valid_html(filled, people, judges):
    documents = {}
    for name, user, url in pages(filled, people):
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        response = client.get(url)
        assert response.status_code == 200, name
        documents[name] = response.content.decode()
    client = Client()
    client.force_login(people.secretary, backend="django.contrib.auth.backends.ModelBackend")
    documents["no-member"] = client.get(reverse("workbench:me")).content.decode()
    judges.assert_valid_html(documents)

"""What the end-to-end journeys at 390 px share: the branch they happen in, phones, the login form, and a
``Judged`` collector that puts every distinct page a journey visits under axe-core (in the browser, as the user
sees it) and the Nu HTML checker (the HTML as the server sent it, all pages of a journey in one run).

The branch is the test World's 塔元庄村党支部 during the 党性分析 week of a running campaign (today is day 2 of
the 'party_analysis' milestone's window, so reports can be written and submitted), with an assessment period
open today, the seed's criteria sets, a secretary, an 在职 member with an account (张建国) and a farmer member
with an account (刘庄稼).
"""

import datetime

from django.core.cache import cache
from django.utils import timezone

from evaluations.models import Period
from evaluations.services.mass import rate_limit_key
from orgs.enums import MemberCategory, Role
from orgs.models import RoleAssignment
from tests.conftest import PHONE_390
from tests.factories import MemberFactory, UserFactory, World, user_with_role
from tests.factories.evaluations_mass import analysis_campaign

PASSWORD = "pass-1234-word"


class Branch:
    """The data every journey starts from (see the module docstring)."""

    def __init__(self):
        from campaign.models import Campaign, Milestone, Phase
        from campaign.seed import load_seed_campaign
        from evaluations.models import CriteriaSet, Criterion
        from evaluations.seed import load_seed_criteria

        self.world = World()
        self.org = self.world.branch_a
        load_seed_criteria(CriteriaSet, Criterion)
        self.campaign = analysis_campaign(load_seed_campaign(Campaign, Phase, Milestone))
        today = timezone.localdate()
        self.period = Period.objects.create(
            name="2010年度考核评议",
            code="journey-open",
            start_date=today - datetime.timedelta(days=30),
            end_date=today + datetime.timedelta(days=60),
        )
        self.secretary = user_with_role(self.org, Role.SECRETARY, username="shuji", full_name="塔元庄书记")
        self.member = self.world.member_a  # 在职 (the factory's default category)
        self.member_user = member_account(self.member, "dangyuan")
        self.farmer = MemberFactory(org=self.org, name="刘庄稼", category=MemberCategory.FARMER, post="种植户")
        self.farmer_user = member_account(self.farmer, "nongmin")
        self.id_numbers = [m.id_number for m in (self.member, self.farmer)]


def member_account(member, username):
    user = UserFactory(username=username, full_name=member.name, member=member)
    RoleAssignment.objects.create(user=user, org=member.org, role=Role.MEMBER)
    return user


def new_phone(browser):
    """A fresh 390 px phone (its own cookies: nobody signed in)."""
    context = browser.new_context(**PHONE_390)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def log_in(page, base_url, username):
    """Sign in through the login form, as a person on a phone does; returns where the portal sent him."""
    if not page.url.startswith(f"{base_url}/accounts/login/"):
        page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page.url.removeprefix(base_url)


def open_nav(page, name, menu=None):
    """Follow a link of the main navigation on a phone: the menu is collapsed behind its toggler (and the
    link may sit in the dropdown ``menu``)."""
    page.get_by_role("button", name="展开导航").click()
    nav = page.locator("#mainnav")
    if menu is not None:
        nav.get_by_role("button", name=menu, exact=True).click()
    nav.get_by_role("link", name=name, exact=True).click()


def clear_rate_limit():
    """The answer page counts requests per address; every phone of a test comes from 127.0.0.1."""
    cache.delete(rate_limit_key("127.0.0.1"))


def main_text(page) -> str:
    return page.locator("main").inner_text()


class Judged:
    """Collects the pages a journey visits: each one is checked when it is seen (no sideways scroll, axe-core,
    every tap target at least 44 × 44 px), its server HTML kept for one run of the Nu checker at the end
    (``assert_valid``)."""

    def __init__(self, judges, *, never=()):
        self.judges = judges
        self.documents = {}
        self.never = list(never)  # what no page may show (full ID numbers)

    def see(self, page, name, html=None):
        """Judge ``page`` as it is now. ``html``: the body the server sent; by default the current URL is
        fetched again with the page's cookies (for pages that a GET may repeat without changing anything)."""
        assert name not in self.documents, f"{name} judged twice"
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"{name}: sideways scroll"
        self.judges.assert_axe_clean(page, name=f"{name} at 390 px")
        small = self.judges.small_tap_targets(page)
        assert not small, f"{name}: under 44 × 44 px to tap: {small}"
        if html is None:
            response = page.request.get(page.url)
            assert response.ok, (name, response.status)
            html = response.text()
        for text in self.never:
            assert text not in html, f"{name} shows {text}"
        self.documents[name] = html

    def assert_valid(self):
        self.judges.assert_valid_html(self.documents)

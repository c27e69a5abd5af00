"""The outside judges on the portal's pages: axe-core (WCAG 2.1 A/AA) at 390 px on a phone and at 1280 px, the
Nu HTML checker on the HTML the server sends, and 44 × 44 px tap targets on the phone.

"0 axe violations and 0 Nu errors" is the bar (DESIGN.md: everything works at 390 px, labels on every field,
valid HTML).

To put a new page under the judges, add one line to ``PAGES``::

    Judged("my-campaign", "member", lambda s: reverse("workbench:me"), "我的创先争优"),

- a short name (the test id),
- the role of the user who opens it (a key of ``ROLES``: a user with that role on the node named there is made
  for the test and signed in; ``None`` for an anonymous visitor),
- the URL, as a function of the ``Scene`` (``s.world``, ``s.campaign``, ``s.plan``, ``s.org_token`` …; add a
  ``cached_property`` to ``Scene`` when the page needs data of its own: it is built only for pages that use it),
- a text the page must show (so that a redirect to the wrong page cannot pass unnoticed),
- optionally ``status=`` (default 200), ``submit=True`` to judge the page the form answers when it is sent
  empty (its error state), and ``settings=`` overrides.

``JUDGES_SHOTS=/tmp/shots ./test.sh tests/browser/test_judges.py -k judged_page`` also saves a full-page screenshot of
every judged page at both widths, to look at.

Every entry is then checked by ``test_judged_page`` (axe and sideways scroll at both widths, tap targets on the
phone) and, with all the other pages in one run of the checker, by ``test_valid_html``. The helpers themselves
(``assert_axe_clean``, ``assert_valid_html``, ``small_tap_targets``, ``session_cookie``) are in tests/judges.py,
for a test of its own; the ``judges`` fixture (tests/conftest.py) hands them over and fails when a tool is missing.
"""

import datetime
import functools
import os
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from common.actors import SYSTEM
from orgs.enums import Role
from tests.conftest import PHONE_390
from tests.factories import World, user_with_role
from tests.judges import TAP_TARGETS, session_cookie  # noqa: F401  (TAP_TARGETS: older imports from here)

pytestmark = pytest.mark.django_db(transaction=True)

# role key → (Role, World attribute of the node, sector)
ROLES = {
    "leading_group": (Role.LEADING_GROUP, "province", ""),
    "org_department": (Role.ORG_DEPARTMENT, "county_a", ""),
    "sector_supervisor": (Role.SECTOR_SUPERVISOR, "city_a", "rural"),
    "secretary": (Role.SECRETARY, "branch_a", ""),
    "member": (Role.MEMBER, "branch_a", ""),
    "instructor": (Role.INSTRUCTOR, "branch_a", ""),
    "data_manager": (Role.DATA_MANAGER, "county_a", ""),
}
DESKTOP = {"locale": "zh-CN", "viewport": {"width": 1280, "height": 900}}
WIDTHS = {"phone": PHONE_390, "desktop": DESKTOP}
# The public pages count every request against the address's rate limit; the judges open them many times.
NO_RATE_LIMIT = {"MASS_RATE_LIMIT": 100_000}


class Scene:
    """The data the judged pages show: the test world, a running campaign, the criteria; the rest is built on
    first use, so a page costs only what it needs."""

    def __init__(self):
        from campaign.models import Campaign, Milestone, Phase
        from campaign.seed import load_seed_campaign
        from campaign.services.timeline import copy_campaign
        from evaluations.models import CriteriaSet, Criterion
        from evaluations.seed import load_seed_criteria

        self.world = World()
        seed = load_seed_campaign(Campaign, Phase, Milestone)
        start = timezone.localdate() - datetime.timedelta(days=10)
        self.campaign = copy_campaign(seed, name="评判测试活动", code="judges-running", start_date=start, by=SYSTEM)
        load_seed_criteria(CriteriaSet, Criterion)
        self._users = {}

    def user(self, role_key):
        if role_key not in self._users:
            role, node, sector = ROLES[role_key]
            user = user_with_role(getattr(self.world, node), role, sector=sector, username=f"judge-{role_key}")
            if role == Role.MEMBER:
                user.member = self.world.member_a
                user.save(update_fields=["member"])
            self._users[role_key] = user
        return self._users[role_key]

    def criteria(self, code):
        from evaluations.models import CriteriaSet

        return CriteriaSet.objects.get(owner_org=None, code=code)

    @functools.cached_property
    def tally_batch(self):
        from tests.factories.evaluations_mass import make_batch

        batch, _tokens = make_batch(self.world.branch_a, self.criteria("five-good"), tokens=1)
        return batch

    @functools.cached_property
    def org_token(self):
        from tests.factories.evaluations_mass import make_batch

        _batch, tokens = make_batch(self.world.branch_a, self.criteria("five-good"), tokens=1)
        return tokens[0]

    @functools.cached_property
    def member_token(self):
        from tests.factories.evaluations_mass import make_batch

        member = self.world.member_a
        _batch, tokens = make_batch(self.world.branch_a, self.criteria("five-models"), members=[member], tokens=1)
        return tokens[member.pk][0]

    @functools.cached_property
    def used_token(self):
        from evaluations.models import MassToken
        from evaluations.services.mass import token_digest
        from tests.factories.evaluations_mass import make_batch

        _batch, tokens = make_batch(self.world.branch_a, self.criteria("five-good"), tokens=1)
        MassToken.objects.filter(digest=token_digest(tokens[0])).update(used_at=timezone.now())
        return tokens[0]

    @functools.cached_property
    def early_token(self):
        from tests.factories.evaluations_mass import make_batch

        now = timezone.now()
        _batch, tokens = make_batch(
            self.world.branch_a,
            self.criteria("five-good"),
            tokens=1,
            opens_at=now + datetime.timedelta(days=1),
            closes_at=now + datetime.timedelta(days=8),
        )
        return tokens[0]

    @functools.cached_property
    def exhibition(self):
        """The county's public exhibition with one captioned photo, and a second photo still to choose."""
        from campaign.services.attachments import attach_files
        from campaign.services.bulletins import add_exhibition_item, save_exhibition
        from tests.factories.campaign_activities import make_activity, png_upload

        county, by = self.world.county_a, self.user("org_department")
        activity = make_activity(self.world.branch_a, self.campaign, title="塔元庄主题党日", by=by)
        photo, _other = attach_files(
            activity, [png_upload("IMG_0001.png"), png_upload("IMG_0002.png")], org=self.world.branch_a, by=by
        )
        exhibition = save_exhibition(county, by=by, title="正定县创先争优成果展", public=True)
        add_exhibition_item(county, photo, by=by, caption=PHOTO_CAPTION)
        return exhibition

    @functools.cached_property
    def activity(self):
        from tests.factories.campaign_activities import make_activity

        return make_activity(self.world.branch_a, self.campaign, title="塔元庄主题党日", by=self.user("org_department"))

    @functools.cached_property
    def published_plan(self):
        from campaign.models import Plan
        from tests.factories.campaign_plans import make_plan

        return make_plan(self.campaign, self.world.branch_a2, status=Plan.Status.PUBLISHED, theme="争当师德标兵")

    @functools.cached_property
    def plan(self):
        from campaign.models import Plan
        from tests.factories.campaign_plans import make_plan

        return make_plan(self.campaign, self.world.branch_a, status=Plan.Status.SUBMITTED, theme="争创五个好党支部")


PHOTO_CAPTION = "塔元庄村党员义务修路"


def answer_url(token):
    return reverse("evaluations:mass_answer", args=[token])


@dataclass(frozen=True)
class Judged:
    name: str
    role: str | None
    url: Callable[[Scene], str]
    text: str
    status: int = 200
    submit: bool = False
    settings: dict = field(default_factory=dict)
    wait_for: str = ""  # a selector to wait for when the page builds itself in the browser (the API's docs)


PAGES = [
    Judged("login", None, lambda s: reverse("login"), "登录"),
    # where each role starts (orgs.views.accounts.HomeView): the 数据管理员 in the admin, the others in the portal
    *(
        Judged(
            f"home-{role}",
            role,
            lambda s: reverse("home"),
            "数据管理" if role == "data_manager" else "创先争优活动管理平台",
        )
        for role in ROLES
    ),
    Judged("mass-answer-org", None, lambda s: answer_url(s.org_token), "评议组织：塔元庄村党支部"),
    Judged("mass-answer-member", None, lambda s: answer_url(s.member_token), "评议党员：张建国"),
    Judged("mass-answer-errors", None, lambda s: answer_url(s.org_token), "请检查标红的项目", status=400, submit=True),
    Judged("mass-enter", None, lambda s: reverse("evaluations:mass_enter"), "请输入二维码下方的评议码"),
    Judged("mass-enter-errors", None, lambda s: reverse("evaluations:mass_enter") + "?code=", "请输入评议码", 400),
    Judged(
        "mass-tally",
        "org_department",
        lambda s: reverse("evaluations:mass_tally", args=[s.tally_batch.pk]),
        "录入纸质选票",
    ),
    Judged("mass-thanks", None, lambda s: reverse("evaluations:mass_thanks"), "评议已提交"),
    Judged("mass-used", None, lambda s: answer_url(s.used_token), "这个二维码已经使用过了", status=410),
    Judged("mass-not-open", None, lambda s: answer_url(s.early_token), "评议时间", status=403),
    Judged(
        "mass-limited",
        None,
        lambda s: answer_url("x" * 22),
        "访问过于频繁",
        status=429,
        settings={"MASS_RATE_LIMIT": 0},
    ),
    Judged("timeline", "org_department", lambda s: reverse("campaign:timeline"), "节点任务"),
    Judged("member-list", "org_department", lambda s: reverse("orgs:member_list"), "张建国"),
    Judged("plan", "org_department", lambda s: reverse("campaign:plan_detail", args=[s.plan.pk]), "争创五个好党支部"),
    Judged("plan-compare", "org_department", lambda s: reverse("campaign:plan_compare", args=[s.plan.pk]), "版本对比"),
    Judged(
        "plan-form", "secretary", lambda s: reverse("campaign:plan_create", args=[s.world.branch_a.code]), "活动载体"
    ),
    Judged("supervision", "org_department", lambda s: reverse("campaign:supervision"), "限期整改"),
    Judged("masses", "secretary", lambda s: reverse("masswork:masses"), "党员联系户"),
    # list filters with the organization picker (a code in the query string is shown as the picked organization)
    Judged("activity-list", "org_department", lambda s: f"{reverse('campaign:activity_list')}?org=130123", "活动记录"),
    Judged("badge-list", "org_department", lambda s: f"{reverse('campaign:badge_list')}?org=130123", "亮牌示范"),
    Judged(
        "exhibition",
        "org_department",
        lambda s: reverse("campaign:exhibition", args=[s.exhibition.org.code]),
        PHOTO_CAPTION,
    ),
    Judged(
        "exhibition-photos",
        "org_department",
        lambda s: reverse("campaign:exhibition_photos", args=[s.exhibition.org.code]),
        "加入展览",
    ),
    Judged(
        "public-org", None, lambda s: reverse("campaign:public_org", args=[s.published_plan.org.code]), "争当师德标兵"
    ),
    Judged(
        "exhibition-public",
        None,
        lambda s: reverse("campaign:public_exhibition", args=[s.exhibition.org.code]),
        PHOTO_CAPTION,
    ),
    # the REST API's pages: the personal tokens (and the form's error state), Swagger UI and Redoc
    Judged("api-tokens", "secretary", lambda s: reverse("api:tokens"), "个人API令牌"),
    Judged("api-tokens-errors", "secretary", lambda s: reverse("api:tokens"), "个人API令牌", submit=True),
    Judged(
        "api-swagger", None, lambda s: reverse("api:swagger"), "创先争优活动管理平台 API", wait_for=".swagger-ui .info"
    ),
    Judged("api-redoc", None, lambda s: reverse("api:redoc"), "创先争优活动管理平台 API", wait_for="#redoc h1"),
    # the 数据管理员's pages: Django's admin, scoped to his county (an index, a changelist with its filters and
    # search, a change form written through the service, a read-only record)
    Judged("admin-index", "data_manager", lambda s: reverse("admin:index"), "数据管理"),
    Judged("admin-members", "data_manager", lambda s: reverse("admin:orgs_member_changelist"), "张建国"),
    Judged(
        "admin-member",
        "data_manager",
        lambda s: reverse("admin:orgs_member_change", args=[s.world.member_a.pk]),
        "张建国",
    ),
    Judged(
        "admin-activity",
        "data_manager",
        lambda s: reverse("admin:campaign_activityrecord_change", args=[s.activity.pk]),
        "塔元庄主题党日",
    ),
]


@pytest.fixture
def scene(db):
    cache.clear()
    yield Scene()
    cache.clear()


def open_judged(browser, live_server, scene, judged, width):
    """A new browser context at ``width``, signed in as the page's user, on the judged page. Returns the page."""
    context = browser.new_context(**WIDTHS[width])
    if judged.role:
        context.add_cookies([session_cookie(scene.user(judged.role), live_server.url)])
    page = context.new_page()
    page.set_default_timeout(10_000)
    response = page.goto(live_server.url + judged.url(scene))
    if judged.submit:
        page.once("dialog", lambda dialog: dialog.accept())  # a button that asks first (static/js/confirm.js)
        with page.expect_navigation() as navigation:
            page.locator("main form [type=submit]").last.click()
        response = navigation.value
    assert response.status == judged.status, (judged.name, page.url, response.status)
    if judged.wait_for:
        page.locator(judged.wait_for).first.wait_for()
    assert judged.text in page.locator("body").inner_text(), (judged.name, page.url)
    return page


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("judged", PAGES, ids=lambda j: j.name)
def test_judged_page(judged, width, judges, browser, live_server, scene):
    """axe finds no WCAG 2.1 A/AA violation and nothing scrolls sideways; on the phone, with the menu opened,
    every link, button and checkbox outside running text is at least 44 × 44 px to tap."""
    with override_settings(**{**NO_RATE_LIMIT, **judged.settings}):
        page = open_judged(browser, live_server, scene, judged, width)
        try:
            if os.environ.get("JUDGES_SHOTS"):
                shot = os.path.join(os.environ["JUDGES_SHOTS"], f"{judged.name}-{width}.png")
                page.screenshot(path=shot, full_page=True)
            problems = []
            violations = judges.axe_violations(page)
            if violations:
                problems.append(f"axe: {len(violations)} violation(s)\n{judges.format_violations(violations)}")
            if not page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"):
                problems.append("the page scrolls sideways")
            if width == "phone":
                toggler = page.locator(".navbar-toggler")
                if toggler.count() and toggler.is_visible():
                    toggler.click()
                    page.locator("#mainnav.show").wait_for()
                    menu = judges.axe_violations(page, "#mainnav")
                    if menu:
                        problems.append(f"axe, menu opened:\n{judges.format_violations(menu)}")
                small = judges.small_tap_targets(page)
                if small:
                    problems.append("targets under 44×44 px:\n" + "\n".join(small))
            if problems:
                pytest.fail(f"{judged.name} at {width}:\n" + "\n".join(problems), pytrace=False)
        finally:
            page.context.close()


def test_valid_html(judges, scene):
    """Every judged page as the server sends it, through the Nu HTML checker in one run."""
    documents = {}
    for judged in PAGES:
        client = Client()
        if judged.role:
            client.force_login(scene.user(judged.role), backend="django.contrib.auth.backends.ModelBackend")
        with override_settings(**{**NO_RATE_LIMIT, **judged.settings}):
            url = judged.url(scene)
            response = client.post(url, {}) if judged.submit else client.get(url, follow=True)
        assert response.status_code == judged.status, (judged.name, response.status_code)
        html = response.content.decode()
        assert judged.text in html, judged.name
        documents[judged.name] = html
    judges.assert_valid_html(documents)


def test_photo_alt_text_is_the_caption_never_a_file_name(scene, client):
    """A photo on the exhibition pages is described by its caption (what a screen reader says), never by the
    uploaded file's name."""
    code = scene.exhibition.org.code
    public = client.get(reverse("campaign:public_exhibition", args=[code])).content.decode()
    assert f'alt="{PHOTO_CAPTION}"' in public
    client.force_login(scene.user("org_department"), backend="django.contrib.auth.backends.ModelBackend")
    managed = client.get(reverse("campaign:exhibition", args=[code])).content.decode()
    assert f'alt="{PHOTO_CAPTION}"' in managed
    picker = client.get(reverse("campaign:exhibition_photos", args=[code])).content.decode()
    assert 'alt="待选图片：塔元庄村党支部，' in picker
    for html in (public, managed, picker):
        assert "IMG_000" not in html


def test_favicon(client, db):
    """Every page links the icon, and /favicon.ico (which browsers ask for regardless) does not answer 404."""
    from django.contrib.staticfiles import finders

    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response.url == "/static/favicon.ico"
    with open(finders.find("favicon.ico"), "rb") as ico:
        assert ico.read(4) == b"\x00\x00\x01\x00"  # an ICO header
    with open(finders.find("favicon.svg"), encoding="utf-8") as svg:
        assert svg.read().startswith("<svg")
    login_page = client.get(reverse("login")).content.decode()
    assert 'rel="icon" href="/static/favicon.svg" type="image/svg+xml"' in login_page
    assert 'rel="icon" href="/static/favicon.ico"' in login_page


@pytest.mark.browser
def test_favicon_is_served(page, live_server):
    response = page.goto(live_server.url + "/favicon.ico")
    assert response.status == 200
    assert response.headers["content-type"] in ("image/x-icon", "image/vnd.microsoft.icon")


def test_the_nu_checker_reports_what_it_finds(judges):
    """The judge itself: a clean document passes, a broken one fails naming the document, the line and the error
    (a judge that stopped reading the checker's answer would pass everything)."""
    good = "<!DOCTYPE html><html lang=zh><title>好</title><p>x</p></html>"
    bad = "<!DOCTYPE html><html lang=zh><title>坏</title>\n<input type=radio autocomplete=off name=a></html>"
    judges.assert_valid_html({"good": good})
    with pytest.raises(pytest.fail.Exception) as failure:
        judges.assert_valid_html({"good": good, "坏页面": bad})
    message = str(failure.value)
    assert "1 error(s) in 1 document(s)" in message
    assert "坏页面, line 2: Attribute “autocomplete” is only allowed" in message


@pytest.mark.browser
def test_axe_reports_what_it_finds(judges, page):
    page.set_content("<!DOCTYPE html><html lang=zh><title>t</title><main><input id=x><a href=/>ok</a></main></html>")
    with pytest.raises(pytest.fail.Exception) as failure:
        judges.assert_axe_clean(page, name="an unlabelled field")
    assert "- label [critical]" in str(failure.value) and "#x" in str(failure.value)

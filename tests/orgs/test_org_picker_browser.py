"""The organization picker in a browser at 390 px: chosen with the keyboard only (search, then walking the
tree), judged by axe-core and the Nu HTML checker, 44 px targets, no sideways scroll."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from orgs.enums import Role
from orgs.models import Member
from tests.factories import World, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INPUT = "#id_to_org"
ACTIVE = "[role=tree] [role=treeitem].is-active"


def sign_in(page, live_server, user):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


def tab_to(page, selector, limit=40):
    """Move the focus with Tab only, until ``selector`` has it."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"{selector} not reached with Tab")


def active_name(page):
    page.locator(ACTIVE).wait_for()
    return page.locator(ACTIVE).get_attribute("data-name")


@pytest.fixture
def scene(db):
    world = World()
    user = user_with_role(world.county_a, Role.ORG_DEPARTMENT, username="zhengding")
    return world, user


def test_pick_with_the_keyboard_only_at_390(live_server, phone, scene, judges):
    world, user = scene
    phone.set_viewport_size({"width": 390, "height": 844})
    sign_in(phone, live_server, user)
    phone.goto(live_server.url + reverse("orgs:member_transfer", args=[world.member_a.pk]))
    field = phone.locator(INPUT)
    assert field.get_attribute("role") == "combobox"

    # search by pinyin initials, Down to the first match, Enter chooses it
    tab_to(phone, INPUT)
    phone.keyboard.type("zdz")
    phone.locator("[role=tree] [data-code]").first.wait_for()
    assert field.get_attribute("aria-expanded") == "true"
    assert phone.locator("[role=tree] [data-code='130223100201']").count() == 0  # another county: never offered
    phone.keyboard.press("ArrowDown")
    # a transfer goes to a basic organization: 正定镇 (also "zdz…") is not offered by the search
    assert active_name(phone) == "正定镇中学党支部"
    assert phone.locator("[role=tree] [data-code='130123100']").count() == 0
    assert field.get_attribute("aria-activedescendant") == phone.locator(ACTIVE).get_attribute("id")
    judges.assert_axe_clean(phone, name="picker open at 390 px")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    small = phone.evaluate(
        """() => [...document.querySelectorAll('.org-picker-row, .org-picker-twisty, .org-picker-browse')]
            .filter(e => e.getBoundingClientRect().width > 0)
            .filter(e => e.getBoundingClientRect().height < 43.5 || e.getBoundingClientRect().width < 43.5)
            .map(e => e.className)"""
    )
    assert small == []
    phone.keyboard.press("Escape")
    assert field.get_attribute("aria-expanded") == "false"
    assert phone.locator(".org-picker-popup").is_hidden()

    # walk the tree: clear the text, Down opens the top node, Right opens it and moves in
    phone.keyboard.press("Control+A")
    phone.keyboard.press("Backspace")
    phone.keyboard.press("ArrowDown")
    assert active_name(phone) == "正定县"  # shown to be opened: a county cannot take a member
    assert phone.locator(ACTIVE).get_attribute("aria-disabled") == "true"
    phone.keyboard.press("Enter")  # on an item that cannot be chosen, Enter opens it instead
    phone.locator(ACTIVE + "[aria-expanded=true] + [role=treeitem]").first.wait_for()
    phone.keyboard.press("ArrowLeft")  # closes it again
    assert phone.locator(ACTIVE).get_attribute("aria-expanded") == "false"
    assert field.input_value() == ""
    phone.keyboard.press("ArrowRight")  # opens 正定县 (children fetched once, with htmx)
    phone.locator(ACTIVE + "[aria-expanded=true] + [role=treeitem]").first.wait_for()
    phone.keyboard.press("ArrowRight")  # into its first child
    assert active_name(phone) == "正定镇"
    phone.keyboard.press("ArrowRight")
    phone.locator(ACTIVE + "[aria-expanded=true] + [role=treeitem]").first.wait_for()
    phone.keyboard.press("ArrowRight")
    assert active_name(phone) == "塔元庄村党支部"
    assert phone.locator(ACTIVE).get_attribute("aria-level") == "3"  # the list is flat: the level says the nesting
    phone.keyboard.press("ArrowDown")
    assert active_name(phone) == "正定镇中学党支部"
    phone.keyboard.press("ArrowLeft")  # to the parent
    assert active_name(phone) == "正定镇"
    phone.keyboard.press("ArrowDown")
    phone.keyboard.press("ArrowDown")
    assert active_name(phone) == "正定镇中学党支部"
    judges.assert_axe_clean(phone, name="picker walked at 390 px")
    phone.keyboard.press("Enter")
    assert field.input_value() == world.branch_a2.code
    assert phone.locator(".org-picker-chosen").inner_text().startswith("已选择：正定镇中学党支部（130123100202）")
    assert phone.locator(".org-picker-popup").is_hidden()

    # Enter with the popup closed sends the form
    with phone.expect_navigation():
        phone.keyboard.press("Enter")
    assert Member.objects.get(pk=world.member_a.pk).org_id == world.branch_a2.pk


def test_tap_chooses_and_twisty_opens(live_server, phone, scene):
    world, user = scene
    phone.set_viewport_size({"width": 390, "height": 844})
    sign_in(phone, live_server, user)
    phone.goto(live_server.url + reverse("orgs:member_transfer", args=[world.member_a.pk]))
    phone.get_by_role("button", name="浏览组织").tap()
    county = phone.locator("[role=tree] > [data-code='130123']")
    county.locator(".org-picker-twisty").first.tap()
    town = phone.locator("[data-code='130123100']")
    town.wait_for()
    town.locator(".org-picker-twisty").first.tap()
    phone.locator("[data-code='130123100202'] .org-picker-row").tap()
    assert phone.locator(INPUT).input_value() == "130123100202"
    assert phone.locator(".org-picker-popup").is_hidden()


def test_pages_are_valid_html(scene, judges, client):
    world, user = scene
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    docs = {
        "member-create": client.get(reverse("orgs:member_create"), {"org": world.branch_a.code}),
        "member-transfer": client.get(reverse("orgs:member_transfer", args=[world.member_a.pk])),
        "member-transfer-error": client.post(
            reverse("orgs:member_transfer", args=[world.member_a.pk]), {"to_org": world.branch_b.code}
        ),
        "tree-search": client.get(reverse("orgs:tree"), {"q": "zd"}),
    }
    html = {name: response.content.decode() for name, response in docs.items()}
    assert "未找到该组织，或不在您的管理范围内" in html["member-transfer-error"]
    for name, params in {"picker-search": {"q": "zd"}, "picker-top": {"levels": "basic"}}.items():
        items = client.get(reverse("orgs:picker"), params).content.decode()
        html[name] = (
            '<!DOCTYPE html><html lang="zh-hans"><head><meta charset="utf-8"><title>picker</title></head><body>'
            f'<ul role="tree" aria-label="组织">{items}</ul></body></html>'
        )
    judges.assert_valid_html(html)


def test_tree_page_search_at_390(live_server, phone, scene, judges):
    world, user = scene
    phone.set_viewport_size({"width": 390, "height": 844})
    sign_in(phone, live_server, user)
    phone.goto(live_server.url + reverse("orgs:tree"))
    phone.get_by_label("查找组织").fill("tyz")
    phone.keyboard.press("Enter")
    phone.get_by_role("heading", name="“tyz”的查找结果").wait_for()
    result = phone.locator(".org-search-result")
    assert result.count() == 1 and "正定县 › 正定镇" in result.inner_text()
    judges.assert_axe_clean(phone, name="tree search at 390 px")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    result.get_by_role("link", name="塔元庄村党支部").click()
    phone.wait_for_url(f"**/orgs/{world.branch_a.code}/")

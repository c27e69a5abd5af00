"""A county org_department user logs in, drills down the tree and opens a member."""

from pathlib import Path

import pytest

from orgs.enums import Role
from tests.factories import World, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def _login(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("pass-1234-word")
    page.get_by_role("button", name="登录").click()


def test_county_user_drills_down_and_opens_a_member(live_server, page):
    world = World()
    user_with_role(world.county_a, Role.ORG_DEPARTMENT, username="zhengding")
    _login(page, live_server.url, "zhengding")
    page.wait_for_url(f"{live_server.url}/workbench/department/")  # an 组织部 starts on 组织部工作台
    page.get_by_role("link", name="组织架构", exact=True).first.click()
    page.wait_for_url(f"{live_server.url}/orgs/")
    tree = page.locator("#tree")
    assert "正定县" in tree.inner_text()
    assert "唐山市" not in page.content()
    page.get_by_role("button", name="展开 正定县 的下级组织").click()
    page.get_by_role("link", name="正定镇").wait_for()
    page.get_by_role("button", name="展开 正定镇 的下级组织").click()
    page.get_by_role("link", name="塔元庄村党支部").click()

    page.wait_for_url(f"**/orgs/{world.branch_a.code}/")
    assert page.get_by_role("heading", level=1).inner_text() == "塔元庄村党支部"
    page.get_by_role("link", name="查看党员").click()
    page.get_by_role("link", name="张建国").click()
    page.wait_for_url(f"**/members/{world.member_a.pk}/")
    assert page.locator("#id-number").inner_text() == world.member_a.masked_id_number
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "member_detail.png"), full_page=True)

    page.get_by_role("button", name="显示完整号码（将记录查看）").click()
    page.locator("#id-number", has_text=world.member_a.id_number).wait_for()


def test_phone_width_navigation(live_server, phone):
    world = World()
    user_with_role(world.county_a, Role.ORG_DEPARTMENT, username="zhengding")
    _login(phone, live_server.url, "zhengding")
    phone.wait_for_url(f"{live_server.url}/workbench/department/")
    # the menu folds behind the toggler and opens on tap
    assert not phone.get_by_role("link", name="党员", exact=True).is_visible()
    phone.get_by_role("button", name="展开导航").click()
    phone.get_by_role("link", name="党员", exact=True).click()
    phone.wait_for_url(f"{live_server.url}/members/")
    # no horizontal scrolling of the page itself
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SHOTS / "member_list_phone.png"), full_page=True)

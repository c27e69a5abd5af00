"""Every link the navigation shows a role opens for that role (no menu entry leads to 403)."""

import re

import pytest
from django.urls import reverse

from orgs.enums import Role
from tests.factories import user_with_role

NAV = re.compile(r'<nav class="navbar.*?</nav>', re.S)
HREF = re.compile(r'href="(/[^"#]*)"')


@pytest.mark.parametrize(
    "role, node",
    [
        (Role.LEADING_GROUP, "province"),
        (Role.ORG_DEPARTMENT, "county_a"),
        (Role.ORG_DEPARTMENT, "city_a"),
        (Role.SECTOR_SUPERVISOR, "city_a"),
        (Role.SECRETARY, "branch_a"),
        (Role.MEMBER, "branch_a"),
    ],
)
def test_every_menu_link_opens(role, node, world, campaign, login):
    user = user_with_role(getattr(world, node), role, sector="rural" if role == Role.SECTOR_SUPERVISOR else "")
    if role == Role.MEMBER:
        user.member = world.member_a
        user.save(update_fields=["member"])
    client = login(user)
    page = client.get(reverse("orgs:tree")).content.decode()
    links = sorted(set(HREF.findall(NAV.search(page).group(0))))
    assert reverse("campaign:timeline") in links
    for url in links:
        response = client.get(url)
        assert response.status_code in (200, 302), (role, url, response.status_code)
        if response.status_code == 302:  # e.g. the dashboard sends you to your own node, home to your start page
            assert client.get(response.url, follow=True).status_code == 200, (role, url, response.url)


def test_member_menu_is_short(world, campaign, login):
    user = user_with_role(world.branch_a, Role.MEMBER)
    html = login(user).get(reverse("orgs:tree")).content.decode()
    for hidden in ("实施方案", "督促检查", "上报实施意见", "评选表彰", "表彰文件与先进典型", "导入导出", "亮牌示范"):
        assert hidden not in html, hidden
    assert "公开承诺" in html and "活动进度" in html


def test_badge_register_link_for_readers_only(world, campaign, login):
    """亮牌示范 sits under 活动推进 for the roles that may open it (a secretary), not for a member."""
    secretary = user_with_role(world.branch_a, Role.SECRETARY)
    nav = NAV.search(login(secretary).get(reverse("orgs:tree")).content.decode()).group(0)
    assert f'href="{reverse("campaign:badge_list")}"' in nav and "亮牌示范" in nav

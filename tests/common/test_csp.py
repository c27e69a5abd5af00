"""Every HTML page carries a strict Content-Security-Policy, and no page relies on what it forbids
(inline <script>, <style> elements, style="" attributes)."""

import re

import pytest
from django.urls import reverse

from orgs.enums import Role
from tests.factories import user_with_role

HREF = re.compile(r'href="(/[^"#]*)"')
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.I)


def _check(response, url):
    assert response.status_code == 200, url
    if not response["Content-Type"].startswith("text/html"):
        return
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy, url
    assert "unsafe-inline" not in policy, url
    html = response.content.decode()
    assert not INLINE_SCRIPT.search(html), (url, INLINE_SCRIPT.search(html).group(0))
    assert not INLINE_STYLE.search(html), (url, html[INLINE_STYLE.search(html).start() - 80 :][:200])


@pytest.mark.parametrize(
    "role, node",
    [
        (Role.LEADING_GROUP, "province"),
        (Role.ORG_DEPARTMENT, "county_a"),
        (Role.SECTOR_SUPERVISOR, "city_a"),
        (Role.SECRETARY, "branch_a"),
        (Role.MEMBER, "branch_a"),
    ],
)
def test_every_linked_page_has_the_policy(role, node, world, campaign, login):
    user = user_with_role(getattr(world, node), role, sector="rural" if role == Role.SECTOR_SUPERVISOR else "")
    if role == Role.MEMBER:
        user.member = world.member_a
        user.save(update_fields=["member"])
    client = login(user)
    start = client.get(reverse("home"), follow=True)
    _check(start, "home")
    seen = set()
    for url in sorted(set(HREF.findall(start.content.decode()))):
        if url.startswith("/static/") or url in seen:
            continue
        seen.add(url)
        _check(client.get(url, follow=True), url)


def test_public_and_login_pages_have_the_policy(client, db):
    _check(client.get(reverse("login")), "login")

"""The 亮牌示范 section of the dashboard in Chromium, at 390 px on a phone and at 1280 px: nothing scrolls sideways,
the figures are readable, axe finds no WCAG 2.1 A/AA violation in the section, the server's HTML is valid.

``JUDGES_SHOTS=/tmp/shots`` saves a screenshot of the section at both widths (as tests/browser/test_judges.py does).
"""

import os

import pytest

from tests.dashboards.test_views import url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"phone": 390, "desktop": 1280}


def _open(browser, live_server, user, width):
    from tests.conftest import PHONE_390
    from tests.judges import session_cookie

    if width == "phone":
        context = browser.new_context(**PHONE_390)
    else:
        context = browser.new_context(locale="zh-CN", viewport={"width": WIDTHS[width], "height": 900})
    context.add_cookies([session_cookie(user, live_server.url)])
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


@pytest.mark.parametrize("width", list(WIDTHS))
def test_badges_section_at_phone_and_desktop_width(browser, live_server, judges, dash, people, width):
    page = _open(browser, live_server, people.province_lg, width)
    try:
        page.goto(f"{live_server.url}{url('node', dash.province.code)}")
        section = page.locator("#badges")
        section.scroll_into_view_if_needed()
        assert section.get_by_role("heading", level=2).inner_text() == "亮牌示范"
        assert page.locator("#fig-badges").inner_text() == "12"
        assert page.locator("#fig-wearing").inner_text() == "63.6%"
        table = page.locator("#table-badges")
        assert table.locator("tbody th").all_inner_texts()[:4] == ["党员示范户", "党员先锋岗", "党员责任区", "示范岗位"]
        # the page never scrolls sideways; the section's table fits its column (only the drill-down table, with a
        # column per figure, scrolls inside its own box)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        box, view = table.bounding_box(), page.viewport_size
        assert box["x"] >= 0 and box["x"] + box["width"] <= view["width"]
        children = page.locator("#table-children")
        assert children.locator("thead th").filter(has_text="佩戴党徽率").count() == 1
        if os.environ.get("JUDGES_SHOTS"):
            shot = os.path.join(os.environ["JUDGES_SHOTS"], f"dashboard-badges-{width}.png")
            section.screenshot(path=shot)
            page.screenshot(path=shot.replace(".png", "-page.png"), full_page=True)
            # the drill-down table scrolled to its last columns (亮牌示范 per child)
            box = page.locator("#children .table-responsive")
            box.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
            box.screenshot(path=shot.replace(".png", "-children.png"))
        judges.assert_axe_clean(page, "#badges", name=f"dashboard #badges at {width}")
    finally:
        page.context.close()


def test_dashboard_html_is_valid(client, login, judges, dash, people):
    login(people.province_lg)
    response = client.get(url("node", dash.province.code))
    assert 'id="badges-heading"' in response.content.decode()
    judges.assert_valid_html({"dashboard": response.content})

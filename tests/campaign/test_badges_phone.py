"""亮牌示范 on a 390 px phone: a secretary registers a 党员先锋岗 and records 佩戴党徽; nothing scrolls sideways and
every tap target on the pages is at least 44×44 px."""

from pathlib import Path

import pytest
from django.utils import timezone

from orgs.enums import Role
from tests.factories import World, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

SMALL_TARGETS = """() => Array.from(document.querySelectorAll(
    'main a, main button, main input:not([type=hidden]), main select, main textarea'))
  .filter(el => el.offsetParent !== null)
  .map(el => { const r = el.getBoundingClientRect();
               return [el.outerHTML.slice(0, 90), Math.round(r.width), Math.round(r.height)]; })
  .filter(([, w, h]) => w < 44 || h < 44)"""


@pytest.fixture
def phone390(browser):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def check_phone_page(page, served: dict):
    """No sideways scroll, 44 px targets, 0 axe violations; the HTML as served is kept for the Nu checker."""
    from tests.judges import assert_axe_clean

    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), page.url
    assert page.evaluate(SMALL_TARGETS) == [], page.url
    assert_axe_clean(page)
    served[page.url] = page.request.get(page.url).text()


def test_secretary_registers_on_a_phone(live_server, phone390):
    world = World()
    user_with_role(world.branch_a, Role.SECRETARY, username="shuji", full_name="塔元庄书记")
    base = live_server.url
    page = phone390
    served = {}
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill("shuji")
    page.get_by_label("密码").fill("pass-1234-word")
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()

    page.goto(f"{base}/campaign/badges/")
    assert "没有符合条件的登记" in page.locator("#badges").inner_text()
    check_phone_page(page, served)

    page.get_by_role("link", name="登记", exact=True).click()
    check_phone_page(page, served)
    page.get_by_label("类别").select_option(label="党员先锋岗")
    page.get_by_label("党员", exact=True).select_option(label="张建国（村民小组长）")
    page.get_by_label("地点").fill("村委会便民服务窗口")
    page.get_by_label("示范内容").fill("亮身份、亮承诺，带头办理群众事务")
    page.get_by_role("button", name="保存").click()
    page.locator("#badge-state").wait_for()
    assert page.locator("#badge-state").inner_text() == "示范中"
    assert "村委会便民服务窗口" in page.locator("#badge-fields").inner_text()
    check_phone_page(page, served)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "badges_detail_phone.png"), full_page=True)

    page.goto(f"{base}/campaign/badges/")
    assert "张建国" in page.locator("#badges").inner_text()
    check_phone_page(page, served)

    page.goto(f"{base}/campaign/badges/wearing/new/")
    check_phone_page(page, served)
    page.get_by_label("佩戴党徽人数").fill("1")
    page.get_by_role("button", name="保存").click()
    page.locator("#wearing").wait_for()
    assert "塔元庄村党支部 1 1 100.0%" in " ".join(page.locator("#wearing tbody").inner_text().split())
    assert timezone.localdate().strftime("%Y-%m") in page.locator("#wearing-totals").inner_text()
    check_phone_page(page, served)
    page.screenshot(path=str(SHOTS / "badges_wearing_phone.png"), full_page=True)
    from tests.judges import assert_valid_html

    assert_valid_html(served)

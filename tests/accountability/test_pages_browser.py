"""The new pages of 群众工作站 (masswork) and 述职评议 / 一定三有 (accountability) under the outside judges: at 390 px
on a phone (with the menu opened: every tap target at least 44 × 44 px) and at 1280 px, axe finds no WCAG 2.1 A/AA
violation and nothing scrolls sideways; the Nu HTML checker finds every page's HTML valid.

``JUDGES_SHOTS=/tmp/shots`` saves a full-page screenshot of every page at both widths.
"""

import datetime
import os

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WIDTHS = ("phone", "desktop")


@pytest.fixture
def pages(world, people, campaign):
    """(name, user, url, text the page shows) of every new page, on data made through the services; and
    (name, user, url, data posted, error shown) of the forms' error states."""
    from accountability import services as acc
    from dashboards.services import refresh
    from masswork.services import stations as mw

    today = timezone.localdate()
    station = mw.create_station(
        world.branch_a, by=people.secretary_a, name="塔元庄村群众工作站", address="村委会一楼",
        opening_hours="周一至周五 8:30—17:30", phone="0311-88012345", duty_members=[world.member_a],
        duty_others="村委会委员 刘桂兰 13931100601",
    )  # fmt: skip
    open_visit = mw.record_visit(
        station, by=people.secretary_a, visited_on=today - datetime.timedelta(days=1), topic="policy",
        request="咨询新型农村合作医疗报销手续", handled_by=world.member_a, visitor_name="村民李某",
        visitor_phone="13833334444",
    )  # fmt: skip
    mw.record_visit(
        station, by=people.secretary_a, visited_on=today, topic="technique", request="大棚病害",
        handler_name="农技员", action="现场指导", settle=True,
    )  # fmt: skip
    duty = acc.start_duty_report(world.branch_a, by=people.secretary_a, year=today.year, report="一年来的情况")
    acc.save_duty_report(duty, by=people.secretary_a, report="一年来的情况", submit=True)
    draft = acc.start_duty_report(world.branch_a2, by=people.secretary_a2, year=today.year, report="草稿")
    p = acc.define_item(world.province, by=people.province_od, title="定岗定责", description="按岗位明确职责")
    k = acc.define_item(world.county_a, by=people.county_od, title="有活动场所")
    acc.record_measure(world.branch_a, p, by=people.secretary_a, status="done", evidence="已张榜公示")
    acc.record_measure(world.branch_a, k, by=people.secretary_a, status="progress", evidence="改建中")
    refresh(campaign, today=today, force=True)
    sec, od, sec2 = people.secretary_a, people.county_od, people.secretary_a2
    village = world.branch_a.code
    return [
        ("station-list", sec, reverse("masswork:station_list"), "塔元庄村群众工作站"),
        ("station-create", sec, reverse("masswork:station_create"), "登记群众工作站"),
        ("station-detail", sec, reverse("masswork:station_detail", args=[station.pk]), "值班党员"),
        ("station-edit", sec, reverse("masswork:station_edit", args=[station.pk]), "修改群众工作站"),
        ("visit-create", sec, reverse("masswork:visit_create", args=[station.pk]), "登记来访"),
        ("visit-list", od, reverse("masswork:visit_list"), "共 2 件"),
        ("visit-detail", sec, reverse("masswork:visit_detail", args=[open_visit.pk]), "登记办结"),
        ("visit-edit", sec, reverse("masswork:visit_edit", args=[open_visit.pk]), "修改来访记录"),
        ("accountability-home", sec, reverse("accountability:home"), "基层党建述职评议"),
        ("duty-list", od, reverse("accountability:duty_list"), "已提交述职 1"),
        ("duty-missing", od, reverse("accountability:duty_missing"), "正定镇中学党支部"),
        ("duty-start", people.secretary_b, reverse("accountability:duty_start"), "述职年度"),
        ("duty-detail-rate", od, reverse("accountability:duty_detail", args=[duty.pk]), "提交评议"),
        ("duty-edit", sec2, reverse("accountability:duty_edit", args=[draft.pk]), "提交述职"),
        ("item-list", od, reverse("accountability:item_list"), "有活动场所"),
        ("item-create", od, reverse("accountability:item_create"), "适用范围"),
        ("measure-grid", od, reverse("accountability:grid"), "已落实 / 落实中 / 未落实"),
        ("measure-village", sec, reverse("accountability:village", args=[village]), "已落实 1 / 2 项"),
        ("measure-record", sec, reverse("accountability:measure_record", args=[village, k.pk]), "落实情况说明"),
        ("workbench", sec, reverse("workbench:org", args=[village]), "基层党建述职"),
        ("dashboard", od, reverse("dashboards:node", args=[world.county_a.code]), "述职评议"),
    ], [
        # the error states: each form sent with what a rule refuses
        ("station-create-errors", sec, reverse("masswork:station_create"), {}, "这个字段是必填项"),
        ("visit-close-errors", sec, reverse("masswork:visit_close", args=[open_visit.pk]),
         {"closed_on": "2000-01-01", "action": "x"}, "办结日期不能早于来访日期"),
        ("duty-rate-errors", od, reverse("accountability:duty_rate", args=[duty.pk]),
         {"rating": "poor", "comments": ""}, "评为一般或差时，请写明评议意见"),
        ("measure-record-errors", sec, reverse("accountability:measure_record", args=[village, k.pk]),
         {"status": "done", "evidence": ""}, "标记为已落实时，请填写落实情况说明或上传佐证材料"),
        ("item-create-errors", od, reverse("accountability:item_create"), {"scope": world.county_a.code},
         "这个字段是必填项"),
    ]  # fmt: skip


def _context(browser, width):
    from tests.conftest import PHONE_390

    if width == "phone":
        return browser.new_context(**PHONE_390)
    return browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})


@pytest.mark.parametrize("width", WIDTHS)
def test_new_pages_under_the_judges(browser, live_server, judges, pages, width):
    from tests.judges import session_cookie

    problems = []
    for name, user, url, shown in pages[0]:
        context = _context(browser, width)
        context.add_cookies([session_cookie(user, live_server.url)])
        page = context.new_page()
        page.set_default_timeout(10_000)
        try:
            response = page.goto(live_server.url + url)
            if response.status != 200 or shown not in page.locator("body").inner_text():
                problems.append(f"{name}: status {response.status} or “{shown}” missing")
                continue
            if os.environ.get("JUDGES_SHOTS"):
                page.screenshot(path=os.path.join(os.environ["JUDGES_SHOTS"], f"{name}-{width}.png"), full_page=True)
            violations = judges.axe_violations(page)
            if violations:
                problems.append(f"{name}: axe\n{judges.format_violations(violations)}")
            if not page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"):
                problems.append(f"{name}: the page scrolls sideways")
            if width == "phone":
                toggler = page.locator(".navbar-toggler")
                if toggler.count() and toggler.is_visible():
                    toggler.click()
                    page.locator("#mainnav.show").wait_for()
                small = judges.small_tap_targets(page)
                if small:
                    problems.append(f"{name}: targets under 44×44 px:\n" + "\n".join(small))
        finally:
            context.close()
    assert not problems, "\n".join(problems)


def test_new_pages_html_is_valid(judges, pages):
    documents = {}
    gets, posts = pages
    for name, user, url, data, shown in [(n, u, url, None, t) for n, u, url, t in gets] + posts:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        response = client.get(url) if data is None else client.post(url, data)
        assert response.status_code == 200, name
        html = response.content.decode()
        assert shown in html, name
        assert "style=" not in html and "<script>" not in html, name
        documents[name] = html
    judges.assert_valid_html(documents)

"""The provincial leading group opens the dashboard, drills into a city and a county, opens the list
behind a figure and downloads it as xlsx."""

import datetime
import io
from pathlib import Path

import pytest

from orgs.enums import Role
from tests.factories import user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def _login(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("pass-1234-word")
    page.get_by_role("button", name="登录").click()


@pytest.fixture
def dash(campaign):
    from dashboards.services import refresh
    from tests.factories.dashboards import DashWorld

    as_of = campaign.start_date + datetime.timedelta(days=100)
    data = DashWorld(campaign, today=as_of)
    refresh(campaign, today=as_of)
    user_with_role(data.province, Role.LEADING_GROUP, username="sheng_lg", full_name="省领导小组")
    return data


def test_leading_group_drills_down_and_downloads_a_list(live_server, page, dash):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _login(page, live_server.url, "sheng_lg")
    page.get_by_role("link", name="数据看板").first.click()
    page.wait_for_url(f"**/dashboards/{dash.province.code}/")
    assert page.get_by_role("heading", level=1).inner_text() == "数据看板：河北省"
    assert "数据截至" in page.locator("#snapshot-time").inner_text()
    # the four charts are drawn (ECharts, SVG renderer) and their numbers are in tables beside them
    for name in ("phases", "tiers", "activity", "services"):
        page.locator(f'[data-chart="{name}"] svg').first.wait_for()
    assert page.locator("#table-tiers tbody tr").count() == 2
    assert page.locator("#table-services tfoot, #table-services tbody tr").count() >= 1
    assert page.get_by_role("heading", name="联系服务群众与基层治理").is_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "dashboard_province.png"), full_page=True)

    children = page.locator("#table-children")
    assert children.locator("tbody th").all_inner_texts()[:3] == ["石家庄市", "唐山市", "邯郸市"]
    children.get_by_role("link", name="石家庄市").click()
    page.wait_for_url(f"**/dashboards/{dash.city_a.code}/")
    assert page.get_by_role("heading", level=1).inner_text() == "数据看板：石家庄市"
    page.locator("#table-children").get_by_role("link", name="正定县").click()
    page.wait_for_url(f"**/dashboards/{dash.county_a.code}/")
    assert page.get_by_role("heading", level=1).inner_text() == "数据看板：正定县"
    # the breadcrumb leads back up
    assert page.get_by_role("navigation", name="层级").get_by_role("link", name="河北省").is_visible()

    # the figure "限期整改 逾期 n" opens the organizations behind it
    page.get_by_role("link", name="逾期 2").click()
    page.wait_for_url(f"**/dashboards/{dash.county_a.code}/list/rect_overdue/")
    assert page.get_by_role("heading", level=2).inner_text() == "限期整改已逾期"
    rows = page.locator("#table-list tbody th").all_inner_texts()
    assert rows == ["正定县", "塔元庄村党支部"]

    with page.expect_download() as info:
        page.get_by_role("link", name="导出 xlsx").click()
    download = info.value
    assert download.suggested_filename == f"dashboard-{dash.county_a.code}-rect_overdue.xlsx"
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes())).worksheets[0]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert [r[0] for r in values[4:]] == ["正定县", "塔元庄村党支部"]
    assert [r[5] for r in values[4:]] == [1, 1]
    assert errors == []


def test_dashboard_on_a_phone(live_server, phone, dash):
    _login(phone, live_server.url, "sheng_lg")
    phone.goto(f"{live_server.url}/dashboards/{dash.province.code}/")
    phone.locator('[data-chart="activity"] svg').first.wait_for()
    # the page itself does not scroll sideways (wide tables scroll inside their own box)
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    width = phone.locator('[data-chart="phases"]').bounding_box()["width"]
    assert width <= 375
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SHOTS / "dashboard_phone.png"), full_page=True)


def test_an_old_dashboard_says_so_on_a_phone(live_server, phone, dash, judges, client):
    """The refresh has failed for 20 minutes: the phone shows when the figures were read and the plain warning,
    above the figures, and the page stays clean for axe and the Nu checker."""
    from django.utils import timezone

    from dashboards.models import Snapshot

    old = timezone.now() - datetime.timedelta(minutes=20)
    Snapshot.objects.update(started_at=old, finished_at=old, refreshed_at=None)
    _login(phone, live_server.url, "sheng_lg")
    address = f"/dashboards/{dash.province.code}/"
    phone.goto(f"{live_server.url}{address}")
    assert phone.locator("#snapshot-time").inner_text().startswith(f"数据截至 {timezone.localtime(old):%H:%M:%S}")
    warning = phone.get_by_role("alert").filter(has_text="看板数据已有")
    assert warning.is_visible()
    assert "已有 20 分钟没有更新" in warning.inner_text() and "请联系系统管理员" in warning.inner_text()
    assert warning.bounding_box()["y"] < phone.locator("#fig-plan").bounding_box()["y"]
    judges.assert_axe_clean(phone, name="dashboard-stale")
    from orgs.models import User

    client.force_login(User.objects.get(username="sheng_lg"))
    judges.assert_valid_html({"dashboard-stale": client.get(address).content.decode()})

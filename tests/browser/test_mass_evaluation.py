"""群众评议 end to end: an org_department user creates a batch and downloads the QR sheet, three
anonymous phones answer through tokens decoded from the PDF (one token reused and refused), and the
organization's result page shows the right percentages."""

import datetime
import subprocess
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.core.cache import cache
from django.utils import timezone

from evaluations.models import MassBatch
from evaluations.services.mass import rate_limit_key
from orgs.enums import Role
from tests.factories import World, user_with_role
from tests.factories.evaluations_mass import mass_period

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PHONE = {"locale": "zh-CN", "viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}


def _login(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("pass-1234-word")
    page.get_by_role("button", name="登录").click()


def _decode(pdf: Path, workdir: Path) -> list[str]:
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(pdf), str(workdir / "page")], check=True)
    urls = []
    for png in sorted(workdir.glob("page*.png")):
        out = subprocess.run(["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, text=True)
        urls += [line.strip() for line in out.stdout.splitlines() if line.strip()]
    return urls


def _answer(browser, url, choices, shot=None):
    """One anonymous phone: open the URL, pick a level per criterion, submit. Returns the final text."""
    context = browser.new_context(**PHONE)
    try:
        phone = context.new_page()
        phone.set_default_timeout(10_000)
        phone.goto(url)
        assert phone.get_by_role("heading", level=1).inner_text() == "群众评议"
        assert "评议组织：塔元庄村党支部" in phone.content()
        fieldsets = phone.locator("fieldset")
        assert fieldsets.count() == len(choices)
        for i, label in enumerate(choices):
            fieldsets.nth(i).get_by_text(label, exact=True).click()
        # big touch targets: every level button is at least 44 px high on a phone
        box = fieldsets.nth(0).locator("label.btn").first.bounding_box()
        assert box["height"] >= 44
        assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        if shot:
            SHOTS.mkdir(parents=True, exist_ok=True)
            phone.screenshot(path=str(SHOTS / shot), full_page=True)
        phone.once("dialog", lambda dialog: dialog.accept())  # 确定 (static/js/confirm.js)
        phone.get_by_role("button", name="提交评议").click()
        phone.locator("#thanks").wait_for()
        return phone.locator("#thanks").inner_text()
    finally:
        context.close()


def test_print_sheet_answer_on_phones_and_read_results(live_server, page, browser, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.delete(rate_limit_key("127.0.0.1"))
    world = World()
    from evaluations.models import CriteriaSet, Criterion
    from evaluations.seed import load_seed_criteria

    load_seed_criteria(CriteriaSet, Criterion)
    period = mass_period()
    user_with_role(world.county_a, Role.ORG_DEPARTMENT, username="zhengding")
    _login(page, live_server.url, "zhengding")
    page.wait_for_url(f"{live_server.url}/workbench/department/")  # an 组织部 starts on 组织部工作台

    # 1. the org_department creates a batch of three tokens
    page.goto(f"{live_server.url}/evaluations/mass/batches/new/")
    page.get_by_label("组织编码").fill(world.branch_a.code)
    page.get_by_label("评议对象").select_option(label="党组织")
    page.get_by_label("考核期间").select_option(label=period.name)
    page.get_by_label("二维码数").fill("3")
    now = timezone.localtime()
    page.get_by_label("开始时间").fill((now - datetime.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("截止时间").fill((now + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="生成二维码").click()
    page.get_by_text("已生成 3 个二维码").wait_for()
    batch = MassBatch.objects.get()
    assert page.url == f"{live_server.url}/evaluations/mass/batches/{batch.pk}/"

    # 2. … and downloads the sheet to print it
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载二维码表（PDF）").click()
    pdf = tmp_path / "sheet.pdf"
    download_info.value.save_as(pdf)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Noto-Sans-CJK-SC" in fonts
    urls = _decode(pdf, tmp_path)
    assert len(urls) == 3 and len(set(urls)) == 3
    for url in urls:
        assert urlparse(url).netloc == urlparse(live_server.url).netloc

    # 3. three anonymous phones answer
    assert "评议已提交" in _answer(browser, urls[0], ["满意"] * 5, shot="mass_answer_phone.png")
    assert "评议已提交" in _answer(browser, urls[1], ["满意"] + ["比较满意"] * 4)
    assert "评议已提交" in _answer(browser, urls[2], ["不满意"] * 5)

    # 4. the first token used again, on another phone: refused
    context = browser.new_context(**PHONE)
    again = context.new_page()
    response = again.goto(urls[0])
    assert response.status == 410
    assert "这个二维码已经使用过了" in again.locator("#refusal").inner_text()
    assert again.locator("form").count() == 0
    SHOTS.mkdir(parents=True, exist_ok=True)
    again.screenshot(path=str(SHOTS / "mass_token_reused_phone.png"), full_page=True)
    context.close()

    # 5. the results page shows the right percentages
    page.goto(f"{live_server.url}/evaluations/mass/batches/{batch.pk}/")
    assert page.locator("#participation-org").inner_text() == "网上评议 3 份 / 发放二维码 3 个（参与率 100.0%）"

    def cell(order, key):
        return page.locator(f"#cell-org-{order}-{key}").inner_text().split()

    assert cell(1, "satisfied") == ["2", "66.7%"]
    assert cell(1, "fairly") == ["0", "0.0%"]
    assert cell(1, "unsatisfied") == ["1", "33.3%"]
    for order in range(2, 6):
        assert cell(order, "satisfied") == ["1", "33.3%"]
        assert cell(order, "fairly") == ["1", "33.3%"]
        assert cell(order, "basically") == ["0", "0.0%"]
        assert cell(order, "unsatisfied") == ["1", "33.3%"]
    page.screenshot(path=str(SHOTS / "mass_results.png"), full_page=True)
    cache.delete(rate_limit_key("127.0.0.1"))

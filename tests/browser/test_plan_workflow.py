"""A secretary writes and submits a plan; the county's 组织部 returns it with a reason; the secretary
revises and resubmits; the 组织部 approves and publishes; the public page shows it on a phone."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from common.actors import SYSTEM
from orgs.enums import Role
from tests.factories import World, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def _running_campaign():
    """A copy of the seed campaign shifted so that today is in phase one (plans are written then)."""
    from campaign.models import Campaign, Milestone, Phase
    from campaign.seed import load_seed_campaign
    from campaign.services.timeline import copy_campaign

    seed = load_seed_campaign(Campaign, Phase, Milestone)
    start = timezone.localdate() - datetime.timedelta(days=10)
    return copy_campaign(seed, name="浏览器测试活动", code="browser-running", start_date=start, by=SYSTEM)


def _login(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("pass-1234-word")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)  # home: the tree, a workbench or /me/


def test_plan_is_written_returned_revised_approved_and_published(live_server, browser, page, phone):
    world = World()
    _running_campaign()
    user_with_role(world.branch_a, Role.SECRETARY, username="shuji", full_name="塔元庄书记")
    user_with_role(world.county_a, Role.ORG_DEPARTMENT, username="zhengding", full_name="正定县委组织部")
    base = live_server.url

    # the secretary writes and submits
    _login(page, base, "shuji")
    page.goto(f"{base}/campaign/plans/")
    page.get_by_role("link", name="编写方案").click()
    page.get_by_label("活动主题").fill("争创五个好党支部")
    page.get_by_label("三级联创").check()
    page.get_by_label("依岗承诺").check()
    page.get_by_label("目标任务").fill("班子团结，党员作用充分发挥。")
    page.get_by_label("具体措施").fill("每月开展主题党日。")
    page.get_by_label("学习实践活动整改落实后续工作").fill("落实村道整修。")
    page.get_by_label("承诺事项").fill("年内硬化村内主干道。")
    page.get_by_role("button", name="保存").click()
    page.get_by_role("button", name="提交审批").click()
    page.locator("#plan-status", has_text="已提交待审批").wait_for()

    # the county's organization department returns it with a reason
    dept_context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    dept = dept_context.new_page()
    dept.set_default_timeout(10_000)
    _login(dept, base, "zhengding")
    dept.goto(f"{base}/campaign/plans/?pending=on")
    dept.get_by_role("link", name="争创五个好党支部").click()
    dept.locator("summary", has_text="退回修改").click()
    dept.get_by_role("button", name="退回", exact=True).click()  # without a reason: refused
    dept.locator("#action-error", has_text="必须填写退回原因").wait_for()
    dept.get_by_label("退回原因").fill("具体措施要落实到每名党员")
    dept.get_by_role("button", name="退回", exact=True).click()
    dept.locator("#plan-status", has_text="已退回").wait_for()

    # the secretary sees the reason, revises and resubmits
    page.reload()
    assert "具体措施要落实到每名党员" in page.locator("#return-reason").inner_text()
    page.get_by_role("link", name="编辑方案").click()
    page.get_by_label("具体措施").fill("每月开展主题党日，每名党员联系三户群众。")
    page.get_by_role("button", name="保存").click()
    page.get_by_role("button", name="重新提交审批").click()
    page.locator("#plan-status", has_text="已提交待审批").wait_for()
    assert page.locator("#versions tbody tr").count() == 2

    # the organization department compares, approves and publishes
    dept.reload()
    dept.get_by_role("button", name="对比版本").click()
    assert "每名党员联系三户群众" in "".join(dept.locator("#compare ins").all_inner_texts())
    SHOTS.mkdir(parents=True, exist_ok=True)
    dept.screenshot(path=str(SHOTS / "plan_compare.png"), full_page=True)
    dept.go_back()
    dept.reload()
    dept.get_by_role("button", name="审批通过").click()
    dept.locator("#plan-status", has_text="已审批").wait_for()
    dept.once("dialog", lambda dialog: dialog.accept())  # 确定 (static/js/confirm.js)
    dept.get_by_role("button", name="向群众公布").click()
    dept.locator("#plan-status", has_text="已公布").wait_for()
    dept_context.close()

    # anybody (no login) reads it on a phone
    phone.goto(f"{base}/campaign/public/org/{world.branch_a.code}/")
    assert phone.get_by_role("heading", level=1).inner_text() == "塔元庄村党支部"
    plan_text = phone.locator("#public-plan").inner_text()
    assert "争创五个好党支部" in plan_text and "三级联创、依岗承诺" in plan_text
    assert "每名党员联系三户群众" in plan_text
    assert "年内硬化村内主干道" in phone.locator("#public-org-commitments").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert phone.get_by_role("link", name="退出").count() == 0
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SHOTS / "plan_public_phone.png"), full_page=True)

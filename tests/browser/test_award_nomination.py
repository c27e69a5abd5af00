"""A branch secretary nominates a member; the township, county and city 组织部 forward it; the province
puts it on the list, records the 纪检 opinion and starts the 公示; the public page shows it; an objection
filed there is rejected by the province; the province approves the list; the decision PDF downloads."""

import datetime
from pathlib import Path

import pytest
from django.core.cache import cache
from django.utils import timezone

from awards.models import AwardRound, Nomination, Objection
from awards.services.publicity import rate_limit_key
from orgs.enums import Role
from tests.factories import World, user_with_role
from tests.factories.awards_nominations import chain_quotas, load_holiday_schedule, make_round

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def _login(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("pass-1234-word")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def _new_page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def _forward_at_own_level(browser, base, username, round_code, expected):
    page = _new_page(browser)
    _login(page, base, username)
    page.goto(f"{base}/awards/rounds/{round_code}/review/")
    page.get_by_role("heading", name="待本级审核").wait_for()
    page.once("dialog", lambda dialog: dialog.accept())  # 确定 (static/js/confirm.js)
    page.get_by_role("button", name="审核上报").click()
    page.get_by_role("alert").filter(has_text=expected).wait_for()
    page.context.close()


def test_nomination_goes_up_to_publicity_objection_approval_and_pdf(live_server, browser, page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    load_holiday_schedule()  # the 公示 is counted on the State Council's schedule (flushed by earlier tests)
    world = World()
    user_with_role(world.branch_a, Role.SECRETARY, username="shuji", full_name="塔元庄书记")
    user_with_role(world.town_a, Role.ORG_DEPARTMENT, username="zhen", full_name="正定镇组织委员")
    user_with_role(world.county_a, Role.ORG_DEPARTMENT, username="xian", full_name="正定县委组织部")
    user_with_role(world.city_a, Role.ORG_DEPARTMENT, username="shi", full_name="石家庄市委组织部")
    user_with_role(world.province, Role.ORG_DEPARTMENT, username="sheng", full_name="省委组织部")
    award_round = make_round(world.province, code="qiyi-e2e", name="2011年“七一”集中表彰（测试）")
    chain_quotas(award_round, [world.province, world.city_a, world.county_a, world.town_a], 1)
    base = live_server.url
    code = award_round.code
    cache.delete(rate_limit_key("127.0.0.1"))

    # the branch secretary nominates a member with 事迹材料
    _login(page, base, "shuji")
    page.goto(f"{base}/awards/rounds/")
    page.get_by_role("link", name=award_round.name).click()
    page.get_by_role("link", name="推荐", exact=True).click()
    page.get_by_role("link", name="优秀共产党员").click()
    page.get_by_label("推荐党员").select_option(label="张建国（塔元庄村党支部 · 村民小组长）")
    page.get_by_label("事迹材料").fill("带领群众硬化村道三公里，组织党员结对帮扶困难户。")
    page.once("dialog", lambda dialog: dialog.accept())  # 确定 (static/js/confirm.js)
    page.get_by_role("button", name="提交推荐").click()
    page.get_by_role("alert").filter(has_text="已推荐“张建国”为“优秀共产党员”，现由正定镇审核").wait_for()

    # township → county → city, each at its own level
    _forward_at_own_level(browser, base, "zhen", code, "正定镇已将“张建国”上报正定县")
    _forward_at_own_level(browser, base, "xian", code, "正定县已将“张建国”上报石家庄市")
    _forward_at_own_level(browser, base, "shi", code, "石家庄市已将“张建国”上报河北省")

    # the province lists it, records the 纪检 opinion and starts the 公示
    province = _new_page(browser)
    _login(province, base, "sheng")
    province.goto(f"{base}/awards/rounds/{code}/review/")
    province.once("dialog", lambda dialog: dialog.accept())  # 确定 (static/js/confirm.js)
    province.get_by_role("button", name="列入拟表彰名单").click()
    province.get_by_role("alert").filter(has_text="已将“张建国”列入拟表彰名单").wait_for()
    province.goto(f"{base}/awards/rounds/{code}/list/")
    province.once("dialog", lambda dialog: dialog.accept())  # 确定 (static/js/confirm.js)
    province.get_by_role("button", name="进入公示").click()
    province.get_by_role("alert").filter(has_text="还有 1 个拟表彰对象未征求纪检机关意见").wait_for()
    province.get_by_role("link", name="待征求").click()
    province.get_by_label("无异议").check()
    province.get_by_label("意见内容").fill("经征求省纪委意见，无异议。")
    province.get_by_role("button", name="记录意见").click()
    province.get_by_role("alert").filter(has_text="已记录“张建国”的纪检机关意见").wait_for()
    province.goto(f"{base}/awards/rounds/{code}/list/")
    province.once("dialog", lambda dialog: dialog.accept())  # 确定 (static/js/confirm.js)
    province.get_by_role("button", name="进入公示").click()
    province.get_by_role("alert").filter(has_text="已将 1 个拟表彰对象进入公示").wait_for()

    # the public page (no login) shows it; an objection is filed there
    public = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 740}, is_mobile=True).new_page()
    public.set_default_timeout(15_000)
    public.goto(f"{base}/awards/public/{code}/")
    public.get_by_role("cell", name="张建国").wait_for()
    html = public.content()
    assert world.member_a.id_number not in html and world.member_a.mobile not in html
    assert "1980-05-17" not in html
    public.get_by_label("对哪位公示对象提出异议").select_option(label="张建国（塔元庄村党支部，优秀共产党员）")
    public.get_by_label("异议内容").fill("该同志去年曾与邻居发生纠纷，请核实。")
    public.get_by_label("姓名").fill("王五")
    public.get_by_label("联系电话（手机）").fill("13812345678")
    public.get_by_role("button", name="提交异议").click()
    public.get_by_role("alert").filter(has_text="您的异议已提交").wait_for()
    SHOTS.mkdir(parents=True, exist_ok=True)
    public.screenshot(path=str(SHOTS / "award_publicity_phone.png"), full_page=True)
    assert Objection.objects.get().status == "pending"

    # the province rejects the objection with a recorded outcome
    province.goto(f"{base}/awards/rounds/{code}/list/")
    province.get_by_label("异议不成立，保留公示对象").check()
    province.get_by_label("处理意见").fill("经核实，纠纷已调解，不影响表彰。")
    province.get_by_role("button", name="记录处理结果").click()
    province.get_by_role("alert").filter(has_text="已记录异议处理结果").wait_for()
    assert Objection.objects.get().status == "rejected"

    # time passes: the 公示 period is over; the province approves the list
    AwardRound.objects.filter(pk=award_round.pk).update(
        publicity_starts=timezone.localdate() - datetime.timedelta(days=20)
    )
    province.goto(f"{base}/awards/rounds/{code}/list/")
    province.once("dialog", lambda dialog: dialog.accept())  # 确定 (static/js/confirm.js)
    province.get_by_role("button", name="审定表彰名单").click()
    province.get_by_role("alert").filter(has_text="已审定表彰名单，共 1 个").wait_for()
    assert Nomination.objects.get().status == Nomination.Status.APPROVED

    # the decision: filled in, generated, and the PDF downloads
    province.goto(f"{base}/awards/rounds/{code}/decision/")
    province.get_by_role("link", name="填写表彰决定").click()
    province.get_by_label("发文字号").fill("冀创组〔2011〕8号")
    province.get_by_role("button", name="保存").click()
    province.get_by_role("button", name="生成文件").click()
    province.locator("#decision-pdf").wait_for(timeout=60_000)
    with province.expect_download() as info:
        province.locator("#decision-pdf").click()
    download = info.value
    target = tmp_path / "decision.pdf"
    download.save_as(target)
    assert target.read_bytes().startswith(b"%PDF-")
    cache.delete(rate_limit_key("127.0.0.1"))

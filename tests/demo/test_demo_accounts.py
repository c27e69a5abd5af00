"""What README.md's "Demo accounts" tells each account to try first is there, built for today (the local date):
the pages answer with the values the table names."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from campaign.models import Notification
from demo import codes
from demo.build_campaign import RETURN_REASON
from demo.build_evaluations import RETURN_COMMENT, tokens_on_sheet
from evaluations.models import MassAnswer, MassBatch
from evaluations.services import mass
from orgs.models import User


@pytest.fixture
def today_demo(build):
    build()


def text_of(response) -> str:
    html = re.sub(r"<script.*?</script>|<style.*?</style>", "", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def page(client, username, url) -> str:
    client.force_login(User.objects.get(username=username))
    response = client.get(url, follow=True)
    assert response.status_code == 200, (username, url)
    return text_of(response)


def test_shuji_starts_from_the_returned_plan_the_reports_and_the_open_nomination(today_demo, client):
    workbench = page(client, "shuji", reverse("workbench:index"))
    assert RETURN_REASON in workbench and "修改并提交方案" in workbench
    assert "党性分析 3 天后到期" in workbench and "制定方案 已逾期 27 天" in workbench
    inbox = page(client, "shuji", reverse("campaign:inbox"))
    # the day's reminders come as one digest naming both
    assert re.search(r"提醒：“制定方案”等\d+项节点任务待办理", inbox)
    digest = Notification.objects.get(user__username="shuji", title__startswith="提醒：“制定方案”等")
    assert "“党性分析”应于" in digest.body and "还有3天到期" in digest.body and "已逾期27天" in digest.body
    reports = page(client, "shuji", reverse("evaluations:report_list"))
    assert re.search(r"王晓雪 塔元庄村党支部 在职 应写 已参加 待审阅", reports)
    nominate = page(client, "shuji", reverse("awards:nomination_create", args=[codes.NOMINATION_ROUND]))
    assert "演示：七一集中表彰" in nominate and "选择类别" in nominate


def test_dangyuan_has_a_returned_report_a_draft_self_assessment_and_a_partly_kept_commitment(today_demo, client):
    mine = page(client, "dangyuan", reverse("workbench:me"))
    assert "党性分析报告 已退回" in mine and RETURN_COMMENT in mine
    assert "“五个模范”自评 草稿" in mine and "继续填写并提交" in mine
    assert "部分兑现" in mine


def test_the_county_has_plans_to_approve_a_publicity_with_an_objection_and_a_batch(today_demo, client):
    plans = page(client, "zhengding_zzb", reverse("campaign:plan_list") + "?pending=on")
    assert "共 2 份" in plans and plans.count("已提交待审批") >= 2
    shortlist = page(client, "zhengding_zzb", reverse("awards:shortlist", args=[codes.PUBLICITY_ROUND]))
    assert "公示中 3" in shortlist and "待处理" in shortlist and "记录处理结果" in shortlist
    review = page(client, "zhengding_zzb", reverse("awards:review", args=[codes.NOMINATION_ROUND, "130123100"]))
    nominee = User.objects.get(username="dangyuan2").member
    assert nominee.name in review
    batch = MassBatch.objects.get(title=codes.MASS_BATCH_TITLE)
    results = page(client, "zhengding_zzb", reverse("evaluations:mass_batch", args=[batch.pk]))
    assert "下载二维码表（PDF）" in results and "评议进行中" in results


def test_the_quota_pages_add_up_from_the_province_down(today_demo, client):
    province = page(client, "sheng_zzb", reverse("awards:quota", args=[codes.NOMINATION_ROUND, "130000"]))
    assert "优秀共产党员 30 8 22 0 30" in province
    city = page(client, "shijiazhuang_zzb", reverse("awards:quota", args=[codes.NOMINATION_ROUND, "130100"]))
    assert "优秀共产党员 8 3 5 0 8" in city
    periods = page(client, "sheng_zzb", reverse("evaluations:period_list"))
    assert codes.PERIOD_NAME in periods


def test_the_dashboards_are_refreshed_for_the_leading_group_and_the_sector(today_demo, client):
    province = page(client, "sheng_ldxz", reverse("dashboards:index"))
    assert "数据截至" in province and "创先争优活动（演示）" in province
    county = page(client, "sheng_ldxz", reverse("dashboards:node", args=[codes.COUNTY]))
    assert "实施方案覆盖率 58.3% 已审批 7 / 应制定 12" in county
    sector = page(client, "gaoxiao_hy", reverse("dashboards:index"))
    assert "数据看板：河北省委（高等学校）" in sector


def test_a_code_from_the_printed_sheet_answers_on_the_public_page(today_demo, client):
    batch = MassBatch.objects.get(title=codes.MASS_BATCH_TITLE)
    unused = [(token, row) for token, row in tokens_on_sheet(batch) if row.used_at is None]
    assert unused, "no unused code could be read from the QR sheet"
    token, row = unused[0]
    cache.delete(mass.rate_limit_key("127.0.0.1"))
    url = reverse("evaluations:mass_answer", args=[token])
    assert f"评议党员：{row.member.name}" in text_of(client.get(url))
    answers = MassAnswer.objects.filter(batch=batch).count()
    response = client.post(url, {f"c{c.pk}": "satisfied" for c in batch.criteria_set.criteria.all()})
    assert response.status_code == 302 and response["Location"] == reverse("evaluations:mass_thanks")
    assert MassAnswer.objects.filter(batch=batch).count() == answers + batch.criteria_set.criteria.count()


def test_the_county_data_manager_finds_the_admin_masked_numbers_and_the_county_activity_records(today_demo, client):
    home = page(client, "zhengding_sjgl", reverse("home"))
    assert "数据管理" in home
    members = page(client, "zhengding_sjgl", reverse("admin:orgs_member_changelist"))
    assert "**********" in members and "显示完整身份证号" in members
    records = page(client, "zhengding_sjgl", reverse("admin:campaign_activityrecord_changelist"))
    assert "塔元庄村党支部" in records and "滦县" not in records

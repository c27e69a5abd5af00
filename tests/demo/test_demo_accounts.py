"""What README.md's "Demo accounts" tells each account to try first is there, built for today (the local date):
the pages answer with the values the table names."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from campaign.models import ActivityRecord, Campaign, Notification, Remark
from demo import codes
from demo.build_campaign import GUIDED_ACTIVITY, RETURN_REASON
from demo.build_evaluations import RETURN_COMMENT, tokens_on_sheet
from evaluations.models import MassAnswer, MassBatch
from evaluations.services import mass
from orgs.enums import OrgLevel, Role
from orgs.models import Org, User
from tests.factories.campaign_activities import make_activity


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


def test_the_county_and_the_city_departments_start_from_what_waits_for_them(today_demo, client):
    """Whatever the day, both start on 组织部工作台 with something to do (README: its rows for the two accounts)."""
    county = page(client, "zhengding_zzb", reverse("home"))
    assert "组织部工作台" in county
    rows = ("实施方案待审批 2 件", "推荐对象待审核上报 1 件 演示：七一集中表彰 · 正定镇党委", "公示异议待处理 1 件")
    for row in rows:
        assert row in county, row
    assert "述职待评议 1 件" in county and "制定方案 5 个组织未完成" in county
    city = page(client, "shijiazhuang_zzb", reverse("home"))
    assert "组织部工作台" in city and "实施方案待审批 2 件" in city and "述职待评议 1 件" in city
    assert "推荐对象待审核上报 1 件" not in city  # 正定县's own
    assert "名额待分配" in city and "演示：七一集中表彰 · 石家庄市委" in city  # 8 received, 3 handed to 正定县


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


def guided_orgs() -> list[Org]:
    """The basic organizations ``zhidaoyuan`` guides, in tree order."""
    return list(
        Org.objects.filter(assignments__user__username=codes.INSTRUCTOR, assignments__role=Role.INSTRUCTOR).order_by(
            "path"
        )
    )


def test_zhidaoyuan_signs_in_to_the_branches_it_guides_with_new_records_to_remark_on(today_demo, client):
    cache.clear()  # the login guard's counters
    response = client.post(reverse("login"), {"username": codes.INSTRUCTOR, "password": "Demo2010!"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("campaign:instructor_home")
    home = text_of(response)
    guided = guided_orgs()
    assert [o.name for o in guided][0] == "塔元庄村党支部" and len(guided) == 3
    assert all(o.level == OrgLevel.BASIC and o.path.startswith(Org.objects.get(code=codes.COUNTY).path) for o in guided)
    assert "我指导的基层党组织" in home and "韩立新" in home
    for org in guided:
        assert org.name in home
    # yesterday a guided neighbour recorded its 党性分析 meeting; the demo branch's records are new to him as well
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    assert re.search(rf"最新活动记录： ?{yesterday.isoformat()} {GUIDED_ACTIVITY[0]}", home)
    assert "待点评：2 个组织有新的活动记录" in home and home.count("有新的活动记录待点评") == 2
    assert "最新活动记录：暂无" in home  # the third one recorded nothing yet

    # reading the record, then the remark, as the page's links lead
    record = ActivityRecord.objects.get(title=GUIDED_ACTIVITY[0], campaign__code=codes.CAMPAIGN)
    assert GUIDED_ACTIVITY[1] in page(client, codes.INSTRUCTOR, reverse("campaign:activity_detail", args=[record.pk]))
    remark = reverse("campaign:supervision_remark_create")
    assert "点评下级组织" in page(client, codes.INSTRUCTOR, f"{remark}?org={record.org.code}")
    response = client.post(
        remark,
        {
            "org_code": record.org.code,
            "achievements": "书记带头剖析",
            "problems": "发言不够深入",
            "direction": "逐人整改",
        },
    )
    assert response.status_code == 302
    assert Remark.objects.get(author__username=codes.INSTRUCTOR).get_author_role_display() == "党建工作指导员"
    home = page(client, codes.INSTRUCTOR, reverse("home"))
    assert "待点评：1 个组织有新的活动记录" in home
    assert f"我的上次点评：{timezone.localdate().isoformat()}" in home


def test_zhidaoyuan_sees_nothing_of_the_branches_it_does_not_guide(today_demo, client):
    guided = guided_orgs()
    county = Org.objects.get(code=codes.COUNTY)
    unguided = (
        Org.objects.filter(path__startswith=county.path, level=OrgLevel.BASIC)
        .exclude(pk__in=[o.pk for o in guided])
        .first()
    )
    other_county = Org.objects.filter(level=OrgLevel.BASIC).exclude(path__startswith=county.path).first()
    campaign = Campaign.objects.get(code=codes.CAMPAIGN)
    leaks = [make_activity(org, campaign, title=f"{org.name}的主题党日") for org in (unguided, other_county)]
    client.force_login(User.objects.get(username=codes.INSTRUCTOR))
    activities = text_of(client.get(reverse("campaign:activity_list")))
    assert GUIDED_ACTIVITY[0] in activities
    for org, record in zip((unguided, other_county), leaks, strict=True):
        assert record.title not in activities
        assert client.get(reverse("orgs:org_detail", args=[org.code])).status_code == 404
        assert client.get(reverse("campaign:activity_detail", args=[record.pk])).status_code == 404
        remark = reverse("campaign:supervision_remark_create") + f"?org={org.code}"
        assert client.get(remark).status_code == 404
    plans = text_of(client.get(reverse("campaign:plan_list")))
    assert "共 3 份" in plans and unguided.name not in plans
    # a reader and remarker only: no writes of the branch's work, no county pages
    assert client.get(reverse("campaign:activity_create")).status_code == 403
    assert client.get(reverse("campaign:instructor_list")).status_code == 403

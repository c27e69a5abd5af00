"""党性分析报告: the window from the campaign's milestone, the member's own report, the branch's review,
coverage, and the milestone marked done when every in-service member's report is accepted."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from campaign.models import MilestoneDone, Notification
from evaluations.models import PartyAnalysisParticipation, PartyAnalysisReport, ReportStatus
from evaluations.services import reports as services
from orgs.enums import MemberCategory, Role
from orgs.models import Member
from tests.factories import MemberFactory, member_user, user_with_role
from tests.factories.evaluations_mass import analysis_campaign, make_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def pa_campaign(seed_campaign):
    return analysis_campaign(seed_campaign)


def test_window_comes_from_the_milestone_row(seed_campaign, pa_campaign):
    assert services.analysis_window(seed_campaign) == (datetime.date(2010, 6, 24), datetime.date(2010, 6, 30))
    start, due = services.analysis_window(pa_campaign)
    assert start == timezone.localdate() - datetime.timedelta(days=2)
    assert (due - start).days == 6
    assert services.in_window(pa_campaign) and not services.in_window(seed_campaign)
    assert services.in_window(pa_campaign, start) and services.in_window(pa_campaign, due)
    assert not services.in_window(pa_campaign, start - datetime.timedelta(days=1))
    assert not services.in_window(pa_campaign, due + datetime.timedelta(days=1))


def test_writing_is_refused_outside_the_window(world, pa_campaign):
    user = member_user(world.member_a)
    start, due = services.analysis_window(pa_campaign)
    for day in (start - datetime.timedelta(days=1), due + datetime.timedelta(days=1)):
        with pytest.raises(ValidationError) as error:
            services.save_report(world.member_a, pa_campaign, by=user, content="报告", today=day)
        assert "党性分析报告应在" in str(error.value)
    report = services.save_report(world.member_a, pa_campaign, by=user, content="报告", today=due)
    assert report.status == ReportStatus.DRAFT


def test_every_member_may_write_but_only_their_own(world, pa_campaign):
    retired = MemberFactory(org=world.branch_a, name="退休党员", category=MemberCategory.RETIRED)
    report = services.save_report(retired, pa_campaign, by=member_user(retired), content="报告", submit=True)
    assert report.status == ReportStatus.SUBMITTED and not services.is_required(retired)
    with pytest.raises(PermissionDenied):
        services.save_report(world.member_a, pa_campaign, by=member_user(world.member_a2), content="报告")


def test_write_submit_return_revise_accept_and_milestone(world, pa_campaign, client, login):
    second = MemberFactory(org=world.branch_a, name="赵红梅")
    MemberFactory(org=world.branch_a, name="老党员", category=MemberCategory.RETIRED)  # writes none
    author = member_user(world.member_a)
    secretary = user_with_role(world.branch_a, Role.SECRETARY)
    login(author)
    url = reverse("evaluations:report_mine")
    page = client.get(url).content.decode()
    assert "保存草稿" in page and "提交审阅" in page

    empty = client.post(url, {"content": "  ", "save": "1"})
    assert "这个字段是必填项" in empty.content.decode() or "请填写报告正文" in empty.content.decode()
    client.post(url, {"content": "一、学习情况……", "save": "1"})
    report = PartyAnalysisReport.objects.get(member=world.member_a)
    assert report.status == ReportStatus.DRAFT and report.campaign == pa_campaign
    client.post(url, {"content": "一、学习情况……二、存在问题……", "submit": "1"})
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and "存在问题" in report.content
    assert Notification.objects.filter(user=secretary, title__contains="张建国提交了党性分析报告").exists()
    locked = client.post(url, {"content": "改", "save": "1"})
    assert "保存草稿" not in locked.content.decode()  # submitted: read only
    report.refresh_from_db()
    assert report.content != "改"

    # the branch returns it: a comment is required
    login(secretary)
    detail = reverse("evaluations:report_detail", args=[report.pk])
    assert "提交审阅意见" in client.get(detail).content.decode()
    response = client.post(detail, {"decision": "return", "comment": ""})
    assert "退回报告时请填写审阅意见" in response.content.decode()
    client.post(detail, {"decision": "return", "comment": "问题查摆不够具体"})
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED and report.reviewed_by == secretary
    assert Notification.objects.filter(user=author, title__contains="被退回").exists()

    # a returned report may be revised even after the window
    after = services.analysis_window(pa_campaign)[1] + datetime.timedelta(days=3)
    services.save_report(world.member_a, pa_campaign, by=author, content="修改后的报告", submit=True, today=after)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED

    client.post(detail, {"decision": "accept", "comment": ""})
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    # not every in-service member has an accepted report yet: the milestone stays open
    assert not MilestoneDone.objects.filter(milestone__campaign=pa_campaign, org=world.branch_a).exists()
    with pytest.raises(ValidationError):
        services.review_report(report, by=secretary, accept=True)  # only submitted reports are reviewed

    other = make_report(pa_campaign, second)
    services.review_report(other, by=secretary, accept=True)
    # every 在职 report accepted, but the retired member has not taken part yet: the 党性分析 is not held
    assert not MilestoneDone.objects.filter(milestone__campaign=pa_campaign, org=world.branch_a).exists()
    retired = world.branch_a.members.get(name="老党员")
    services.record_participation(pa_campaign, [retired], by=secretary, took_part_on=after, today=after)
    done = MilestoneDone.objects.get(milestone__campaign=pa_campaign, milestone__code="party_analysis")
    assert done.org == world.branch_a and done.by == secretary
    assert not MilestoneDone.objects.filter(org=world.branch_a2).exists()


def test_a_resubmitted_report_shows_the_return_comment_as_the_previous_review(world, pa_campaign, client, login):
    """Returned → saved (still 已退回, said so) → resubmitted (待审阅): the return's comment is labelled as the
    previous review on the member's page and on the secretary's, not as the current one."""
    author = member_user(world.member_a)
    secretary = user_with_role(world.branch_a, Role.SECRETARY)
    report = make_report(pa_campaign, world.member_a)
    services.review_report(report, by=secretary, accept=False, comment="报告过于简单，请结合岗位实际")
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    PartyAnalysisReport.objects.filter(pk=report.pk).update(reviewed_at=an_hour_ago, updated_at=an_hour_ago)
    login(author)
    url = reverse("evaluations:report_mine")
    page = client.get(url).content.decode()
    assert '<strong id="report-status">已退回</strong>' in page
    assert "审阅意见：报告过于简单，请结合岗位实际" in page

    saved = client.post(url, {"content": "修改中的报告", "save": "1"}, follow=True).content.decode()
    assert "修改已保存，报告仍为“已退回”；修改完成后请点“提交审阅”" in saved and saved.count("草稿已保存") == 1
    assert '<strong id="report-status">已退回 · 修改中（草稿已保存）</strong>' in saved
    assert "修改中的报告</textarea>" in saved
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED and report.content == "修改中的报告"

    mine = client.post(url, {"content": "修改后的报告", "submit": "1"}, follow=True).content.decode()
    day = timezone.localtime(an_hour_ago).strftime("%Y-%m-%d")
    assert '<strong id="report-status">待审阅</strong>' in mine
    assert f"上次退回意见（{day}）：报告过于简单，请结合岗位实际" in mine and "审阅意见：" not in mine

    login(secretary)
    detail = client.get(reverse("evaluations:report_detail", args=[report.pk])).content.decode()
    at = timezone.localtime(an_hour_ago).strftime("%Y-%m-%d %H:%M")
    assert f"上次审阅：{secretary}，{at}，退回修改" in detail
    assert f"上次退回意见（{day}）：报告过于简单，请结合岗位实际" in detail
    assert "审阅意见：" not in detail and "审阅：" not in detail.replace("上次审阅：", "")
    assert "提交审阅意见" in detail  # the new text waits for its review


def test_only_the_covering_secretary_reviews(world, pa_campaign, login):
    report = make_report(pa_campaign, world.member_a)
    detail = reverse("evaluations:report_detail", args=[report.pk])
    county = login(user_with_role(world.county_a, Role.ORG_DEPARTMENT))
    page = county.get(detail)
    assert page.status_code == 200 and "提交审阅意见" not in page.content.decode()
    assert county.post(detail, {"decision": "accept"}).status_code == 403
    assert login(user_with_role(world.branch_a2, Role.SECRETARY)).get(detail).status_code == 404
    assert login(user_with_role(world.branch_b, Role.SECRETARY)).get(detail).status_code == 404
    assert login(member_user(world.member_a2)).get(detail).status_code == 404
    own = login(member_user(world.member_a)).get(detail)
    assert own.status_code == 200 and "对照党章查找差距" in own.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_coverage_figures_equal_a_direct_count(world, pa_campaign, login):
    members = [MemberFactory(org=world.branch_a, name=f"党员甲{i}") for i in range(5)]
    MemberFactory(org=world.branch_a, name="退休老党员", category=MemberCategory.RETIRED)
    make_report(pa_campaign, members[0], status=ReportStatus.ACCEPTED)
    make_report(pa_campaign, members[1], status=ReportStatus.SUBMITTED)
    make_report(pa_campaign, members[2], status=ReportStatus.RETURNED)
    make_report(pa_campaign, members[3], status=ReportStatus.DRAFT)
    make_report(pa_campaign, world.member_b, status=ReportStatus.ACCEPTED)  # other city

    in_scope = Member.objects.filter(org_path__startswith=world.county_a.path, category=MemberCategory.IN_SERVICE)
    total = in_scope.count()
    written = PartyAnalysisReport.objects.filter(
        campaign=pa_campaign, member__in=in_scope, status__in=["submitted", "accepted"]
    ).count()
    figures = services.coverage(Member.objects.filter(org_path__startswith=world.county_a.path), pa_campaign)
    assert (figures["required"], figures["written_required"], figures["accepted_required"]) == (total, written, 1)
    assert (figures["required"], figures["written_required"], figures["accepted_required"]) == (7, 2, 1)
    assert (figures["members"], figures["participated"]) == (8, 2)  # the retired member counts among all
    assert str(figures["written_required_percent"]) == "28.6"

    client = login(user_with_role(world.county_a, Role.ORG_DEPARTMENT))
    html = client.get(reverse("evaluations:report_list")).content.decode()
    assert 'id="cov-required">7<' in html and 'id="cov-written-required">2<' in html
    assert 'id="cov-accepted">1<' in html and 'id="cov-members">8<' in html
    assert "28.6%" in html and "14.3%" in html and "25.0%" in html
    assert "王志强" not in html and "退休老党员" in html  # every member takes part in the 党性分析
    without = client.get(reverse("evaluations:report_list"), {"state": "without"}).content.decode()
    for name in ("党员甲2", "党员甲3", "党员甲4", "张建国", "李秀英"):
        assert name in without
    assert "党员甲0" not in without and "党员甲1" not in without and "退休老党员" not in without
    branch = client.get(reverse("evaluations:report_list"), {"org": world.branch_a2.code}).content.decode()
    assert 'id="cov-required">1<' in branch and "李秀英" in branch and "张建国" not in branch
    assert client.get(reverse("evaluations:report_list"), {"org": world.branch_b.code}).status_code == 404


def rows_of(html: str) -> list[str]:
    """The names in the list's rows, in the order shown."""
    return re.findall(r'<tr class="member-row" id="row-\d+">\s*<td>([^<]+)</td>', html)


def test_report_list_states_and_order(world, pa_campaign, login):
    """Each state filter lists exactly its members, organization by organization and by name inside one."""
    names = {"丙": ReportStatus.ACCEPTED, "甲": ReportStatus.SUBMITTED, "乙": ReportStatus.RETURNED, "丁": None}
    members = {n: MemberFactory(org=world.branch_a, name=f"党员{n}") for n in names}
    for n, status in names.items():
        if status:
            make_report(pa_campaign, members[n], status=status)
    spoke = MemberFactory(org=world.branch_a, name="发言党员", category=MemberCategory.RETIRED)
    PartyAnalysisParticipation.objects.create(
        campaign=pa_campaign, member=spoke, org=spoke.org, took_part_on=timezone.localdate()
    )
    client = login(user_with_role(world.county_a, Role.ORG_DEPARTMENT))
    url = reverse("evaluations:report_list")

    def shown(state, org=world.branch_a):
        return rows_of(client.get(url, {"state": state, "org": org.code}).content.decode())

    everyone = shown("")
    assert everyone == sorted(everyone) and "发言党员" in everyone and "党员丁" in everyone
    assert shown("accepted") == ["党员丙"] and shown("submitted") == ["党员甲"] and shown("returned") == ["党员乙"]
    assert shown("participated") == ["党员丙", "党员甲", "发言党员"]  # a written report or a recorded one
    absent = shown("absent")
    assert "党员乙" in absent and "党员丁" in absent and not {"党员丙", "党员甲", "发言党员"} & set(absent)
    without = shown("without")
    assert "党员乙" in without and "党员丁" in without and "发言党员" not in without  # retired: not required
    page = client.get(url, {"org": world.branch_a.code}).content.decode()
    assert "已参加（" in page  # the recorded participation's day


def test_report_list_reads_reports_by_join_in_a_fixed_number_of_queries(
    world, pa_campaign, login, django_assert_max_num_queries
):
    """The list, its count and its figures read the reports and participations as joins: no sub-select per
    member (2.6–3.2 s on the county-scale set), and as many queries for 30 members as for 3."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(user_with_role(world.county_a, Role.ORG_DEPARTMENT))
    url = reverse("evaluations:report_list")
    client.get(url)  # warm: the session, the campaign

    def measure():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        # the reads only: on PostgreSQL the exact coverage count runs in a savepoint of its own with a planner
        # setting (SET LOCAL enable_hashjoin = off: members looked up by index, not 420,000 participations hashed)
        return [q["sql"] for q in captured.captured_queries if not re.match(r"(SAVEPOINT|RELEASE|SET LOCAL)", q["sql"])]

    few = measure()
    for i in range(30):
        member = MemberFactory(org=world.branch_a, name=f"党员{i:02d}")
        if i % 3:
            make_report(pa_campaign, member, status=ReportStatus.SUBMITTED if i % 2 else ReportStatus.ACCEPTED)
    many = measure()
    assert len(many) == len(few) <= 11
    # a correlated sub-select names its table with an alias U0: "evaluations_partyanalysisreport" U0
    per_row = [sql for sql in many if re.search(r'"evaluations_partyanalysis\w+" U\d', sql)]
    assert per_row == []


def test_my_report_page_outside_the_window(world, seed_campaign, login):
    client = login(member_user(world.member_a))
    page = client.get(reverse("evaluations:report_mine"), {"campaign": seed_campaign.code}).content.decode()
    assert "现在不在党性分析期间（2010-06-24 至 2010-06-30）" in page
    response = client.post(
        reverse("evaluations:report_mine") + f"?campaign={seed_campaign.code}", {"content": "x", "submit": "1"}
    )
    assert "党性分析报告应在 2010-06-24 至 2010-06-30 期间撰写和提交" in response.content.decode()
    assert not PartyAnalysisReport.objects.exists()

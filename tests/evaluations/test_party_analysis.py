"""党性分析 for every member: the report required of 在职 members and open to all, participation recorded by
the secretary, honest coverage, two secretaries reviewing at once, a report after the window, the milestone."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaign.models import MilestoneDone
from evaluations.models import PartyAnalysisParticipation, PartyAnalysisReport, ReportStatus
from evaluations.services import reports as services
from orgs.enums import MemberCategory, Role
from orgs.models import Member
from tests.factories import MemberFactory, member_user, user_with_role
from tests.factories.evaluations_mass import analysis_campaign, make_report

pytestmark = pytest.mark.django_db
C = MemberCategory


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def pa(seed_campaign):
    return analysis_campaign(seed_campaign)


@pytest.fixture
def secretary(world):
    return user_with_role(world.branch_a, Role.SECRETARY, username="sec_a")


def participation_url(org, campaign):
    return reverse("evaluations:report_participation", args=[org.code]) + f"?campaign={campaign.code}"


def test_is_required_only_for_in_service(world):
    assert services.is_required(world.member_a)
    for category in (C.FARMER, C.RETIRED, C.MOBILE, C.STUDENT, C.OTHER):
        assert not services.is_required(MemberFactory(org=world.branch_a, category=category))


def test_a_farmer_writes_and_is_reviewed_the_same_way(world, pa, secretary, login):
    farmer = MemberFactory(org=world.branch_a, name="赵农民", category=C.FARMER)
    client = login(member_user(farmer))
    page = text(client.get(reverse("evaluations:report_mine")))
    assert "您也可以撰写" in page and "提交审阅" in page
    client.post(reverse("evaluations:report_mine"), {"content": "种粮大户的党性分析", "submit": "1"})
    report = PartyAnalysisReport.objects.get(member=farmer)
    assert report.status == ReportStatus.SUBMITTED
    detail = login(secretary).get(reverse("evaluations:report_detail", args=[report.pk]))
    assert "提交审阅意见" in detail.content.decode() and "自愿撰写" in detail.content.decode()
    services.review_report(report, by=secretary, accept=True)
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    # an accepted optional report does not complete the milestone while required members lack one
    assert not MilestoneDone.objects.filter(org=world.branch_a).exists()
    figures = services.coverage(Member.objects.filter(org=world.branch_a), pa)
    assert figures["written"] == 1 and figures["written_required"] == 0 and figures["written_optional"] == 1
    assert figures["participated"] == 1 and figures["accepted"] == 1 and figures["accepted_required"] == 0


def test_milestone_completes_when_the_analysis_is_held_for_every_member(world, pa, secretary):
    retired = MemberFactory(org=world.branch_a, category=C.RETIRED)  # not required to write, but takes part
    report = make_report(pa, world.member_a)
    services.review_report(report, by=secretary, accept=True)
    assert not MilestoneDone.objects.filter(milestone__campaign=pa, org=world.branch_a).exists()
    _start, due = services.analysis_window(pa)
    services.record_participation(pa, [retired], by=secretary, took_part_on=due, today=due)
    done = MilestoneDone.objects.get(milestone__campaign=pa, milestone__code="party_analysis", org=world.branch_a)
    assert done.by == secretary


def test_a_branch_without_required_members_is_not_done_by_its_first_report(world, pa, secretary):
    """A village branch of farmers: one accepted report does not mean the 党性分析 was held for all."""
    world.member_a.category = C.FARMER
    world.member_a.save(update_fields=["category"])
    neighbour = MemberFactory(org=world.branch_a, category=C.FARMER)
    services.review_report(make_report(pa, world.member_a), by=secretary, accept=True)
    assert not MilestoneDone.objects.filter(milestone__campaign=pa, org=world.branch_a).exists()
    _start, due = services.analysis_window(pa)
    services.record_participation(pa, [neighbour], by=secretary, took_part_on=due, today=due)
    assert MilestoneDone.objects.filter(milestone__campaign=pa, org=world.branch_a).exists()


def test_a_report_submitted_after_the_window_is_refused_with_the_dates(world, pa, login):
    start, due = services.analysis_window(pa)
    user = member_user(world.member_a)
    with pytest.raises(ValidationError) as error:
        services.save_report(
            world.member_a, pa, by=user, content="迟交", submit=True, today=due + datetime.timedelta(1)
        )
    assert f"党性分析报告应在 {start.isoformat()} 至 {due.isoformat()} 期间撰写和提交" in error.value.messages[0]
    assert not PartyAnalysisReport.objects.exists()


def test_two_secretaries_review_at_once_the_second_is_refused(world, pa, secretary, login):
    second = user_with_role(world.branch_a, Role.SECRETARY, username="sec_a_2")
    report = make_report(pa, world.member_a, content="甲的报告")
    url = reverse("evaluations:report_detail", args=[report.pk])
    first_client = login(secretary)
    form = first_client.get(url).content.decode()
    version = re.search(r'name="version" value="([^"]*)"', form).group(1)
    assert version == services.version_of(report.updated_at)
    # the second secretary returns it first
    services.review_report(report, by=second, accept=False, comment="请补充整改措施", expected_updated_at=version)
    response = first_client.post(url, {"decision": "accept", "comment": "同意通过，望继续保持", "version": version})
    assert response.status_code == 409
    html = text(response)
    assert "该报告已由" in html and "审阅（已退回），您的审阅未保存" in html
    assert "同意通过，望继续保持" in html  # the typed comment is shown, not lost
    report.refresh_from_db()
    assert (report.status, report.reviewed_by, report.review_comment) == (
        ReportStatus.RETURNED, second, "请补充整改措施"
    )  # fmt: skip


def test_a_resubmitted_report_is_not_reviewed_blind(world, pa, secretary):
    report = make_report(pa, world.member_a)
    loaded = report.updated_at
    PartyAnalysisReport.objects.filter(pk=report.pk).update(updated_at=timezone.now() + datetime.timedelta(seconds=5))
    with pytest.raises(services.StaleReview):
        services.review_report(report, by=secretary, accept=True, expected_updated_at=loaded)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_record_participation_several_at_once(world, pa, secretary):
    retired = MemberFactory(org=world.branch_a, name="钱退休", category=C.RETIRED)
    farmer = MemberFactory(org=world.branch_a, name="孙农民", category=C.FARMER)
    today = timezone.localdate()
    rows = services.record_participation(pa, [retired, farmer], by=secretary, took_part_on=today, note="口头发言")
    assert {r.member for r in rows} == {retired, farmer}
    assert all(r.org == world.branch_a and r.recorded_by == secretary for r in rows)
    assert services.record_participation(pa, [retired], by=secretary, took_part_on=today) == []  # once
    with pytest.raises(PermissionDenied):  # one member of another branch refuses the whole call
        services.record_participation(pa, [world.member_a, world.member_b], by=secretary, took_part_on=today)
    with pytest.raises(ValidationError) as error:
        services.record_participation(pa, [world.member_a], by=secretary, took_part_on=today + datetime.timedelta(1))
    assert "参加日期不能晚于今天" in error.value.error_dict["took_part_on"][0].messages[0]
    figures = services.coverage(Member.objects.filter(org=world.branch_a), pa)
    assert (figures["members"], figures["participated"], str(figures["participated_percent"])) == (3, 2, "66.7")
    assert (figures["required"], figures["written_required"]) == (1, 0)
    services.remove_participation(rows[0], by=secretary)
    assert PartyAnalysisParticipation.objects.count() == 1


def test_participation_page_records_ticked_members(world, pa, secretary, login):
    retired = MemberFactory(org=world.branch_a, name="钱退休", category=C.RETIRED)
    writer = MemberFactory(org=world.branch_a, name="周写者")
    make_report(pa, writer, status=ReportStatus.ACCEPTED)
    client = login(secretary)
    url = participation_url(world.branch_a, pa)
    html = text(client.get(url))
    assert f'id="m-{retired.pk}"' in html and f'id="m-{writer.pk}"' not in html  # a writer took part already
    assert "报告已通过" in html and 'id="cov-members">3<' in html and 'id="cov-participated">1<' in html
    assert 'class="tap-check form-check mb-0"' in html and "style=" not in html
    day = timezone.localdate().isoformat()
    response = client.post(url, {"members": [retired.pk, world.member_a.pk], "took_part_on": day, "note": "会上发言"})
    assert response.status_code == 302
    assert set(PartyAnalysisParticipation.objects.values_list("member__name", flat=True)) == {"钱退休", "张建国"}
    html = text(client.get(url))
    assert 'id="cov-participated">3<' in html and "已参加（未写报告）" in html
    # a member of another branch is refused at the field, nothing written
    bad = client.post(url, {"members": [world.member_b.pk], "took_part_on": day})
    assert bad.status_code == 200 and "所选党员不在本组织" in bad.content.decode()
    empty = client.post(url, {"took_part_on": day})
    assert "请至少选择一名党员" in empty.content.decode()
    assert PartyAnalysisParticipation.objects.count() == 2
    # undo one
    row = PartyAnalysisParticipation.objects.get(member=retired)
    remove = reverse("evaluations:report_participation_remove", args=[row.pk])
    assert login(user_with_role(world.branch_b, Role.SECRETARY)).post(remove).status_code == 404
    assert login(secretary).post(remove).status_code == 302
    assert not PartyAnalysisParticipation.objects.filter(pk=row.pk).exists()


def test_participation_page_keeps_the_ticks_when_the_date_is_refused(world, pa, secretary, login):
    """A 参加日期 after today: the error at the date, the ticks and the note kept, nothing written."""
    retired = MemberFactory(org=world.branch_a, name="钱退休", category=C.RETIRED)
    farmer = MemberFactory(org=world.branch_a, name="孙农民", category=C.FARMER)
    client = login(secretary)
    url = participation_url(world.branch_a, pa)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(
        url, {"members": [retired.pk, world.member_a.pk], "took_part_on": tomorrow, "note": "会上发言"}
    )
    assert response.status_code == 200
    html = text(response)
    assert re.search(
        r'is-invalid"[^>]*value="' + tomorrow + r'">\s*<div class="invalid-feedback d-block">参加日期不能晚于今天', html
    )
    assert f'id="m-{retired.pk}" checked>' in html and f'id="m-{world.member_a.pk}" checked>' in html
    assert f'id="m-{farmer.pk}">' in html  # not ticked before, not ticked now
    assert 'value="会上发言"' in html
    assert not PartyAnalysisParticipation.objects.exists()
    assert " checked" not in text(client.get(url))  # a fresh page ticks nobody


@pytest.mark.parametrize(
    ("who", "org", "status"),
    [
        ("secretary", "branch_a", 200),
        ("secretary", "branch_b", 404),
        ("member", "branch_a", 403),
        ("county_od", "branch_a", 403),
        ("anonymous", "branch_a", 302),
    ],
)
def test_participation_page_permission_matrix(world, pa, secretary, client, login, who, org, status):
    users = {
        "secretary": secretary,
        "member": member_user(world.member_a),
        "county_od": user_with_role(world.county_a, Role.ORG_DEPARTMENT),
    }
    if who != "anonymous":
        client = login(users[who])
    response = client.get(participation_url(getattr(world, org), pa))
    assert response.status_code == status
    if status == 200:
        assert "张建国" in response.content.decode() and "王志强" not in response.content.decode()


def test_pages_query_counts_are_the_same_for_1_and_30_members(world, pa, secretary, login):
    client = login(secretary)
    urls = [participation_url(world.branch_a, pa), reverse("evaluations:report_list") + f"?campaign={pa.code}"]

    def add(n):
        for i in range(n):
            m = MemberFactory(org=world.branch_a, category=C.FARMER if i % 2 else C.IN_SERVICE)
            if i % 3 == 0:
                make_report(pa, m)
            else:
                services.record_participation(pa, [m], by=secretary, took_part_on=timezone.localdate())

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    add(1)
    client.get(urls[0])
    one = [count(u) for u in urls]
    add(29)
    assert [count(u) for u in urls] == one


def test_report_list_shows_participation_and_required(world, pa, secretary, login):
    farmer = MemberFactory(org=world.branch_a, name="吴农民", category=C.FARMER)
    services.record_participation(pa, [farmer], by=secretary, took_part_on=timezone.localdate())
    html = text(login(secretary).get(reverse("evaluations:report_list"), {"campaign": pa.code}))
    row = html[html.index(f'id="row-{farmer.pk}"') :]
    assert "农民" in row[: row.index("</tr>")] and "已参加（" in row[: row.index("</tr>")]
    row_a = html[html.index(f'id="row-{world.member_a.pk}"') :]
    assert "应写" in row_a[: row_a.index("</tr>")] and "未参加" in row_a[: row_a.index("</tr>")]
    absent = text(login(secretary).get(reverse("evaluations:report_list"), {"campaign": pa.code, "state": "absent"}))
    assert "张建国" in absent and "吴农民" not in absent


def test_a_member_with_no_account_takes_part_and_is_counted(world, pa, secretary, login):
    """Most village members have no account: the secretary records them, nobody is notified, figures count them."""
    no_account = MemberFactory(org=world.branch_a, name="郑无账号", category=C.FARMER)
    assert not hasattr(no_account, "user") or no_account.user is None
    services.record_participation(pa, [no_account], by=secretary, took_part_on=timezone.localdate())
    figures = services.coverage(Member.objects.filter(org=world.branch_a), pa)
    assert (figures["members"], figures["participated"]) == (2, 1)
    report = make_report(pa, no_account)  # e.g. written on paper and typed in
    services.review_report(report, by=secretary, accept=False, comment="请补充")  # no account: no notification
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED


def test_removing_a_participation_needs_the_secretary(world, pa, secretary, login):
    row = services.record_participation(pa, [world.member_a], by=secretary, took_part_on=timezone.localdate())[0]
    url = reverse("evaluations:report_participation_remove", args=[row.pk])
    assert login(user_with_role(world.county_a, Role.ORG_DEPARTMENT)).post(url).status_code == 403
    assert login(member_user(world.member_a)).post(url).status_code == 404
    assert login(secretary).get(url).status_code == 405
    assert PartyAnalysisParticipation.objects.filter(pk=row.pk).exists()

"""``manage.py demo_campaign``: on any day, the demo is lived-in — today in the second step, the 党性分析 due in
three days and the plan overdue, reports in every state, an open assessment period and mass evaluation, unread
reminders, a 公示 running, quotas that add up, fresh dashboards — and it is rebuilt when the day changes."""

import datetime

import pytest
from django.apps import apps
from django.db.models import Max
from django.db.models.fields import AutoFieldMixin
from django.urls import reverse
from django.utils import timezone

from awards.holiday_data import LIBRARY_YEARS
from awards.models import AwardRound, HolidayYear, Nomination, Objection, Quota
from awards.services import publicity, quotas
from campaign.models import (
    ActivityRecord,
    BadgeEntry,
    Campaign,
    Commitment,
    Fulfilment,
    Milestone,
    MilestoneDone,
    Notification,
    Plan,
    Remark,
)
from campaign.services import supervision
from campaign.services.timeline import current_campaign, phase_order_on
from dashboards.services import latest_snapshot
from demo import codes
from demo.build_campaign import GUIDED_ACTIVITY, RETURN_REASON
from demo.build_evaluations import ANSWERED, RETURN_COMMENT
from evaluations.enums import Source, Target
from evaluations.models import (
    Assessment,
    MassAnswer,
    MassBatch,
    MassToken,
    MemberRating,
    PartyAnalysisParticipation,
    PartyAnalysisReport,
    Period,
)
from evaluations.services.periods import open_period
from evaluations.services.reports import in_window
from orgs.enums import MemberCategory
from orgs.models import Member, Org, User

D = datetime.date
# Two Sundays (one in the 春节 week), a leap day, the national day, and the Sunday of this suite's first run.
DAYS = [D(2026, 12, 6), D(2027, 2, 7), D(2027, 2, 28), D(2028, 2, 29), D(2030, 10, 1)]
DEMO_APPS = ("orgs", "campaign", "evaluations", "awards", "dashboards")


def demo_campaign() -> Campaign:
    return Campaign.objects.get(code=codes.CAMPAIGN)


def branch() -> Org:
    return Org.objects.get(code=codes.BRANCH)


def assert_timeline(day):
    campaign = demo_campaign()
    assert current_campaign(day) == campaign
    assert phase_order_on(campaign, day) == 2
    assert campaign.phase_on(day).name == "全面争创，扎实推进"
    due_in_3 = Milestone.objects.filter(campaign=campaign, due_date=day + datetime.timedelta(days=3))
    assert list(due_in_3.values_list("code", flat=True)) == ["party_analysis"]
    assert in_window(campaign, day)
    plan_milestone = Milestone.objects.get(campaign=campaign, code="plan")
    assert plan_milestone.due_date == day - datetime.timedelta(days=27)
    done = MilestoneDone.objects.filter(milestone__campaign=campaign, org=branch())
    assert set(done.values_list("milestone__code", flat=True)) == {"study"}  # plan and 党性分析 not done


def assert_plan_and_commitments():
    plan = Plan.objects.get(campaign=demo_campaign(), org=branch())
    assert plan.status == Plan.Status.RETURNED
    assert plan.return_reason == RETURN_REASON
    assert list(plan.versions.values_list("number", "decision", "reason")) == [(1, "returned", RETURN_REASON)]
    commitments = Commitment.objects.filter(campaign=demo_campaign(), org=branch(), status="published")
    assert commitments.filter(member=None, fulfilment=Fulfilment.NONE).count() == 1  # awaiting fulfilment
    assert commitments.filter(member__isnull=False, fulfilment=Fulfilment.PARTIAL).count() == 1
    assert ActivityRecord.objects.filter(campaign=demo_campaign(), org=branch()).count() == 2


def assert_instructor(day):
    """The 党建工作指导员 guides the branch and two neighbours of the county; one of them recorded its 党性分析
    meeting yesterday: new work to read and remark on, on any day."""
    instructor = User.objects.get(username=codes.INSTRUCTOR)
    guided = Org.objects.filter(assignments__user=instructor, assignments__role="instructor")
    assert guided.count() == 3 and branch() in guided
    county = Org.objects.get(code=codes.COUNTY)
    assert all(org.path.startswith(county.path) and org.level == "basic" for org in guided)
    (record,) = ActivityRecord.objects.filter(campaign=demo_campaign(), org__in=guided.exclude(pk=branch().pk))
    assert record.title == GUIDED_ACTIVITY[0] and record.date == day - datetime.timedelta(days=1)


def assert_evaluations(day):
    campaign = demo_campaign()
    period = open_period(day)
    assert period.code == codes.PERIOD and period.campaign == campaign
    reports = PartyAnalysisReport.objects.filter(campaign=campaign, org=branch()).select_related("member")
    by_status = {r.status: r for r in reports}
    assert sorted(by_status) == ["accepted", "draft", "returned", "submitted"]
    assert len({r.member_id for r in reports}) == 4
    assert by_status["accepted"].member.category == MemberCategory.FARMER  # a farmer may write one too
    assert by_status["submitted"].member.category == MemberCategory.IN_SERVICE  # required of her
    dangyuan = User.objects.get(username="dangyuan")
    assert by_status["returned"].member == dangyuan.member
    assert by_status["returned"].review_comment == RETURN_COMMENT
    own = Assessment.objects.get(period=period, member=dangyuan.member, source=Source.SELF)
    assert own.status == "draft" and own.scores.count() == 2
    assert PartyAnalysisParticipation.objects.filter(campaign=campaign, org=branch()).count() == 2
    assert MemberRating.objects.filter(period=period, org=branch(), level="excellent").count() == 1
    batch = MassBatch.objects.get(period=period, org=branch())
    assert batch.target == Target.MEMBER and batch.status == "ready"
    assert batch.is_open(at=datetime.datetime.combine(day, datetime.time(12), tzinfo=timezone.get_current_timezone()))
    members = Member.objects.filter(org=branch()).count()
    assert batch.token_count == 2 * members
    assert MassToken.objects.filter(batch=batch, used_at__isnull=False).count() == ANSWERED
    criteria = batch.criteria_set.criteria.count()
    assert MassAnswer.objects.filter(batch=batch).count() == ANSWERED * criteria
    assert BadgeEntry.objects.filter(org=branch()).count() == 2


def assert_inboxes():
    unread = Notification.objects.filter(read_at=None)
    shuji = set(unread.filter(user__username="shuji").values_list("title", flat=True))
    # one digest of the day's reminders: 制定方案 overdue, 党性分析 due in 3 days
    (digest,) = unread.filter(user__username="shuji", title__startswith="提醒：“制定方案”等").values_list(
        "body", flat=True
    )
    assert "“制定方案”应于" in digest and "已逾期27天" in digest
    assert "“党性分析”应于" in digest and "还有3天到期" in digest
    assert "实施方案被退回：塔元庄村党支部（第1版）" in shuji
    assert "王晓雪提交了党性分析报告，请审阅" in shuji
    # what he has already acted on was read when he reviewed it
    accepted = User.objects.get(username="dangyuan2").member.name
    assert f"{accepted}提交了党性分析报告，请审阅" not in shuji
    dangyuan = set(unread.filter(user__username="dangyuan").values_list("title", flat=True))
    assert dangyuan == {"您的党性分析报告被退回，请修改后重新提交"}
    county = set(unread.filter(user__username="zhengding_zzb").values_list("title", flat=True))
    assert any(title.startswith("下级组织逾期：“制定方案”") for title in county)  # one summary a day


def assert_publicity(day, client, monkeypatch):
    award_round = AwardRound.objects.get(code=codes.PUBLICITY_ROUND)
    assert publicity.publicity_state(award_round, day) == publicity.PublicityState.OPEN
    assert award_round.publicity_starts < day <= publicity.publicity_end(award_round)
    names = list(publicity.public_candidates(award_round).values_list("nominee_name", flat=True))
    assert "塔元庄村党支部" in names and len(names) == 3
    assert Objection.objects.filter(nomination__award_round=award_round, status="pending").count() == 1
    monkeypatch.setattr("awards.views.public.today", lambda: day)
    page = client.get(reverse("awards:public", args=[codes.PUBLICITY_ROUND]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "正定县创先争优活动集中表彰（演示）拟表彰对象公示" in html
    for name in names:
        assert name in html
    assert "提交异议" in html


def assert_holiday_years(day, output):
    """The 公示 is counted on the State Council's schedule where it is published; a year not published yet
    is assumed Monday–Friday, marked as such, and the command says so."""
    award_round = AwardRound.objects.get(code=codes.PUBLICITY_ROUND)
    for year in {award_round.publicity_starts.year, publicity.publicity_end(award_round).year}:
        assumed = HolidayYear.objects.get(year=year).is_assumed
        assert assumed == (year not in LIBRARY_YEARS)
        assert (f"{year}年节假日安排尚未公布" in output) == assumed


def assert_nomination_round(day):
    award_round = AwardRound.objects.get(code=codes.NOMINATION_ROUND)
    assert award_round.nomination_opens <= day <= award_round.nomination_closes
    pending = Nomination.objects.get(award_round=award_round)
    assert pending.status == "pending" and pending.current_org == Org.objects.get_parent(branch())
    own = Quota.objects.get(category__award_round=award_round, category__code="excellent_member", org__code="130000")
    assert own.amount == 30
    assert Quota.objects.filter(category__award_round=award_round, org__code=codes.COUNTY).count() == 3


def assert_no_negative_quota():
    for award_round in AwardRound.objects.all():
        for org in Org.objects.filter(pk__in=Quota.objects.filter(category__award_round=award_round).values("org")):
            for row in quotas.summary(award_round, org):
                assert row["left_to_hand_out"] >= 0, (award_round.code, org.name, row)
                assert row["left_to_forward"] >= 0, (award_round.code, org.name, row)


def assert_dashboards(day):
    snapshot = latest_snapshot(demo_campaign())
    assert snapshot.status == "done" and snapshot.as_of == day
    # the figures were read now: by a new snapshot, or by a live update of today's (a second build the same day)
    assert timezone.now() - snapshot.data_at < datetime.timedelta(seconds=60)
    assert snapshot.award_round.code == codes.NOMINATION_ROUND


@pytest.mark.parametrize("day", DAYS, ids=[d.isoformat() for d in DAYS])
def test_every_promise_holds_on_any_day(build, client, monkeypatch, day):
    output = build(day)
    assert f"已按 {day} 准备好" in output and "还有 3 天" in output
    assert_timeline(day)
    assert_plan_and_commitments()
    assert_instructor(day)
    assert_evaluations(day)
    assert_inboxes()
    assert_publicity(day, client, monkeypatch)
    assert_holiday_years(day, output)
    assert_nomination_round(day)
    assert_no_negative_quota()
    assert_dashboards(day)


def fingerprint() -> dict:
    """Rows, highest id and latest change of every model of the apps the demo writes to."""
    out = {}
    for app in DEMO_APPS:
        for model in apps.get_app_config(app).get_models():
            rows = model._base_manager.all()
            columns = [f.name for f in model._meta.concrete_fields if f.name in ("updated_at", "read_at", "used_at")]
            if isinstance(model._meta.pk, AutoFieldMixin):  # (max() of a UUID key: not on PostgreSQL)
                columns.append("pk")
            out[model._meta.label] = (rows.count(), *(rows.aggregate(m=Max(name))["m"] for name in columns))
    return out


def test_running_twice_on_the_same_day_changes_nothing(build):
    day = D(2027, 2, 28)
    build(day)
    before = fingerprint()
    output = build(day)
    assert "未作改动" in output
    assert fingerprint() == before


def test_a_later_day_reanchors_and_removes_only_what_the_demo_made(build):
    build(D(2027, 2, 28))
    first = demo_campaign()
    shuji = User.objects.get(username="shuji")
    unread_after_first = Notification.objects.filter(user=shuji, read_at=None).count()
    # Things the demo did not make: they survive the rebuild.
    other = Period.objects.create(
        name="别人的期间", code="someone-else", start_date=D(2027, 1, 1), end_date=D(2027, 12, 31)
    )
    note = Notification.objects.create(user=shuji, title="别的消息", url="/campaign/plans/")
    guided = ActivityRecord.objects.get(campaign=first, title=GUIDED_ACTIVITY[0]).org
    remark = supervision.add_remark(
        guided, by=User.objects.get(username=codes.INSTRUCTOR), achievements="好", problems="少", direction="继续"
    )

    later = D(2028, 2, 29)
    output = build(later)
    assert "已删除之前准备的演示数据" in output
    campaign = demo_campaign()
    assert campaign.pk != first.pk and not Campaign.objects.filter(pk=first.pk).exists()
    assert Campaign.objects.filter(code=codes.CAMPAIGN).count() == 1
    assert Period.objects.filter(code=codes.PERIOD).count() == 1
    assert AwardRound.objects.filter(code__in=codes.ROUNDS).count() == 2
    assert MassBatch.objects.filter(org=branch()).count() == 1
    assert Plan.objects.filter(org=branch()).count() == 1
    assert PartyAnalysisReport.objects.filter(org=branch()).count() == 4
    assert Notification.objects.filter(user=shuji, read_at=None).count() == unread_after_first + 1  # + 别的消息
    assert Period.objects.filter(pk=other.pk).exists() and Notification.objects.filter(pk=note.pk).exists()
    # the people the demo added are kept, not duplicated
    assert Member.objects.filter(id_number="130123198806150047").count() == 1
    assert User.objects.filter(username__in=["dangyuan2", "dangyuan3", "cunguan", codes.INSTRUCTOR]).count() == 4
    # the instructor's remark of the first day stays; the record it answered was rebuilt for the later day
    assert Remark.objects.filter(pk=remark.pk).exists()
    assert_instructor(later)
    assert BadgeEntry.objects.filter(org=branch()).count() == 2
    assert_timeline(later)
    assert_evaluations(later)
    assert_inboxes()
    assert_no_negative_quota()
    assert_dashboards(later)


def test_the_default_day_is_the_local_date(build):
    output = build()
    today = timezone.localdate()
    assert f"已按 {today} 准备好" in output
    assert phase_order_on(demo_campaign(), today) == 2
    assert latest_snapshot(demo_campaign()).as_of == today


def test_rebuild_on_the_same_day_starts_the_demo_over(build):
    day = D(2028, 2, 29)
    build(day)
    plan = Plan.objects.get(org=branch())
    output = build(day, "--rebuild")
    assert "已删除之前准备的演示数据" in output
    assert not Plan.objects.filter(pk=plan.pk).exists()
    assert Plan.objects.get(org=branch()).status == Plan.Status.RETURNED

"""A member's own 五个模范 self-assessment: the open period, one per (period, member), draft then submit,
locked after; the phone-first page at /evaluations/my/assessment/."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from evaluations.enums import AssessmentStatus, Source, Target
from evaluations.models import Assessment, Period
from evaluations.services import assessments as svc
from evaluations.services.periods import open_period
from orgs.enums import Role
from tests.factories import member_user, user_with_role

pytestmark = pytest.mark.django_db
URL = "/evaluations/my/assessment/"


def make(code, start, end):
    return Period.objects.create(name=code, code=code, start_date=start, end_date=end)


@pytest.fixture
def period(db):
    today = timezone.localdate()
    return make("open-now", today - datetime.timedelta(days=10), today + datetime.timedelta(days=10))


def test_open_period_contains_today_and_the_latest_start_wins(db):
    day = datetime.date(2031, 5, 10)
    assert open_period(day) is None
    year = make("y2031", datetime.date(2031, 1, 1), datetime.date(2031, 12, 31))
    assert open_period(day) == year
    spring = make("spring", datetime.date(2031, 3, 1), datetime.date(2031, 6, 30))
    assert open_period(day) == spring
    assert open_period(datetime.date(2031, 6, 30)) == spring  # both ends included
    assert open_period(datetime.date(2031, 7, 1)) == year
    assert open_period(datetime.date(2032, 1, 1)) is None
    assert URL == reverse("evaluations:my_assessment")


def test_the_member_alone_writes_one_self_assessment(world, seed_criteria, period):
    own = member_user(world.member_a)
    assert svc.can_assess(own, Source.SELF, member=world.member_a)
    for other in (member_user(world.member_a2), user_with_role(world.branch_a, Role.SECRETARY)):
        assert not svc.can_assess(other, Source.SELF, member=world.member_a)
        with pytest.raises(PermissionDenied):
            svc.create_assessment(period, Source.SELF, member=world.member_a, by=other)
    a = svc.create_assessment(period, Source.SELF, member=world.member_a, by=own)
    assert (a.target, a.org, a.criteria_set.code) == (Target.MEMBER, world.branch_a, "five-models")
    with pytest.raises(ValidationError) as error:
        svc.create_assessment(period, Source.SELF, member=world.member_a, by=own)
    assert "您本期间的自评已存在" in error.value.messages[0]
    with pytest.raises(IntegrityError), transaction.atomic():  # the database refuses a second one too
        Assessment.objects.create(
            period=period, target=Target.MEMBER, org=world.branch_a, org_path=world.branch_a.path,
            member=world.member_a, source=Source.SELF, criteria_set=a.criteria_set,
        )  # fmt: skip


def test_page_draft_then_submit_then_locked(world, seed_criteria, period, login):
    client = login(member_user(world.member_a))
    page = client.get(URL).content.decode()
    assert "我的“五个模范”自评" in page and "自觉学习的模范" in page and period.name in page
    criteria = list(seed_criteria["five-models"].criteria.all())
    draft = {f"level_{criteria[0].pk}": "satisfied", f"note_{criteria[0].pk}": "坚持学习", "action": "save"}
    assert client.post(URL, draft).status_code == 302
    a = Assessment.objects.get(source=Source.SELF, member=world.member_a)
    assert a.status == AssessmentStatus.DRAFT and a.scores.get().comment == "坚持学习"
    page = client.get(URL).content.decode()
    assert "草稿" in page and 'value="坚持学习"' in page
    # submitting with a criterion missing is refused with the names
    refused = client.post(URL, {**draft, "action": "submit"})
    assert refused.status_code == 400 and "提交前请为每一项选择等次" in refused.content.decode()
    data = {f"level_{c.pk}": "fairly" for c in criteria}
    data.update({f"level_{criteria[0].pk}": "satisfied", "comment": "继续努力", "action": "submit"})
    assert client.post(URL, data).status_code == 302
    a.refresh_from_db()
    assert a.status == AssessmentStatus.SUBMITTED and str(a.score) == "84.00"
    locked = re.sub(r"\s+", " ", client.get(URL).content.decode())
    assert 'id="locked"' in locked and "自评得分 84.00" in locked and "提交（提交后不能修改）" not in locked
    assert "继续努力" in locked and '"badge text-bg-danger level">满意<' in locked
    # a POST after submission changes nothing
    client.post(URL, {**data, "comment": "改", "action": "submit"})
    a.refresh_from_db()
    assert a.comment == "继续努力"


def test_no_open_period_is_said_plainly(world, seed_criteria, login):
    client = login(member_user(world.member_a))
    page = client.get(URL).content.decode()
    assert 'id="no-period"' in page and "现在没有正在进行的考核期间" in page
    assert client.post(URL, {"action": "submit"}).status_code == 302
    assert not Assessment.objects.exists()


def test_a_user_without_a_member_record_gets_404(world, period, login):
    for user in (user_with_role(world.branch_a, Role.SECRETARY), user_with_role(world.county_a, Role.ORG_DEPARTMENT)):
        assert login(user).get(URL).status_code == 404


def test_phone_width_tap_targets(world, seed_criteria, period, login):
    page = login(member_user(world.member_a)).get(URL).content.decode()
    assert page.count('class="btn btn-outline-danger w-100 tap-target"') == 5 * 4
    assert "style=" not in page

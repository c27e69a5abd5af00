"""The inbox follows the work: "王晓雪提交了党性分析报告，请审阅" is read once the secretary approved or returned that
report through the service, and the member's "被退回，请修改后重新提交" once he resubmitted it
(campaign.services.inbox.mark_read_about). Only the actor's own messages about that report: another secretary's,
and the actor's messages about anything else, stay unread."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from campaign.models import Notification
from campaign.services.notifications import notify
from evaluations.services import reports as services
from orgs.enums import Role
from tests.factories import member_user, user_with_role
from tests.factories.evaluations_mass import analysis_campaign

pytestmark = pytest.mark.django_db


def unread(user, words):
    return list(
        Notification.objects.filter(user=user, title__contains=words, read_at__isnull=True).values_list(
            "title", flat=True
        )
    )


def test_reviewing_and_resubmitting_read_the_messages_that_asked_for_it(world, seed_campaign):
    campaign = analysis_campaign(seed_campaign)
    author = member_user(world.member_a)
    secretary = user_with_role(world.branch_a, Role.SECRETARY)
    town_secretary = user_with_role(world.town_a, Role.SECRETARY)
    notify([secretary], title="另一件事", url="/campaign/plans/1/")  # about something else

    report = services.save_report(world.member_a, campaign, by=author, content="对照党章……", submit=True)
    url = reverse("evaluations:report_detail", args=[report.pk])
    asked = "张建国提交了党性分析报告"
    assert unread(secretary, asked) == unread(town_secretary, asked) == ["张建国提交了党性分析报告，请审阅"]

    with pytest.raises(ValidationError):  # refused (no comment): nothing done, nothing read
        services.review_report(report, by=secretary, accept=False, comment="")
    assert unread(secretary, asked)

    services.review_report(report, by=secretary, accept=False, comment="请补充整改措施")
    assert unread(secretary, asked) == [] and unread(town_secretary, asked)
    assert unread(secretary, "另一件事") == ["另一件事"]
    assert unread(author, "被退回") == ["您的党性分析报告被退回，请修改后重新提交"]

    services.save_report(world.member_a, campaign, by=author, content="对照党章……整改措施：……", submit=True)
    assert unread(author, "被退回") == []
    assert len(unread(secretary, asked)) == 1  # the new submission asks again

    services.review_report(report, by=secretary, accept=True)
    assert unread(secretary, asked) == []
    assert unread(author, "已通过") == ["您的党性分析报告已通过"]
    assert Notification.objects.filter(user=secretary, url=url, read_at__isnull=True).count() == 0

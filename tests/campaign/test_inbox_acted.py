"""A message that asks for an action is read once its recipient did it through the service
(campaign.services.inbox.mark_read_about): 待审批 when the plan is approved or returned, 实施方案被退回 when it is
resubmitted, 宣传稿件待审核 when the story is decided, a 限期整改通知 when the organization reports its
rectification and its 请验收 when the issuer verifies, 待审核推荐 when the level forwarded or rejected the nomination.
Other recipients' messages, and the messages the action itself sends, stay unread."""

import pytest

from awards.services import nominations as award_services
from campaign.models import Notification
from campaign.services import plans as services
from campaign.services import supervision
from campaign.services.inbox import mark_read_about
from common.actors import SYSTEM
from orgs.enums import Role
from tests.factories import user_with_role
from tests.factories.awards_nominations import Staff, chain_quotas, make_round, nominate_member
from tests.factories.campaign_plans import make_plan
from tests.factories.campaign_supervision import make_order

pytestmark = pytest.mark.django_db


def unread(user, prefix):
    return Notification.objects.filter(user=user, title__startswith=prefix, read_at__isnull=True).count()


def test_plan_messages_are_read_when_the_plan_is_decided_and_resubmitted(world, campaign):
    secretary = user_with_role(world.branch_a, Role.SECRETARY)
    town_secretary = user_with_role(world.town_a, Role.SECRETARY)
    department = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    plan = make_plan(campaign, world.branch_a, by=secretary)
    plan = services.submit_plan(plan, by=secretary, expected_revision=plan.revision)
    assert unread(department, "待审批") == unread(town_secretary, "待审批") == 1

    plan = services.return_plan(plan, by=department, reason="措施不够具体", expected_revision=plan.revision)
    assert unread(department, "待审批") == 0 and unread(town_secretary, "待审批") == 1
    assert unread(secretary, "实施方案被退回") == 1

    plan = services.submit_plan(plan, by=secretary, expected_revision=plan.revision)
    assert unread(secretary, "实施方案被退回") == 0
    assert unread(department, "待审批") == 1  # the second version asks again

    services.approve_plan(plan, by=department, expected_revision=plan.revision)
    assert unread(department, "待审批") == 0 and unread(secretary, "实施方案已审批通过") == 1


def test_nomination_message_is_read_when_the_level_forwards_it(world, django_capture_on_commit_callbacks):
    staff = Staff(world)
    award_round = make_round(world.province)
    chain_quotas(award_round, [world.province, world.city_a, world.county_a, world.town_a], 1)
    with django_capture_on_commit_callbacks(execute=True):
        nomination = nominate_member(award_round, world, by=staff.secretary)
    assert unread(staff.town, "待审核推荐") == 1
    with django_capture_on_commit_callbacks(execute=True):
        nomination = award_services.forward(nomination, by=staff.town)
    assert unread(staff.town, "待审核推荐") == 0 and unread(staff.county, "待审核推荐") == 1
    award_services.reject(nomination, by=staff.county, note="群众反映一般")
    assert unread(staff.county, "待审核推荐") == 0


def test_rectification_messages_are_read_when_reported_and_verified(world):
    secretary = user_with_role(world.branch_a, Role.SECRETARY)
    department = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    order = make_order(world.branch_a, department)
    assert unread(secretary, "正定县下达限期整改通知") == 1
    supervision.respond_order(order, by=secretary, text="已整改")
    assert unread(secretary, "正定县下达限期整改通知") == 0 and unread(department, "塔元庄村党支部已报送整改情况") == 1
    supervision.verify_order(order, by=department, passed=False, reason="还不彻底")
    assert unread(department, "塔元庄村党支部已报送整改情况") == 0 and unread(secretary, "整改情况验收未通过") == 1
    supervision.respond_order(order, by=secretary, text="已彻底整改")
    assert unread(secretary, "整改情况验收未通过") == 0


def test_the_portal_itself_and_an_empty_address_read_nothing(world):
    user = user_with_role(world.branch_a, Role.SECRETARY)
    Notification.objects.create(user=user, title="待办", url="")
    assert mark_read_about(SYSTEM, "") == 0 and mark_read_about(user, "") == 0
    assert unread(user, "待办") == 1

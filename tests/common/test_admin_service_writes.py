"""The data manager corrects records of the higher apps in the admin through their services: 活动记录, a draft
承诺 and a draft 基层表彰 — the portal's rules and Chinese messages at the field, history with the admin's user,
the admin's change log; a record the portal no longer lets anybody change is read-only; another county's is 404."""

import datetime

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.utils import timezone

from awards.models import BasicCommendation
from campaign.enums import ActivityType
from campaign.models import Commitment
from orgs.enums import Role
from tests.factories import user_with_role
from tests.factories.awards_basic import make_commendation
from tests.factories.campaign_activities import campaign_in_phase, make_activity
from tests.factories.campaign_plans import make_commitment
from tests.orgs.test_admin import change_url, field_errors, post_change


@pytest.fixture
def manager(world):
    return user_with_role(world.county_a, Role.DATA_MANAGER, username="zd_data")


def latest_history(obj):
    return obj.history.order_by("-history_date", "-history_id").first()


def test_an_activity_record_is_corrected_through_update_activity(login, world, manager, seed_campaign):
    running = campaign_in_phase(seed_campaign, 2)
    record = make_activity(world.branch_a, running, title="走访慰问困难党员", participant_count=12)
    client = login(manager)

    response = post_change(client, record, title="走访慰问困难党员和老党员", participant_count=15)

    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.title, record.participant_count) == ("走访慰问困难党员和老党员", 15)
    assert latest_history(record).history_user == manager
    entry = LogEntry.objects.get(object_id=str(record.pk), content_type__model="activityrecord")
    assert (entry.user, entry.action_flag) == (manager, CHANGE)


def test_an_activity_date_in_the_future_is_refused_at_its_field_and_nothing_is_written(
    login, world, manager, seed_campaign
):
    running = campaign_in_phase(seed_campaign, 2)
    record = make_activity(world.branch_a, running, activity_type=ActivityType.SERVE_MASSES)
    before = (record.date, record.title)
    client = login(manager)

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = post_change(client, record, date=tomorrow.isoformat(), title="改过的标题")

    assert response.status_code == 200
    assert field_errors(response, "date"), response.context["adminform"].form.errors
    record.refresh_from_db()
    assert (record.date, record.title) == before
    assert not LogEntry.objects.filter(object_id=str(record.pk)).exists()


def test_an_activity_of_another_county_is_404(login, world, manager, seed_campaign):
    running = campaign_in_phase(seed_campaign, 2)
    record = make_activity(world.branch_b, running)
    client = login(manager)
    assert client.get(change_url(record)).status_code == 404


def test_a_draft_commitment_is_corrected_and_a_published_one_is_read_only(login, world, manager, campaign):
    draft = make_commitment(campaign, member=world.member_a, content="带头参加志愿服务。")
    published = make_commitment(campaign, member=world.member_a2, status=Commitment.Status.PUBLISHED)
    client = login(manager)

    response = post_change(client, draft, content="带头参加志愿服务，每月不少于两次。")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.content == "带头参加志愿服务，每月不少于两次。"
    assert latest_history(draft).history_user == manager

    page = client.get(change_url(published))
    assert page.status_code == 200
    assert "content" not in page.context["adminform"].form.fields  # shown, not editable
    before = published.content
    assert client.post(change_url(published), {"content": "改写已公开的承诺"}).status_code == 403
    published.refresh_from_db()
    assert published.content == before


def test_a_draft_commendation_goes_through_update_commendation(login, world, manager):
    commendation = make_commendation(world.branch_a, title="2011年度优秀共产党员表彰")
    client = login(manager)

    response = post_change(client, commendation, title="2011年度“七一”优秀共产党员表彰", publicity_working_days=7)

    assert response.status_code == 302
    commendation.refresh_from_db()
    assert (commendation.title, commendation.publicity_working_days) == ("2011年度“七一”优秀共产党员表彰", 7)
    assert latest_history(commendation).history_user == manager


def test_a_commendation_refused_by_its_service_shows_the_rule_at_the_field(login, world, manager):
    commendation = make_commendation(world.branch_a, publicity=True, publicity_working_days=5)
    client = login(manager)

    response = post_change(client, commendation, publicity_working_days=99)

    assert response.status_code == 200
    assert field_errors(response, "publicity_working_days"), response.context["adminform"].form.errors
    commendation.refresh_from_db()
    assert commendation.publicity_working_days == 5
    assert commendation.status == BasicCommendation.Status.DRAFT

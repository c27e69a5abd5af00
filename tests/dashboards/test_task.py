"""The refresh task (eager here) and its place in the beat schedule."""

import pytest
from django.conf import settings

from dashboards.models import Snapshot
from dashboards.tasks import refresh_dashboards

pytestmark = pytest.mark.django_db


def test_task_refreshes_the_current_campaign(campaign, world):
    result = refresh_dashboards.delay().get()
    snapshot = Snapshot.objects.get(pk=result["snapshot"])
    assert result["status"] == "done" and snapshot.campaign == campaign
    assert refresh_dashboards.delay(campaign_id=campaign.pk, day="2026-01-01").get()["status"] == "done"
    assert refresh_dashboards.delay(campaign_id=999999).get() == {"status": "gone"}


def test_no_campaign_no_snapshot(db):
    from campaign.models import Campaign

    Campaign.objects.all().delete()  # the seed campaign loaded by campaign's data migration
    assert refresh_dashboards.delay().get() == {"status": "skipped"}


def test_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["dashboards-refresh"]
    assert entry["task"] == "dashboards.refresh_dashboards"

"""The move of 党员联系户, 联系服务记录, 干群恳谈会 and 矛盾纠纷 from the campaign app to masswork (campaign.0011,
masswork.0002): a database with rows written before the move keeps every one of them, with its history, after it.
The test reaches the old state by undoing the move, so that way is run too (tables and content types back to
campaign)."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import MemberFactory, UserFactory, make_org

BEFORE = [("campaign", "0010_reminder_rows_without_constraints"), ("masswork", "0001_initial")]
AFTER = [("campaign", "0011_masses_to_masswork"), ("masswork", "0002_masses_from_campaign")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _tables():
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


@pytest.mark.django_db(transaction=True)
def test_the_rows_written_in_the_campaign_app_are_all_there_after_the_move():
    org = make_org(name="塔元庄村党支部")
    member = MemberFactory(org=org, name="张建国")
    user = UserFactory(username="mover")
    content_type = ContentType.objects.get(app_label="masswork", model="household")
    permission = Permission.objects.get(content_type=content_type, codename="view_household")

    old = _migrate(BEFORE)
    assert {"campaign_household", "campaign_historicaldispute"} <= _tables()
    assert not {"masswork_household", "masswork_historicaldispute"} & _tables()
    assert ContentType.objects.get(pk=content_type.pk).app_label == "campaign"

    Household = old.get_model("campaign", "Household")
    household = Household.objects.create(
        org_id=org.pk, head_name="王大娘", village="塔元庄村", size=3, needs="看病难", phone="13912345678"
    )
    old.get_model("campaign", "HouseholdLink").objects.create(household=household, member_id=member.pk)
    service = old.get_model("campaign", "ServiceRecord").objects.create(
        household=household,
        member_id=member.pk,
        kind="visit",
        date=datetime.date(2011, 3, 1),
        content="走访慰问",
        recorded_by_id=user.pk,
    )
    meeting = old.get_model("campaign", "MassMeeting").objects.create(
        org_id=org.pk, date=datetime.date(2011, 3, 2), place="村委会", attendance=20, masses_count=15, issues="修路"
    )
    dispute = old.get_model("campaign", "Dispute").objects.create(
        org_id=org.pk,
        found_on=datetime.date(2011, 3, 3),
        category="land",
        parties="村民张某与邻居李某",
        summary="宅基地边界",
        outcome="resolved",
        outcome_on=datetime.date(2011, 3, 9),
    )
    old.get_model("campaign", "DisputeStep").objects.create(
        dispute=dispute, date=datetime.date(2011, 3, 5), action="调解", recorded_by_id=user.pk
    )
    old.get_model("campaign", "HistoricalHousehold").objects.create(
        id=household.pk,
        org_id=org.pk,
        head_name="王大娘",
        village="塔元庄村",
        size=3,
        needs="",
        phone="",
        active=True,
        created_at=household.created_at,
        history_date=household.created_at,
        history_type="+",
        history_user_id=user.pk,
    )

    new = _migrate(AFTER)
    assert {"masswork_household", "masswork_historicaldispute"} <= _tables()
    assert not {"campaign_household", "campaign_historicaldispute"} & _tables()

    from masswork.models import Dispute, Household, MassMeeting, ServiceRecord

    moved = Household.objects.get(pk=household.pk)
    assert (moved.org, moved.head_name, moved.size, moved.phone) == (org, "王大娘", 3, "13912345678")
    assert list(moved.members.all()) == [member]
    assert ServiceRecord.objects.get(pk=service.pk).household == moved
    assert MassMeeting.objects.get(pk=meeting.pk).issues == "修路"
    assert [s.action for s in Dispute.objects.get(pk=dispute.pk).steps.all()] == ["调解"]
    assert [h.history_user for h in moved.history.all()] == [user]
    assert new.get_model("masswork", "HouseholdLink").objects.count() == 1
    # The content type (and the permissions tied to it) follows the model: the same row, under masswork.
    assert ContentType.objects.get(pk=content_type.pk).app_label == "masswork"
    assert Permission.objects.get(pk=permission.pk).content_type_id == content_type.pk

    # A new row takes the next id of the table it moved with.
    later = Household.objects.create(org=org, head_name="李大爷", village="塔元庄村")
    assert later.pk > household.pk

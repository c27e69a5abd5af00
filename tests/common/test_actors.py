"""The explicit system actor: a permission check runs for every user and is skipped only for SYSTEM."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from awards.services.holidays import assume_year
from campaign.services.timeline import copy_campaign
from common.actors import SYSTEM
from orgs import services
from orgs.enums import Role
from orgs.models import Org
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def test_leaving_the_actor_out_is_refused_and_writes_nothing(world):
    before = Org.objects.count()
    with pytest.raises(TypeError):
        services.create_org(world.county_a, by=None, code="130123999", name="新支部", kind="dzb", level="basic")
    with pytest.raises(TypeError):
        services.update_org(world.branch_a, by=None, fields={"name": "改名"})
    assert Org.objects.count() == before
    world.branch_a.refresh_from_db()
    assert world.branch_a.name != "改名"


def test_the_system_may_what_a_user_outside_the_scope_may_not(world):
    outsider = user_with_role(world.county_b, Role.ORG_DEPARTMENT)
    with pytest.raises(PermissionDenied):
        services.update_org(world.branch_a, by=outsider, fields={"name": "外县改名"})
    services.update_org(world.branch_a, by=SYSTEM, fields={"name": "系统改名"})
    world.branch_a.refresh_from_db()
    assert world.branch_a.name == "系统改名"


def test_campaign_copy_and_assumed_year_need_an_actor(world, seed_campaign):
    secretary = user_with_role(world.branch_a, Role.SECRETARY)
    with pytest.raises(TypeError):
        copy_campaign(seed_campaign, name="x", code="x1", start_date=datetime.date(2030, 1, 1), by=None)
    with pytest.raises(PermissionDenied):
        copy_campaign(seed_campaign, name="x", code="x2", start_date=datetime.date(2030, 1, 1), by=secretary)
    copy = copy_campaign(seed_campaign, name="演示", code="x3", start_date=datetime.date(2030, 1, 1), by=SYSTEM)
    assert copy.start_date == datetime.date(2030, 1, 1)
    with pytest.raises(PermissionDenied):
        assume_year(2099, by=secretary)
    assert assume_year(2099, by=SYSTEM).entered_by is None

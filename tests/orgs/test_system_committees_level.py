"""The system committees (省直机关工委, 省委教育工委, 省国资委党委 …) sit beside the cities directly under the province
committee, at level 省直 — not 乡镇, where older data held them (seed, part 五; DESIGN "The hierarchy")."""

import importlib

from django.apps import apps

from orgs.demo.generator import DemoData
from orgs.enums import OrgKind, OrgLevel, Sector
from orgs.models import Org
from orgs.views.tree import NEXT_LEVEL
from tests.factories import make_org

migration = importlib.import_module("orgs.migrations.0010_system_committees_level")


def test_the_demo_generator_puts_the_system_committees_at_level_provincial():
    data = DemoData("demo")
    root = data.orgs[0]
    under_root = [o for o in data.orgs if o.depth == root.depth + 1]
    assert {o.name: o.level for o in under_root if o.level != OrgLevel.CITY} == {
        "省直机关工委": OrgLevel.PROVINCIAL,
        "省委教育工委": OrgLevel.PROVINCIAL,
        "省国资委党委": OrgLevel.PROVINCIAL,
    }
    assert not [o for o in data.orgs if o.level == OrgLevel.TOWNSHIP and o.depth == root.depth + 1]


def test_the_migration_moves_system_committees_held_at_township_level(world):
    system = make_org(
        world.province, level=OrgLevel.TOWNSHIP, kind=OrgKind.WORK_COMMITTEE, sector=Sector.ORGAN, code="130000001",
        name="省直机关工委",
    )  # fmt: skip
    migration.move_system_committees(apps, None)
    assert Org.objects.get(pk=system.pk).level == OrgLevel.PROVINCIAL
    assert Org.objects.get(pk=world.town_a.pk).level == OrgLevel.TOWNSHIP  # a real township stays
    assert Org.objects.get(pk=world.city_a.pk).level == OrgLevel.CITY


def test_a_system_committee_holds_basic_organizations():
    assert NEXT_LEVEL[OrgLevel.PROVINCIAL] == OrgLevel.BASIC
    assert OrgLevel.PROVINCIAL.label == "省直"

import pytest


class People:
    """Accounts on the test world (tests/factories.World): two counties, so that a leak would show."""

    def __init__(self, world):
        from orgs.enums import Role
        from tests.factories import user_with_role

        self.secretary_a = user_with_role(world.branch_a, Role.SECRETARY, username="sec_a")
        self.secretary_a2 = user_with_role(world.branch_a2, Role.SECRETARY, username="sec_a2")
        self.secretary_b = user_with_role(world.branch_b, Role.SECRETARY, username="sec_b")
        self.town_secretary = user_with_role(world.town_a, Role.SECRETARY, username="town_sec")
        self.county_od = user_with_role(world.county_a, Role.ORG_DEPARTMENT, username="zd_od")
        self.county_b_od = user_with_role(world.county_b, Role.ORG_DEPARTMENT, username="lx_od")
        self.city_od = user_with_role(world.city_a, Role.ORG_DEPARTMENT, username="sjz_od")
        self.province_od = user_with_role(world.province, Role.ORG_DEPARTMENT, username="sheng_od")
        self.province_lg = user_with_role(world.province, Role.LEADING_GROUP, username="sheng_lg")
        self.sector_rural = user_with_role(world.province, Role.SECTOR_SUPERVISOR, sector="rural", username="nc_ss")
        self.member = user_with_role(world.branch_a, Role.MEMBER, username="member_a")


@pytest.fixture
def people(world):
    return People(world)

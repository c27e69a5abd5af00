import datetime

import pytest


@pytest.fixture
def dash(campaign, seed_criteria):
    """The dashboard data set on a running campaign, refreshed as of 100 days after the campaign's start
    (phase one's milestones are overdue then), with the 党员队伍 data (tests/dashboards/member_data.py) and the
    亮牌示范 register (tests/dashboards/badge_data.py)."""
    from django.utils import timezone

    from dashboards.services import refresh
    from tests.accountability.dashboard_data import add_accountability
    from tests.dashboards.badge_data import add_badges
    from tests.dashboards.member_data import add_member_evaluations
    from tests.factories.dashboards import DashWorld
    from tests.masswork.dashboard_data import add_stations

    as_of = campaign.start_date + datetime.timedelta(days=100)
    data = DashWorld(campaign, today=as_of)
    data.as_of = as_of
    data.as_of_dt = timezone.make_aware(datetime.datetime.combine(as_of, datetime.time(12)))
    add_member_evaluations(data)
    add_badges(data)
    add_stations(data)
    add_accountability(data)
    data.snapshot = refresh(campaign, today=as_of)
    return data


@pytest.fixture
def people(dash):
    from orgs.enums import Role
    from tests.factories import user_with_role

    class People:
        province_lg = user_with_role(dash.province, Role.LEADING_GROUP, username="sheng_lg", full_name="省领导小组")
        province_od = user_with_role(dash.province, Role.ORG_DEPARTMENT, username="sheng_od")
        city_a_lg = user_with_role(dash.city_a, Role.LEADING_GROUP, username="sjz_lg")
        county_od = user_with_role(dash.county_a, Role.ORG_DEPARTMENT, username="zd_od")
        school_ss = user_with_role(dash.province, Role.SECTOR_SUPERVISOR, sector="school", username="jyt_ss")
        secretary = user_with_role(dash.branch_a, Role.SECRETARY, username="sec_a")
        member = user_with_role(dash.branch_a, Role.MEMBER, username="member_a")

    return People

"""Factories for the nomination area: a round open today, quotas down a chain, nominations moved up."""

import datetime
import itertools

from django.utils import timezone

from awards.models import AwardCategory, AwardRound, Quota
from awards.services import nominations as services
from awards.services.rounds import CATEGORIES_BY_KIND
from common.actors import SYSTEM
from orgs.enums import Role
from tests.factories import user_with_role

_seq = itertools.count(1)


def load_holiday_schedule():
    """The State Council's holiday schedule as a deployed portal has it: 2004–2026 from chinese-calendar
    (a data migration loads it, but a transactional test flushes it) and an assumed Monday–Friday schedule
    for the current and the next year when none is entered, so that a 公示 planned from today can be
    counted whatever the date the tests run on."""
    from awards.models import CalendarDay, HolidayYear
    from awards.seed import load_seed_calendar
    from awards.services.holidays import assume_year

    load_seed_calendar(CalendarDay, HolidayYear)
    today = timezone.localdate()
    for year in (today.year, today.year + 1):
        assume_year(year, by=SYSTEM)


def make_round(owner, *, kind="concentrated", code=None, today=None, **fields):
    """A round whose nomination window is open today (review until +10 days, 公示 from +11)."""
    day = today or timezone.localdate()
    values = {
        "name": f"测试表彰{next(_seq)}",
        "nomination_opens": day - datetime.timedelta(days=5),
        "nomination_closes": day + datetime.timedelta(days=5),
        "review_closes": day + datetime.timedelta(days=10),
        "publicity_starts": day + datetime.timedelta(days=11),
        "decision_date": day + datetime.timedelta(days=40),
        "publicity_working_days": 5,
        "objection_contact": "省委组织部党员教育处",
        **fields,
    }
    award_round = AwardRound.objects.create(owner_org=owner, code=code or f"round-{next(_seq)}", kind=kind, **values)
    for order, (category, nominee_kind) in enumerate(CATEGORIES_BY_KIND[kind], start=1):
        AwardCategory.objects.create(award_round=award_round, code=category, nominee_kind=nominee_kind, order=order)
    return award_round


def category(award_round, code="excellent_member"):
    return award_round.categories.get(code=code)


def set_quota(award_round, org, amount, code="excellent_member"):
    Quota.objects.update_or_create(category=category(award_round, code), org=org, defaults={"amount": amount})


def chain_quotas(award_round, orgs, amount, code="excellent_member"):
    """The same quota on every level of a chain (province, city, county, township …)."""
    for org in orgs:
        set_quota(award_round, org, amount, code)


class Staff:
    """组织部 users on each level of the world's first chain, a secretary on each branch, and the
    second city's 组织部 (the other subtree)."""

    def __init__(self, world):
        self.province = user_with_role(world.province, Role.ORG_DEPARTMENT, full_name="省委组织部")
        self.city = user_with_role(world.city_a, Role.ORG_DEPARTMENT, full_name="市委组织部")
        self.county = user_with_role(world.county_a, Role.ORG_DEPARTMENT, full_name="县委组织部")
        self.town = user_with_role(world.town_a, Role.ORG_DEPARTMENT, full_name="镇党委组织委员")
        self.secretary = user_with_role(world.branch_a, Role.SECRETARY, full_name="村支书")
        self.secretary_a2 = user_with_role(world.branch_a2, Role.SECRETARY, full_name="中学支书")
        self.secretary_b = user_with_role(world.branch_b, Role.SECRETARY, full_name="滦州村支书")
        self.city_b = user_with_role(world.city_b, Role.ORG_DEPARTMENT, full_name="唐山市委组织部")
        self.leading_group = user_with_role(world.city_a, Role.LEADING_GROUP, full_name="市领导小组")


def nominate_member(award_round, world, member=None, *, by, org=None, code="excellent_member", deeds="事迹材料"):
    member = member or world.member_a
    return services.nominate(
        award_round,
        category(award_round, code),
        nominating_org=org or member.org,
        nominee=member,
        deeds=deeds,
        by=by,
    )


def forward_to_owner(nomination, staff):
    """Forward a nomination from the first chain's township up to the province's list."""
    for user in (staff.town, staff.county, staff.city, staff.province):
        nomination = services.forward(nomination, by=user)
    return nomination

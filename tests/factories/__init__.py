"""Factories for tests: a real little province, valid ID numbers, users with roles."""

import datetime
import itertools

import factory

from common.actors import SYSTEM
from orgs import services
from orgs.enums import Gender, MemberCategory, MemberStatus, OrgKind, OrgLevel, Role
from orgs.models import Member, Org, RoleAssignment, User
from orgs.validators import id_check_char

_seq = itertools.count(1)


def make_id_number(serial: int, *, birth=datetime.date(1980, 5, 17), area="130102", gender=None) -> str:
    """A valid 18-digit ID number (GB 11643 check digit) unique per ``serial``.

    With ``gender`` the 17th digit says it (odd for a man), so the number agrees with the member it is
    made for; 500 numbers per gender and birth date before they repeat."""
    sequence = serial % 1000
    if gender is not None:
        sequence = (serial % 500) * 2 + (1 if gender == Gender.MALE else 0)
    first17 = f"{area}{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_check_char(first17)


def make_org(parent=None, *, level=OrgLevel.BASIC, kind=OrgKind.BRANCH, sector="", code=None, name=None, **extra):
    n = next(_seq)
    fields = {
        "code": code or f"T{n:06d}",
        "name": name or f"测试组织{n}",
        "level": level,
        "kind": kind,
        "sector": sector,
        **extra,
    }
    return services.create_org(parent, by=SYSTEM, **fields) if parent else Org.objects.add_root(instance=Org(**fields))


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    name = factory.Sequence(lambda n: f"党员{n}")
    gender = Gender.MALE
    ethnicity = "汉族"
    birth_date = datetime.date(1980, 5, 17)
    # The ID number agrees with the member's birth date and gender (orgs.validators.member_facts_errors).
    id_number = factory.LazyAttributeSequence(
        lambda o, n: make_id_number(n, birth=o.birth_date, area="130102", gender=o.gender)
    )
    mobile = factory.Sequence(lambda n: f"139{n:08d}")
    join_date = datetime.date(2005, 7, 1)
    status = MemberStatus.FULL
    category = MemberCategory.IN_SERVICE
    post = "村民小组长"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        org = kwargs.pop("org")
        return services.create_member(org, by=SYSTEM, **kwargs)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", "pass-1234-word")

    @factory.post_generation
    def finish(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def member_user(member, username=None, **kwargs):
    """An account for ``member`` (User.member) holding the member role on his organization."""
    if username:
        kwargs["username"] = username
    user = UserFactory(member=member, **kwargs)
    RoleAssignment.objects.create(user=user, org=member.org, role=Role.MEMBER)
    return user


def user_with_role(org, role=Role.ORG_DEPARTMENT, *, sector="", **kwargs):
    user = UserFactory(**kwargs)
    RoleAssignment.objects.create(user=user, org=org, role=role, sector=sector)
    return user


class World:
    """Two cities, each with a county, a township and basic organizations with members,
    so every test has a second subtree whose data must never leak."""

    def __init__(self):
        self.province = make_org(None, level=OrgLevel.PROVINCE, kind=OrgKind.COMMITTEE, code="130000", name="河北省")
        self.city_a = make_org(
            self.province, level=OrgLevel.CITY, kind=OrgKind.COMMITTEE, code="130100", name="石家庄市"
        )
        self.city_b = make_org(self.province, level=OrgLevel.CITY, kind=OrgKind.COMMITTEE, code="130200", name="唐山市")
        self.county_a = make_org(
            self.city_a, level=OrgLevel.COUNTY, kind=OrgKind.COMMITTEE, code="130123", name="正定县"
        )
        self.county_b = make_org(self.city_b, level=OrgLevel.COUNTY, kind=OrgKind.COMMITTEE, code="130223", name="滦县")
        self.town_a = make_org(
            self.county_a, level=OrgLevel.TOWNSHIP, kind=OrgKind.COMMITTEE, code="130123100", name="正定镇"
        )
        self.town_b = make_org(
            self.county_b, level=OrgLevel.TOWNSHIP, kind=OrgKind.COMMITTEE, code="130223100", name="滦州镇"
        )
        self.branch_a = make_org(self.town_a, sector="rural", code="130123100201", name="塔元庄村党支部")
        self.branch_a2 = make_org(self.town_a, sector="school", code="130123100202", name="正定镇中学党支部")
        self.branch_b = make_org(self.town_b, sector="rural", code="130223100201", name="滦州村党支部")
        self.member_a = MemberFactory(org=self.branch_a, name="张建国", mobile="13911110001")
        self.member_a2 = MemberFactory(org=self.branch_a2, name="李秀英", gender=Gender.FEMALE, mobile="13911110002")
        self.member_b = MemberFactory(org=self.branch_b, name="王志强", mobile="13911110003")
        for o in (self.province, self.city_a, self.city_b, self.county_a, self.county_b, self.town_a, self.town_b):
            o.refresh_from_db()

"""Who acts in the demo: the demo accounts of ``load_demo``, and the few members of 塔元庄村党支部 who get an
account of their own so that they can write their 党性分析报告 ("在职党员应撰写党性分析报告", seed, part 四 (二) 1).

The branch is a village branch of farmers; the county's 组织部 adds one 在职 member to it, a 大学生村官 ("注重发挥
党建工作指导员和大学生“村官”在创先争优活动中的作用", seed, part 五), so that the report is required of somebody
and the branch's 党性分析 stays open until her report is accepted. The 组织部 also assigns a 党建工作指导员 to the
branch and two of its neighbours, who reads their work and remarks on it. These people do not depend on the date:
they are made once and kept when the demo is rebuilt for another day.
"""

import datetime
from dataclasses import dataclass, field

from campaign.services import instructors
from orgs import services as org_services
from orgs.demo.loader import DEMO_PASSWORD
from orgs.enums import Gender, MemberCategory, MemberStatus, OrgLevel, Role
from orgs.models import Member, Org, RoleAssignment, User

from . import codes

COLLEGE_OFFICIAL = {
    "name": "王晓雪",
    "gender": Gender.FEMALE,
    "ethnicity": "汉族",
    "birth_date": datetime.date(1988, 6, 15),
    "id_number": "130123198806150047",
    "mobile": "13931100417",
    "join_date": datetime.date(2008, 6, 20),
    "status": MemberStatus.FULL,
    "category": MemberCategory.IN_SERVICE,
    "post": "大学生村官（村党支部书记助理）",
    "college_official": True,
}
# How many of the county's other basic organizations get a secretary account (all of them in the demo data set;
# the first ones in tree order in a bigger one).
NEIGHBOURS = 11
# Member accounts the demo opens in the branch: username → index of the member (by id; None: the 村官).
WRITERS = {"dangyuan2": 1, "dangyuan3": 3, "cunguan": None}
# The 党建工作指导员: a county cadre the 组织部 assigns to the demo branch and to these neighbours (indexes into
# ``Cast.neighbours``: one village of the same township whose plan is published, one of the next township whose
# plan waits for the county's approval).
INSTRUCTOR = {"full_name": "韩立新", "mobile": "13903110826"}
INSTRUCTOR_NEIGHBOURS = (1, 3)


class DemoNotLoaded(Exception):
    """``load_demo`` has not run: the demo province or a demo account is missing."""


@dataclass
class Cast:
    province: Org
    city: Org
    county: Org
    township: Org
    branch: Org
    province_department: User
    city_department: User
    county_department: User
    secretary: User
    member: User
    members: list[Member] = field(default_factory=list)  # the branch's members in id order
    college_official: Member | None = None
    writers: dict[str, User] = field(default_factory=dict)
    # The other basic organizations of the county, each with its secretary's account.
    neighbours: list[tuple[Org, User]] = field(default_factory=list)
    instructor: User | None = None
    # The basic organizations the instructor guides besides the branch, each with its secretary's account.
    guided: list[tuple[Org, User]] = field(default_factory=list)

    def other_townships(self) -> list[Org]:
        return list(
            Org.objects.filter(path__startswith=self.county.path, depth=self.county.depth + 1, level=OrgLevel.TOWNSHIP)
            .exclude(pk=self.township.pk)
            .order_by("path")
        )


def find_cast() -> Cast:
    """The demo's organizations and accounts; DemoNotLoaded when ``load_demo`` has not run."""
    orgs = {o.code: o for o in Org.objects.filter(code__in=[codes.PROVINCE, codes.CITY, codes.COUNTY, codes.BRANCH])}
    names = [codes.PROVINCE_DEPARTMENT, codes.CITY_DEPARTMENT, codes.COUNTY_DEPARTMENT, codes.SECRETARY, codes.MEMBER]
    users = {u.username: u for u in User.objects.filter(username__in=names, is_active=True)}
    missing = [c for c in (codes.PROVINCE, codes.CITY, codes.COUNTY, codes.BRANCH) if c not in orgs]
    missing += [n for n in names if n not in users]
    if missing:
        raise DemoNotLoaded(", ".join(missing))
    branch = orgs[codes.BRANCH]
    return Cast(
        province=orgs[codes.PROVINCE],
        city=orgs[codes.CITY],
        county=orgs[codes.COUNTY],
        township=Org.objects.get_parent(branch),
        branch=branch,
        province_department=users[codes.PROVINCE_DEPARTMENT],
        city_department=users[codes.CITY_DEPARTMENT],
        county_department=users[codes.COUNTY_DEPARTMENT],
        secretary=users[codes.SECRETARY],
        member=users[codes.MEMBER],
    )


def ensure_people(cast: Cast) -> Cast:
    """The 大学生村官 in the branch and the writers' accounts, made by the county's 组织部 if missing."""
    official = Member.objects.filter(id_number=COLLEGE_OFFICIAL["id_number"]).first()
    if official is None:
        official = org_services.create_member(cast.branch, by=cast.county_department, **COLLEGE_OFFICIAL)
    cast.college_official = official
    cast.members = list(Member.objects.filter(org=cast.branch).order_by("id"))
    for username, index in WRITERS.items():
        member = official if index is None else cast.members[index]
        user = User.objects.filter(member=member).first() or User.objects.filter(username=username).first()
        if user is None:
            user = org_services.create_account(
                by=cast.county_department,
                username=username,
                password=DEMO_PASSWORD,
                full_name=member.name,
                mobile=member.mobile,
                role=Role.MEMBER,
                org=cast.branch,
                member=member,
            )
        cast.writers[username] = user
    cast.neighbours = [(org, _neighbour_secretary(cast, org)) for org in neighbour_branches(cast)]
    cast.guided = [cast.neighbours[i] for i in INSTRUCTOR_NEIGHBOURS if i < len(cast.neighbours)]
    cast.instructor = _instructor(cast)
    return cast


def neighbour_branches(cast: Cast) -> list[Org]:
    """The county's other basic organizations, in tree order (at most ``NEIGHBOURS``)."""
    return list(
        Org.objects.filter(path__startswith=cast.county.path, level=OrgLevel.BASIC, active=True)
        .exclude(pk=cast.branch.pk)
        .order_by("path")[:NEIGHBOURS]
    )


def _neighbour_secretary(cast: Cast, org: Org) -> User:
    """The secretary account of a neighbouring branch (``shuji_<组织编码>``), opened by the county's 组织部 for
    the branch's first member (its secretary in the demo data)."""
    username = f"shuji_{org.code}"
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    member = Member.objects.filter(org=org).order_by("id").first()
    if member is not None and User.objects.filter(member=member).exists():
        member = None
    return org_services.create_account(
        by=cast.county_department,
        username=username,
        password=DEMO_PASSWORD,
        full_name=member.name if member else f"{org.name}书记",
        mobile=member.mobile if member else "",
        role=Role.SECRETARY,
        org=org,
        member=member,
    )


def _instructor(cast: Cast) -> User:
    """The 党建工作指导员 ``zhidaoyuan``, made by the county's 组织部 on the page's service (a new account assigned
    to the branch and the guided neighbours); a kept account gets back an assignment somebody removed."""
    orgs = [cast.branch, *(org for org, _secretary in cast.guided)]
    user = User.objects.filter(username=codes.INSTRUCTOR).first()
    if user is None:
        return instructors.create_instructor(
            by=cast.county_department, username=codes.INSTRUCTOR, password=DEMO_PASSWORD, orgs=orgs, **INSTRUCTOR
        )
    assigned = set(RoleAssignment.objects.filter(user=user, role=Role.INSTRUCTOR).values_list("org_id", flat=True))
    missing = [org for org in orgs if org.pk not in assigned]
    if missing and user.is_active:
        instructors.assign_instructor(user, missing, by=cast.county_department)
    return user


def branch_member(cast: Cast, user: User) -> Member:
    """The member record behind one of the branch's accounts."""
    return next(m for m in cast.members if m.pk == user.member_id)

"""load_demo: the real 2010 divisions, valid and unique personal data, determinism, roll-ups, accounts."""

import csv
import datetime
import io
import itertools
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F

from orgs import queries
from orgs.demo import loader
from orgs.demo.generator import DemoData
from orgs.demo.shapes import CSV_PATH, split
from orgs.enums import OrgLevel, Role, Sector
from orgs.models import Member, Org, RoleAssignment, User
from orgs.validators import MOBILE_RE, id_number_birth_date, id_number_error


def run_load_demo(*args):
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db):
    return run_load_demo()


def csv_levels():
    with open(CSV_PATH, encoding="utf-8") as fh:
        return Counter(row["level"] for row in csv.DictReader(fh))


def test_the_shipped_csv_is_the_shared_one():
    assert csv_levels() == {"province": 1, "prefecture": 11, "county": 172}


def test_province_cities_and_counties_are_the_real_2010_ones(demo):
    levels = csv_levels()
    assert Org.objects.filter(level=OrgLevel.PROVINCE).count() == levels["province"] == 1
    assert Org.objects.filter(level=OrgLevel.CITY).count() == levels["prefecture"] == 11
    assert Org.objects.filter(level=OrgLevel.COUNTY).count() == levels["county"] == 172
    root = Org.objects.get(code="130000")
    assert root.name == "河北省委" and root.depth == 1
    zhengding = Org.objects.get(code="130123")
    assert zhengding.name == "正定县委" and Org.objects.get_parent(zhengding).code == "130100"
    assert Org.objects.get(code="130230").name == "唐海县委"  # existed in 2010, gone in 2012
    assert Org.objects.find_problems() == ([], [], [], [], [])


def test_townships_basic_orgs_and_system_committees(demo):
    zhengding = Org.objects.get(code="130123")
    townships = list(Org.objects.get_children(zhengding))
    assert [t.name for t in townships] == ["正定镇党委", "诸福屯镇党委", "新城铺镇党委"]
    assert all(t.level == OrgLevel.TOWNSHIP and len(t.code) == 9 and t.code.startswith("130123") for t in townships)
    for township in townships:
        basics = list(Org.objects.get_children(township))
        assert len(basics) == 4
        assert all(b.level == OrgLevel.BASIC and b.code.startswith(township.code) and len(b.code) == 12 for b in basics)
        assert all(b.members.count() == 8 for b in basics)
    assert Org.objects.get(code="130123100001").name == "塔元庄村党支部"
    # A second city's counties are populated too, so scope can be shown.
    assert Member.objects.filter(org_path__startswith=Org.objects.get(code="130200").path).exists()
    root = Org.objects.get(code="130000")
    committees = {o.name: o for o in Org.objects.get_children(root) if o.level != OrgLevel.CITY}
    assert {name: o.sector for name, o in committees.items()} == {
        "省直机关工委": Sector.ORGAN,
        "省委教育工委": Sector.UNIVERSITY,
        "省国资委党委": Sector.SOE,
    }
    for committee in committees.values():
        below = Org.objects.filter(path__startswith=committee.path, depth__gt=committee.depth)
        assert below.exists() and set(below.values_list("sector", flat=True)) == {committee.sector}
    university_members = Member.objects.filter(org__sector=Sector.UNIVERSITY)
    assert university_members.exists()
    assert Org.objects.filter(ethnic_religious=True, code__startswith="131028").exists()  # 大厂回族自治县
    sectors = set(Org.objects.filter(level=OrgLevel.BASIC).values_list("sector", flat=True))
    assert {Sector.RURAL, Sector.COMMUNITY, Sector.UNIVERSITY, Sector.ORGAN, Sector.SOE} <= sectors


def test_every_member_has_valid_unique_personal_data(demo):
    members = list(Member.objects.select_related("org"))
    assert len(members) == 8 * Org.objects.filter(level=OrgLevel.BASIC, numchild=0).count()
    assert len({m.id_number for m in members}) == len(members)
    assert len({m.mobile for m in members}) == len(members)
    start = datetime.date(2010, 4, 1)
    for m in members:
        assert id_number_error(m.id_number) is None, m.id_number
        assert id_number_birth_date(m.id_number) == m.birth_date
        assert int(m.id_number[16]) % 2 == (1 if m.gender == "m" else 0)  # GB 11643: odd for men
        assert MOBILE_RE.match(m.mobile), m.mobile
        assert datetime.date(1930, 1, 1) <= m.birth_date <= datetime.date(1992, 12, 31)
        eighteen = m.birth_date.replace(year=m.birth_date.year + 18, day=min(m.birth_date.day, 28))
        assert eighteen <= m.join_date <= start
        assert m.org.level == OrgLevel.BASIC and m.org_path == m.org.path
        assert len(m.name) >= 2
    assert Counter(m.ethnicity for m in members).most_common(1)[0][0] == "汉族"
    assert "回族" in {m.ethnicity for m in members}
    assert Counter(m.status for m in members)["full"] > len(members) * 0.8
    assert len({m.category for m in members}) >= 4
    assert {"村党支部书记", "学生"} <= {m.post for m in members}


def test_roll_ups_equal_direct_counts(demo):
    for org in Org.objects.all():
        subtree = Org.objects.filter(path__startswith=org.path)
        assert org.subtree_orgs == subtree.count() - 1, org.name
        assert org.subtree_members == Member.objects.filter(org_path__startswith=org.path).count(), org.name
        assert org.numchild == subtree.filter(depth=org.depth + 1).count(), org.name
    assert Org.objects.get(code="130000").subtree_members == Member.objects.count()


def test_same_seed_same_data_other_seed_other_data():
    first = DemoData("demo", seed=7)
    again = DemoData("demo", seed=7)
    other = DemoData("demo", seed=8)

    def sample(data):
        return [(m.name, m.id_number, m.mobile) for m in itertools.islice(data.members(), 60)]

    assert [(o.code, o.name, o.path) for o in first.orgs] == [(o.code, o.name, o.path) for o in again.orgs]
    assert sample(first) == sample(again)
    assert sample(first) != sample(other)


def test_sizes_of_the_bigger_scales_without_writing_them():
    county = DemoData("county")
    assert sum(o.level == OrgLevel.BASIC for o in county.orgs) == 1000
    assert county.total_members == 25_000
    assert split(10, [1, 1, 1], minimum=2) == [4, 3, 3]


def test_demo_accounts_one_per_role(demo):
    expected = {
        "sheng_ldxz": (Role.LEADING_GROUP, "130000", ""),
        "shijiazhuang_zzb": (Role.ORG_DEPARTMENT, "130100", ""),
        "zhengding_zzb": (Role.ORG_DEPARTMENT, "130123", ""),
        "gaoxiao_hy": (Role.SECTOR_SUPERVISOR, "130000", Sector.UNIVERSITY),
        "shuji": (Role.SECRETARY, "130123100001", ""),
        "dangyuan": (Role.MEMBER, "130123100001", ""),
        "zhengding_sjgl": (Role.DATA_MANAGER, "130123", ""),
    }
    for username, (role, code, sector) in expected.items():
        user = User.objects.get(username=username)
        assert user.check_password(loader.DEMO_PASSWORD)
        assert list(RoleAssignment.objects.filter(user=user).values_list("role", "org__code", "sector")) == [
            (role, code, sector)
        ]
        assert username in demo
    assert loader.DEMO_PASSWORD in demo
    dangyuan = User.objects.get(username="dangyuan")
    shuji = User.objects.get(username="shuji")
    assert dangyuan.member.org.code == shuji.member.org.code == "130123100001"
    assert dangyuan.full_name == dangyuan.member.name
    # Scope is demonstrable: the county sees its members and nobody else's.
    zhengding = User.objects.get(username="zhengding_zzb")
    county = Org.objects.get(code="130123")
    assert queries.members_for(zhengding).count() == county.subtree_members == 96
    assert not queries.members_for(zhengding).exclude(org_path__startswith=county.path).exists()
    supervisor = User.objects.get(username="gaoxiao_hy")
    assert set(queries.members_for(supervisor).values_list("org__sector", flat=True)) == {Sector.UNIVERSITY}


def test_running_again_without_reset_changes_nothing(demo):
    counts = (Org.objects.count(), Member.objects.count(), User.objects.count())
    output = run_load_demo()
    assert "已存在" in output and "sheng_ldxz" in output
    assert (Org.objects.count(), Member.objects.count(), User.objects.count()) == counts


def test_reset_reloads_from_scratch(demo):
    other = User.objects.create_user(username="keeper", password="x-1234-y")
    RoleAssignment.objects.create(user=other, org=Org.objects.get(code="130123"), role=Role.ORG_DEPARTMENT)
    first_member = Member.objects.order_by("id").first()
    output = run_load_demo("--reset", "--seed", "11")
    assert "已清空" in output
    assert Org.objects.filter(level=OrgLevel.COUNTY).count() == 172
    assert not Member.objects.filter(pk=first_member.pk).exists()
    assert User.objects.filter(username="keeper").exists()  # not a demo account: kept
    assert not RoleAssignment.objects.filter(user__username="keeper").exists()  # its node was deleted
    assert RoleAssignment.objects.filter(user__username="shuji", org__code="130123100001").exists()
    assert Org.objects.find_problems() == ([], [], [], [], [])


def test_other_organizations_are_not_mixed_with_the_demo(db):
    Org.objects.add_root(instance=Org(code="X1", name="别的根组织", kind="dw", level=OrgLevel.PROVINCE))
    with pytest.raises(CommandError, match="--reset"):
        run_load_demo()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the refusal is for SQLite")
def test_province_scale_is_refused_on_sqlite(db):
    with pytest.raises(CommandError, match="PostgreSQL"):
        run_load_demo("--scale", "province")
    assert not Org.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY and index rebuild are PostgreSQL's")
def test_copy_with_indexes_dropped_and_rebuilt(db, monkeypatch):
    """The province path (indexes and constraints dropped around COPY) on the demo data."""
    monkeypatch.setattr(loader, "DROP_INDEXES_FROM", 1)
    with connection.cursor() as cursor:
        before = _member_indexes(cursor)
    run_load_demo()
    with connection.cursor() as cursor:
        assert _member_indexes(cursor) == before
    assert {"member_tree", "member_name_trgm"} <= {name for name, _d in before}
    assert Member.objects.count() == Org.objects.get(code="130000").subtree_members > 0
    assert not Member.objects.exclude(org_sector=F("org__sector")).exists()
    assert not Member.objects.exclude(org_kind=F("org__kind")).exists()


def test_members_carry_their_organizations_sector(demo):
    assert Member.objects.filter(org_sector=Sector.UNIVERSITY).exists()
    assert not Member.objects.exclude(org_sector=F("org__sector")).exists()


def _member_indexes(cursor):
    cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'orgs_member' ORDER BY 1")
    rows = cursor.fetchall()
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'orgs_member'::regclass"
    )
    return sorted(rows + cursor.fetchall())


@pytest.mark.parametrize(
    ("username", "query"),
    [
        ("sheng_ldxz", "page=2"),  # index order (PostgreSQL: ORDER BY org_path USING ~<~)
        ("sheng_ldxz", "status=full&page=2"),
        ("sheng_ldxz", "sector=rural&page=2"),  # index (org_sector, org_path, id)
        ("sheng_ldxz", "sector=university"),
        ("sheng_ldxz", "category=student"),  # index (category, org_path, id)
        ("sheng_ldxz", "sector=university&category=student"),  # two columns: plain order
        ("sheng_ldxz", "kind=dzb"),  # plain order
        ("zhengding_zzb", "page=2"),
        ("gaoxiao_hy", ""),  # one-sector scope: index (org_sector, org_path, id)
    ],
)
def test_member_list_pages_follow_the_tree(demo, login, username, query):
    user = User.objects.get(username=username)
    response = login(user).get(f"/members/?{query}")
    assert response.status_code == 200
    expected = queries.members_for(user).order_by("org_path", "id")
    if "status=full" in query:
        expected = expected.filter(status="full")
    if "sector=rural" in query:
        expected = expected.filter(org__sector=Sector.RURAL)
    if "sector=university" in query:
        expected = expected.filter(org__sector=Sector.UNIVERSITY)
    if "category=student" in query:
        expected = expected.filter(category="student")
    if "kind=dzb" in query:
        expected = expected.filter(org__kind="dzb")
    start = 30 if "page=2" in query else 0
    shown = [m.pk for m in response.context["object_list"]]
    assert shown == list(expected.values_list("pk", flat=True)[start : start + 30])
    assert shown and response.context["object_list"][0].name in response.content.decode()


def test_children_of_the_root_are_the_cities_then_the_system_committees(demo, login):
    response = login(User.objects.get(username="sheng_ldxz")).get("/orgs/130000/children/")
    names = [o.name for o in response.context["children"]]
    assert names[:2] == ["石家庄市委", "唐山市委"] and len(names) == 14
    assert names[-3:] == ["省直机关工委", "省委教育工委", "省国资委党委"]

"""党员联系户: households, links to members, service records, masking of personal data, and the
"no contact for N days" list — rules, pages, scope and query counts."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from masswork.models import Household, HouseholdLink, ServiceKind, ServiceRecord
from masswork.queries import masses as mq
from masswork.services import masses as services
from tests.factories import make_org
from tests.factories.campaign_masses import People, make_household, make_service, second_member

pytestmark = pytest.mark.django_db

FULL_PHONE = "13912345678"
MASKED_PHONE = "139****5678"


@pytest.fixture
def people(world):
    return People(world)


def text(response):
    return response.content.decode()


# --- households -----------------------------------------------------------------------------------


def test_secretary_registers_household_with_members(world, people, login):
    client = login(people.secretary_a)
    other = second_member(world.branch_a)
    response = client.post(
        reverse("masswork:household_create") + f"?org={world.branch_a.code}",
        {
            "head_name": "王大娘",
            "village": "塔元庄村三组",
            "size": "2",
            "phone": FULL_PHONE,
            "needs": "独居老人，腿脚不便",
            "active": "on",
            "members": [world.member_a.pk, other.pk],
        },
    )
    household = Household.objects.get()
    assert response.status_code == 302 and response.url == reverse("masswork:household_detail", args=[household.pk])
    assert household.org == world.branch_a and household.created_by == people.secretary_a
    assert set(household.members.values_list("name", flat=True)) == {"张建国", "李长顺"}
    page = text(client.get(response.url))
    assert "王大娘户" in page and FULL_PHONE in page and "张建国" in page and "李长顺" in page


def test_household_form_refuses_bad_phone_and_id_numbers(world, people, login):
    client = login(people.secretary_a)
    response = client.post(
        reverse("masswork:household_create") + f"?org={world.branch_a.code}",
        {"head_name": "王大娘", "village": "三组", "size": "2", "phone": "12345", "needs": "身份证 130102198005170012"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "请填写11位手机号码或带区号的固定电话" in form.errors["phone"][0]
    assert "请勿填写身份证号码" in form.errors["needs"][0]
    assert not Household.objects.exists()


def test_landline_is_accepted(world, people):
    household = make_household(world.branch_a, people.secretary_a, phone="0311-87654321")
    assert household.masked_phone == "031****4321"


def test_only_basic_orgs_and_writers_register(world, people):
    with pytest.raises(ValidationError) as error:
        make_household(world.town_a, people.county_od)
    assert "党员联系户登记在基层党组织" in str(error.value)
    with pytest.raises(PermissionDenied):
        make_household(world.branch_a, people.city_lg)  # leading group reads only
    with pytest.raises(PermissionDenied):
        make_household(world.branch_a, people.instructor)  # instructor reads and remarks only
    with pytest.raises(PermissionDenied):
        make_household(world.branch_b, people.county_od)  # other subtree
    with pytest.raises(PermissionDenied):
        make_household(world.branch_a2, people.secretary_a)  # another basic organization


def test_members_of_another_organization_cannot_be_linked(world, people):
    with pytest.raises(ValidationError) as error:
        make_household(world.branch_a, people.secretary_a, members=[world.member_a2])
    assert "李秀英不是本组织党员" in str(error.value)
    assert not Household.objects.exists()


def test_a_member_may_have_several_households_and_a_household_several_members(world, people):
    other = second_member(world.branch_a)
    h1 = make_household(world.branch_a, people.secretary_a, head_name="甲户", members=[world.member_a])
    h2 = make_household(world.branch_a, people.secretary_a, head_name="乙户", members=[world.member_a, other])
    assert set(world.member_a.households.values_list("head_name", flat=True)) == {"甲户", "乙户"}
    services.update_household(h2, by=people.county_od, fields={"size": 5}, members=[other])
    assert list(h2.members.values_list("name", flat=True)) == ["李长顺"]
    assert HouseholdLink.objects.filter(household=h1).count() == 1
    h2.refresh_from_db()
    assert h2.size == 5


def test_replacing_a_households_members_keeps_who_stays_and_names_who_added_the_new(world, people):
    other = second_member(world.branch_a)
    household = make_household(world.branch_a, people.secretary_a, members=[world.member_a])
    kept = HouseholdLink.objects.get(household=household, member=world.member_a)
    services.update_household(household, by=people.county_od, fields={}, members=[world.member_a, other])
    assert HouseholdLink.objects.get(household=household, member=world.member_a).pk == kept.pk
    added = HouseholdLink.objects.get(household=household, member=other)
    assert added.history.get().history_user == people.county_od
    services.update_household(household, by=people.county_od, fields={}, members=[other])
    assert list(household.members.values_list("name", flat=True)) == ["李长顺"]


# --- service records ------------------------------------------------------------------------------


def test_member_records_a_visit_to_its_own_household(world, people, login):
    household = make_household(world.branch_a, people.secretary_a, members=[world.member_a])
    client = login(people.member_a)
    page = text(client.get(reverse("masswork:household_detail", args=[household.pk])))
    assert "记录服务情况" in page and "服务党员" not in page  # the member is itself
    response = client.post(
        reverse("masswork:household_service", args=[household.pk]),
        {"kind": ServiceKind.VISIT, "date": timezone.localdate().isoformat(), "content": "上门看望，打扫院子"},
    )
    assert response.status_code == 302
    record = ServiceRecord.objects.get()
    assert record.member == world.member_a and record.recorded_by == people.member_a
    page = text(client.get(reverse("masswork:household_detail", args=[household.pk])))
    assert "上门看望，打扫院子" in page and "走访慰问" in page


def test_member_cannot_record_for_a_household_it_is_not_responsible_for(world, people, login):
    other = second_member(world.branch_a)
    household = make_household(world.branch_a, people.secretary_a, members=[other])
    with pytest.raises(PermissionDenied):
        make_service(household, people.member_a)
    # not its household: outside the member's scope → 404
    assert login(people.member_a).get(reverse("masswork:household_detail", args=[household.pk])).status_code == 404
    response = login(people.member_a).post(
        reverse("masswork:household_service", args=[household.pk]),
        {"kind": ServiceKind.VISIT, "date": timezone.localdate().isoformat(), "content": "x"},
    )
    assert response.status_code == 404
    assert not ServiceRecord.objects.exists()


def test_secretary_records_for_any_household_naming_the_member(world, people, login):
    other = second_member(world.branch_a)
    household = make_household(world.branch_a, people.secretary_a, members=[other])
    client = login(people.secretary_a)
    response = client.post(
        reverse("masswork:household_service", args=[household.pk]),
        {
            "member": other.pk,
            "kind": ServiceKind.SOLVE,
            "date": timezone.localdate().isoformat(),
            "content": "协调修好了漏雨的屋顶",
            "outcome": "问题解决",
        },
    )
    assert response.status_code == 302
    record = ServiceRecord.objects.get()
    assert record.member == other and record.kind == ServiceKind.SOLVE


def test_service_rules(world, people, login):
    household = make_household(world.branch_a, people.secretary_a, members=[world.member_a])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.record_service(household, by=people.member_a, kind="visit", date=tomorrow, content="x")
    assert "日期不能晚于今天" in str(error.value)
    with pytest.raises(ValidationError):
        services.record_service(household, by=people.member_a, kind="nonsense", date=timezone.localdate(), content="x")
    with pytest.raises(PermissionDenied):
        make_service(household, people.county_od)  # the 组织部 manages, members and secretaries serve
    with pytest.raises(PermissionDenied):
        make_service(household, people.instructor)
    response = login(people.member_a).post(
        reverse("masswork:household_service", args=[household.pk]),
        {"kind": "visit", "date": timezone.localdate().isoformat(), "content": "身份证号130102198005170012"},
    )
    assert response.status_code == 200
    assert "请勿填写身份证号码" in text(response)
    assert not ServiceRecord.objects.exists()


# --- masking --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "full"),
    [
        ("secretary_a", True),
        ("county_od", True),
        ("city_od", True),
        ("city_lg", False),
        ("sector", False),
        ("instructor", False),
        ("member_a", False),
    ],
)
def test_phone_is_masked_outside_secretary_and_org_department(world, people, login, who, full):
    household = make_household(world.branch_a, people.secretary_a, members=[world.member_a])
    client = login(getattr(people, who))
    detail = text(client.get(reverse("masswork:household_detail", args=[household.pk])))
    listing = text(client.get(reverse("masswork:household_list")))
    for page in (detail, listing):
        assert "王大娘" in page
        assert (FULL_PHONE in page) is full
        assert (MASKED_PHONE in page) is not full


def test_household_scope(world, people, login):
    mine = make_household(world.branch_a, people.secretary_a, head_name="塔元庄户")
    other = make_household(world.branch_b, people.secretary_b, head_name="滦州户", village="滦州村")
    for who in ("county_od", "city_lg", "secretary_a", "instructor"):
        client = login(getattr(people, who))
        page = text(client.get(reverse("masswork:household_list")))
        assert "塔元庄户" in page and "滦州户" not in page, who
        assert client.get(reverse("masswork:household_detail", args=[other.pk])).status_code == 404, who
    assert login(people.secretary_a2).get(reverse("masswork:household_detail", args=[mine.pk])).status_code == 404
    # the member sees only the households it is responsible for
    assert "塔元庄户" not in text(login(people.member_a).get(reverse("masswork:household_list")))
    # edit: only writers; readers in scope get 403
    assert login(people.city_lg).get(reverse("masswork:household_edit", args=[mine.pk])).status_code == 403
    assert login(people.instructor).get(reverse("masswork:household_edit", args=[mine.pk])).status_code == 403
    assert login(people.county_od).get(reverse("masswork:household_edit", args=[mine.pk])).status_code == 200


def test_household_list_filters(world, people, login):
    make_household(world.branch_a, people.secretary_a, head_name="王大娘", village="一组")
    make_household(world.branch_a, people.secretary_a, head_name="李大爷", village="二组")
    client = login(people.county_od)
    page = text(client.get(reverse("masswork:household_list") + "?q=二组"))
    assert "李大爷" in page and "王大娘" not in page
    page = text(client.get(reverse("masswork:household_list") + f"?org={world.branch_b.code}"))
    assert "不在您的范围内" in page and "李大爷" not in page


# --- no contact for N days ------------------------------------------------------------------------


def test_no_contact_list_and_drop_off(world, people, login):
    never = make_household(world.branch_a, people.secretary_a, head_name="从未联系户", members=[world.member_a])
    old = make_household(world.branch_a, people.secretary_a, head_name="久未联系户", members=[world.member_a])
    fresh = make_household(world.branch_a, people.secretary_a, head_name="近期联系户", members=[world.member_a])
    stopped = make_household(world.branch_a, people.secretary_a, head_name="停止联系户", active=False)
    make_household(world.branch_b, people.secretary_b, head_name="滦州户")
    make_service(old, people.member_a, days_ago=45)
    make_service(fresh, people.member_a, days_ago=3)
    client = login(people.secretary_a)
    response = client.get(reverse("masswork:household_no_contact"))
    names = [h.head_name for h in response.context["object_list"]]
    assert names == ["从未联系户", "久未联系户"]  # never contacted first; fresh, stopped and city B absent
    assert "从未联系" in text(response)
    # ?days=60: the one seen 45 days ago is no longer overdue
    names = [
        h.head_name for h in client.get(reverse("masswork:household_no_contact") + "?days=60").context["object_list"]
    ]
    assert names == ["从未联系户"]
    # a visit today drops the household off the list
    make_service(never, people.member_a, days_ago=0)
    names = [h.head_name for h in client.get(reverse("masswork:household_no_contact")).context["object_list"]]
    assert names == ["久未联系户"]
    assert stopped.pk and fresh.pk


def test_no_contact_roles(world, people, login):
    make_household(world.branch_a, people.secretary_a)
    assert login(people.county_od).get(reverse("masswork:household_no_contact")).status_code == 200
    for who in ("city_lg", "instructor", "member_a", "no_role"):
        assert login(getattr(people, who)).get(reverse("masswork:household_no_contact")).status_code == 403, who
    bad = login(people.secretary_a).get(reverse("masswork:household_no_contact") + "?days=abc")
    assert bad.status_code == 200 and bad.context["days"] == mq.DEFAULT_NO_CONTACT_DAYS


def test_no_contact_is_one_aggregate_query(world, people):
    households = [make_household(world.branch_a, people.secretary_a, head_name=f"户{i}") for i in range(3)]
    make_service(households[0], people.secretary_a, days_ago=40)
    with CaptureQueriesContext(connection) as ctx:
        rows = list(mq.no_contact(people.secretary_a))
    assert len(ctx) == 1 and len(rows) == 3


@pytest.mark.parametrize("url_name", ["masswork:household_list", "masswork:household_no_contact"])
def test_list_query_count_is_constant(world, people, login, url_name):
    client = login(people.county_od)
    org = make_org(world.town_a, sector="rural", name="第一村党支部")
    member = second_member(org, name="党员一")
    make_household(org, people.county_od, head_name="户一", members=[member])
    client.get(reverse(url_name))  # warm caches
    with CaptureQueriesContext(connection) as one:
        response = client.get(reverse(url_name))
    assert response.context["paginator"].count == 1
    for i in range(29):
        org = make_org(world.town_a, sector="rural", name=f"第{i}村党支部")
        member = second_member(org, name=f"党员{i}")
        make_household(org, people.county_od, head_name=f"户{i}", members=[member])
    with CaptureQueriesContext(connection) as thirty:
        response = client.get(reverse(url_name))
    assert len(response.context["object_list"]) == 30
    assert len(thirty) == len(one)

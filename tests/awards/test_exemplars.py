"""Exemplars designated from the final list (evaluations' Exemplar) and their public page."""

import pytest
from django.urls import reverse

from awards.models import CommendedExemplar
from evaluations.models import Exemplar, ExemplarKind
from orgs.enums import Role
from tests.factories import user_with_role
from tests.factories.awards_documents import approve, approve_member, approve_org, make_round

PROFILE = "带领群众发展大棚蔬菜，建立党员责任区，村集体收入三年翻番。"


@pytest.fixture
def people(world):
    class People:
        county = user_with_role(world.county_a, Role.ORG_DEPARTMENT, full_name="正定县委组织部")
        city = user_with_role(world.city_a, Role.ORG_DEPARTMENT, full_name="石家庄市委组织部")
        city_b = user_with_role(world.city_b, Role.ORG_DEPARTMENT, full_name="唐山市委组织部")
        town = user_with_role(world.town_a, Role.ORG_DEPARTMENT, full_name="镇组织委员")
        city_lead = user_with_role(world.city_a, Role.LEADING_GROUP, full_name="市领导小组")
        secretary = user_with_role(world.branch_a, Role.SECRETARY, full_name="村支书")

    return People


@pytest.fixture
def award_round(world):
    award_round = make_round(world.province, code="qiyi-2011", name="2011年“七一”集中表彰")
    award_round.member_nomination = approve(
        award_round, code="excellent_member", member=world.member_a, unit="塔元庄村党支部", post="党支部书记"
    )
    award_round.org_nomination = approve_org(award_round, world.branch_a)
    award_round.other_city = approve(award_round, code="excellent_member", member=world.member_b, unit="滦州村党支部")
    return award_round


def designate_url(award_round, nomination):
    return reverse("awards:exemplar_designate", args=[award_round.code, nomination.pk])


def test_county_designates_a_commended_member_shown_publicly_without_personal_data(
    world, people, award_round, login, client
):
    nomination = award_round.member_nomination
    browser = login(people.county)
    listing = browser.get(reverse("awards:exemplar_list", args=[award_round.code]))
    assert listing.status_code == 200
    assert "张建国" in listing.text and "塔元庄村党支部" in listing.text
    assert "王志强" not in listing.text  # the other city's commended member

    form = browser.get(designate_url(award_round, nomination))
    assert form.status_code == 200
    assert "正定县" in form.text
    assert 'value="site"' not in form.text  # a member cannot be a 示范点
    response = browser.post(
        designate_url(award_round, nomination),
        {"kind": ExemplarKind.ADVANCED_MODEL, "designated_by": world.county_a.pk, "profile": PROFILE},
    )
    assert response.status_code == 302
    exemplar = Exemplar.objects.get()
    assert exemplar.member == world.member_a
    assert exemplar.designated_by_org == world.county_a
    assert exemplar.level == world.county_a.level
    assert exemplar.profile == PROFILE
    link = CommendedExemplar.objects.get()
    assert (link.exemplar, link.nomination, link.name, link.unit) == (exemplar, nomination, "张建国", "塔元庄村党支部")

    client.logout()
    public = client.get(reverse("awards:public_exemplars"))
    assert public.status_code == 200
    assert "张建国" in public.text
    assert "塔元庄村党支部党支部书记" in public.text
    assert "优秀共产党员" in public.text
    assert PROFILE in public.text
    assert "正定县确定" in public.text
    member = world.member_a
    member.refresh_from_db()
    assert member.id_number not in public.text
    assert member.id_number[-6:] not in public.text
    assert member.mobile not in public.text
    assert "退出" not in public.text and reverse("awards:document_list") not in public.text

    # 对标定位 uses the same exemplar: it is on evaluations' list.
    assert "张建国" in login(people.county).get(reverse("evaluations:exemplar_list")).text


def test_org_can_be_a_demonstration_site_and_revoked_ones_leave_the_public_page(
    world, people, award_round, login, client
):
    browser = login(people.city)
    response = browser.post(
        designate_url(award_round, award_round.org_nomination),
        {"kind": ExemplarKind.DEMONSTRATION_SITE, "designated_by": world.city_a.pk, "profile": "示范点简介"},
    )
    assert response.status_code == 302
    exemplar = Exemplar.objects.get()
    assert exemplar.kind == ExemplarKind.DEMONSTRATION_SITE and exemplar.org == world.branch_a
    assert "塔元庄村党支部" in client.get(reverse("awards:public_exemplars")).text
    Exemplar.objects.filter(pk=exemplar.pk).update(active=False)
    assert "塔元庄村党支部" not in client.get(reverse("awards:public_exemplars")).text


def test_member_as_site_and_twice_by_the_same_unit_are_refused(world, people, award_round, login):
    browser = login(people.county)
    url = designate_url(award_round, award_round.member_nomination)
    site = browser.post(
        url, {"kind": ExemplarKind.DEMONSTRATION_SITE, "designated_by": world.county_a.pk, "profile": "x"}
    )
    assert site.status_code == 200
    assert "选择一个有效的选项" in site.text
    data = {"kind": ExemplarKind.ADVANCED_MODEL, "designated_by": world.county_a.pk, "profile": PROFILE}
    assert browser.post(url, data).status_code == 302
    again = browser.post(url, data)
    assert "该对象已由本单位确定为先进典型" in again.text
    assert Exemplar.objects.count() == 1
    empty = browser.post(url, {**data, "profile": "  "})
    assert "这个字段是必填项" in empty.text or "请填写典型事迹" in empty.text


def test_only_approved_nominations_can_be_designated(world, people, award_round, login):
    nomination = approve_member(award_round, world.branch_a2, name="候选人")
    nomination.status = nomination.Status.PUBLICITY
    nomination.save(update_fields=["status"])
    browser = login(people.county)
    assert browser.get(designate_url(award_round, nomination)).status_code == 404


@pytest.mark.parametrize(
    ("who", "list_status", "designate_status"),
    [
        ("city_b", 200, 404),  # the round reaches both cities; the nominee is in the other subtree
        ("town", 200, 403),  # a township does not designate exemplars (province, city, county do)
        ("city_lead", 403, 403),
        ("secretary", 403, 403),
        ("county", 200, 200),
        ("city", 200, 200),
    ],
)
def test_permission_matrix(world, people, award_round, login, who, list_status, designate_status):
    browser = login(getattr(people, who))
    assert browser.get(reverse("awards:exemplar_list", args=[award_round.code])).status_code == list_status
    assert browser.get(designate_url(award_round, award_round.member_nomination)).status_code == designate_status


def test_other_subtree_round_is_404(world, people, login):
    city_round = make_round(world.city_a, code="sjz")
    nomination = approve(city_round, code="excellent_member", member=world.member_a)
    browser = login(people.city_b)
    assert browser.get(reverse("awards:exemplar_list", args=[city_round.code])).status_code == 404
    assert browser.get(designate_url(city_round, nomination)).status_code == 404


def test_anonymous(client, world, award_round):
    for url in (
        reverse("awards:exemplar_list", args=[award_round.code]),
        designate_url(award_round, award_round.member_nomination),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.get(reverse("awards:public_exemplars")).status_code == 200


def _designate(award_round, nomination, by, org):
    from awards.services.exemplars import designate_commended

    return designate_commended(
        nomination, by=by, designated_by_org=org, kind=ExemplarKind.ADVANCED_MODEL, profile="简介"
    )


def test_query_counts_are_flat(world, people, award_round, login, client, django_assert_max_num_queries):
    browser = login(people.city)
    _designate(award_round, award_round.member_nomination, people.city, world.city_a)
    list_url = reverse("awards:exemplar_list", args=[award_round.code])
    browser.get(list_url)
    client.get(reverse("awards:public_exemplars"))
    with django_assert_max_num_queries(30) as one_list:
        browser.get(list_url)
    with django_assert_max_num_queries(10) as one_public:
        client.get(reverse("awards:public_exemplars"))
    for i in range(29):
        nomination = approve_member(award_round, world.branch_a2, name=f"典型{i:02d}")
        _designate(award_round, nomination, people.city, world.city_a)
    with django_assert_max_num_queries(len(one_list.captured_queries)):
        listing = browser.get(list_url)
    # Page one: the branch (先进基层党组织, not designated) and 29 of the 30 designated members.
    assert listing.text.count("石家庄市 · 先进典型") == 29
    with django_assert_max_num_queries(len(one_public.captured_queries)):
        public = client.get(reverse("awards:public_exemplars"))
    assert public.text.count("石家庄市确定") == 20  # one page

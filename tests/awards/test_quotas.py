"""Quotas handed out top-down: never more than received, never cut below what was forwarded."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from awards.models import Quota
from awards.services import quotas as services
from orgs.enums import Role
from tests.factories import user_with_role
from tests.factories.awards_nominations import Staff, category, make_round, nominate_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(world):
    staff = Staff(world)
    award_round = make_round(world.province)
    return world, staff, award_round


def amount(award_round, org, code="excellent_member"):
    return Quota.objects.get(category=category(award_round, code), org=org).amount


def cells(award_round, values, code="excellent_member"):
    c = category(award_round, code)
    return {(org.pk, c.pk): n for org, n in values.items()}


def test_quota_arithmetic_at_every_level(setup):
    world, staff, r = setup
    member = category(r).pk
    services.set_owner_quota(r, {member: 10}, by=staff.province)
    services.allocate(r, world.province, cells(r, {world.city_a: 4, world.city_b: 3}), by=staff.province)
    services.allocate(r, world.city_a, cells(r, {world.county_a: 3}), by=staff.city)
    services.allocate(r, world.county_a, cells(r, {world.town_a: 2}), by=staff.county)
    assert [amount(r, o) for o in (world.province, world.city_a, world.county_a, world.town_a)] == [10, 4, 3, 2]

    rows = {row["category"].code: row for row in services.summary(r, world.province)}
    assert rows["excellent_member"]["quota"] == 10
    assert rows["excellent_member"]["handed_out"] == 7
    assert rows["excellent_member"]["left_to_hand_out"] == 3
    city = {row["category"].code: row for row in services.summary(r, world.city_a)}["excellent_member"]
    assert (city["quota"], city["handed_out"], city["left_to_hand_out"]) == (4, 3, 1)
    # One query for the sums of many parents.
    sums = services.handed_out(r, [world.city_a, world.city_b])
    assert sums[(world.city_a.pk, member)] == 3
    assert (world.city_b.pk, member) not in sums


def test_handing_out_more_than_received_is_refused_at_every_level(setup):
    world, staff, r = setup
    member = category(r).pk
    services.set_owner_quota(r, {member: 5}, by=staff.province)
    with pytest.raises(ValidationError) as error:
        services.allocate(r, world.province, cells(r, {world.city_a: 4, world.city_b: 2}), by=staff.province)
    assert error.value.message_dict["__all__"] == ["本级“优秀共产党员”名额 5 个，分配给下级合计 6 个，超出 1 个"]
    assert not Quota.objects.filter(org__in=[world.city_a, world.city_b]).exists()  # all or nothing

    services.allocate(r, world.province, cells(r, {world.city_a: 2}), by=staff.province)
    with pytest.raises(ValidationError) as error:
        services.allocate(r, world.city_a, cells(r, {world.county_a: 3}), by=staff.city)
    assert "本级“优秀共产党员”名额 2 个，分配给下级合计 3 个，超出 1 个" in error.value.messages
    services.allocate(r, world.city_a, cells(r, {world.county_a: 2}), by=staff.city)
    with pytest.raises(ValidationError):
        services.allocate(r, world.county_a, cells(r, {world.town_a: 3}), by=staff.county)
    # A level without any quota hands out nothing.
    with pytest.raises(ValidationError) as error:
        services.allocate(r, world.city_b, cells(r, {world.county_b: 1}), by=staff.city_b)
    assert "本级“优秀共产党员”名额 0 个，分配给下级合计 1 个，超出 1 个" in error.value.messages


def test_cutting_a_quota_below_what_was_forwarded_is_refused(setup):
    world, staff, r = setup
    member = category(r).pk
    services.set_owner_quota(r, {member: 10}, by=staff.province)
    services.allocate(r, world.province, cells(r, {world.city_a: 5}), by=staff.province)
    services.allocate(r, world.city_a, cells(r, {world.county_a: 4}), by=staff.city)
    services.allocate(r, world.county_a, cells(r, {world.town_a: 2}), by=staff.county)
    from awards.services.nominations import forward

    for m in (world.member_a, world.member_a2):
        forward(nominate_member(r, world, m, by=staff.province), by=staff.town)
    with pytest.raises(ValidationError) as error:
        services.allocate(r, world.county_a, cells(r, {world.town_a: 1}), by=staff.county)
    assert error.value.message_dict[services.cell_key(world.town_a.pk, member)] == [
        "“正定镇”已上报“优秀共产党员” 2 个，名额不能少于 2 个（如需减少，请先由上级退回已上报的推荐）"
    ]
    assert amount(r, world.town_a) == 2
    # A cut below what the child has handed out further down is refused too.
    with pytest.raises(ValidationError) as error:
        services.allocate(r, world.city_a, cells(r, {world.county_a: 1}), by=staff.city)
    assert error.value.messages == ["“正定县”已向下级分配“优秀共产党员”名额 2 个，名额不能少于 2 个"]
    # The owner cannot go below what it has handed out either.
    with pytest.raises(ValidationError) as error:
        services.set_owner_quota(r, {member: 4}, by=staff.province)
    assert error.value.messages == ["“河北省”已向下级分配“优秀共产党员”名额 5 个，名额不能少于 5 个"]
    # Down to exactly what is used is fine; a rejection higher up frees the place again.
    services.allocate(r, world.county_a, cells(r, {world.town_a: 2}), by=staff.county)


def test_only_the_level_above_allocates(setup):
    world, staff, r = setup
    member = category(r).pk
    with pytest.raises(PermissionDenied):
        services.set_owner_quota(r, {member: 3}, by=staff.city)
    with pytest.raises(PermissionDenied):
        services.allocate(r, world.city_a, cells(r, {world.county_a: 1}), by=staff.county)
    with pytest.raises(PermissionDenied):
        services.allocate(r, world.city_a, cells(r, {world.county_a: 1}), by=staff.city_b)
    with pytest.raises(PermissionDenied):
        services.allocate(r, world.city_a, cells(r, {world.county_a: 1}), by=staff.leading_group)
    # Cells for organizations that are not children are ignored, not written.
    services.set_owner_quota(r, {member: 3}, by=staff.province)
    services.allocate(r, world.province, cells(r, {world.county_a: 1}), by=staff.province)
    assert not Quota.objects.filter(org=world.county_a).exists()


# ----- the quota page -----


def quota_url(r, org):
    return reverse("awards:quota", args=[r.code, org.code])


def test_quota_page_formset_saves_and_refuses(setup, login):
    world, staff, r = setup
    member = category(r)
    services.set_owner_quota(r, {member.pk: 6}, by=staff.province)
    client = login(staff.province)
    response = client.get(quota_url(r, world.province))
    html = response.content.decode()
    assert response.status_code == 200
    assert "石家庄市" in html and "唐山市" in html
    assert f'name="own-c{member.pk}"' in html

    def post(values):
        data = {
            "children-TOTAL_FORMS": "2",
            "children-INITIAL_FORMS": "2",
            "children-MIN_NUM_FORMS": "0",
            "children-MAX_NUM_FORMS": "2000",
        }
        for i, (org, n) in enumerate(values):
            data[f"children-{i}-org"] = org.pk
            for c in r.categories.all():
                data[f"children-{i}-c{c.pk}"] = n if c.pk == member.pk else 0
        return client.post(quota_url(r, world.province), data)

    response = post([(world.city_a, 4), (world.city_b, 3)])
    assert response.status_code == 200
    assert "本级“优秀共产党员”名额 6 个，分配给下级合计 7 个，超出 1 个" in response.content.decode()
    assert not Quota.objects.filter(org=world.city_a).exists()
    response = post([(world.city_a, 4), (world.city_b, 2)])
    assert response.status_code == 302
    assert amount(r, world.city_a) == 4 and amount(r, world.city_b) == 2
    page = client.get(quota_url(r, world.province)).content.decode()
    assert "可再分配" in page

    # The owner's own quota
    response = client.post(quota_url(r, world.province), {"own": "1", f"own-c{member.pk}": "5"})
    assert response.status_code == 200
    assert "“河北省”已向下级分配“优秀共产党员”名额 6 个，名额不能少于 6 个" in response.content.decode()
    response = client.post(quota_url(r, world.province), {"own": "1", f"own-c{member.pk}": "8"})
    assert response.status_code == 302 and amount(r, world.province) == 8


def test_quota_page_permissions(setup, client, login):
    world, staff, r = setup
    url = quota_url(r, world.city_a)
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    login(staff.city_b)
    assert client.get(url).status_code == 404  # other subtree
    login(staff.county)
    assert client.get(url).status_code == 404  # above the user's node
    login(staff.secretary)
    assert client.get(reverse("awards:quota", args=[r.code, world.town_a.code])).status_code == 404
    login(user_with_role(world.city_a, Role.MEMBER))
    assert client.get(url).status_code == 403  # wrong role
    login(staff.leading_group)
    response = client.get(url)
    assert response.status_code == 200 and "正定县" in response.content.decode()
    assert "children-TOTAL_FORMS" not in response.content.decode()  # read only
    assert client.post(url, {"own": "1"}).status_code == 403
    login(staff.city)
    response = client.get(url)
    assert response.status_code == 200 and "children-TOTAL_FORMS" in response.content.decode()
    assert "滦县" not in response.content.decode()
    # basic organizations have no quota page
    assert client.get(reverse("awards:quota", args=[r.code, world.branch_a.code])).status_code == 404
    # the home link goes to the user's own level
    response = client.get(reverse("awards:quota_home", args=[r.code]))
    assert response["Location"] == url

"""The new lists page by cursor like the others: huge or bad page sizes and forged cursors are 400 at the
parameter; following ``next`` walks every row once, in the page's order."""

import pytest

from awards.models import Nomination
from awards.services.nominations import final_list
from orgs.enums import Role
from tests.factories import MemberFactory, user_with_role
from tests.factories.awards_nominations import Staff, chain_quotas, make_round, nominate_member
from tests.factories.evaluations_scoring import make_period, make_tier

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/v1/periods/",
    "/api/v1/periods/y2011/tiers/",
    "/api/v1/assessments/",
    "/api/v1/award-rounds/",
    "/api/v1/award-rounds/qiyi-test/nominations/",
    "/api/v1/award-rounds/qiyi-test/commended/",
    "/api/v1/imports/",
]


@pytest.fixture
def setup(world, seed_criteria):
    staff = Staff(world)
    period = make_period(2011, code="y2011")
    make_tier(world.branch_a, period, "advanced")
    award_round = make_round(world.province, code="qiyi-test")
    chain_quotas(award_round, [world.province, world.city_a, world.county_a, world.town_a], 5)
    nominations = [
        nominate_member(award_round, world, by=staff.secretary),
        nominate_member(award_round, world, world.member_a2, by=staff.secretary_a2),
        nominate_member(award_round, world, world.member_b, by=staff.secretary_b),
        nominate_member(award_round, world, MemberFactory(org=world.branch_a, name="阿明"), by=staff.secretary),
    ]
    Nomination.objects.filter(pk__in=[n.pk for n in nominations]).update(status=Nomination.Status.APPROVED)
    return staff, award_round


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page_size=100000", "page_size"),
        ("page_size=0", "page_size"),
        ("page_size=x", "page_size"),
        ("cursor=not-a-cursor", "cursor"),
        ("cursor=WyJhIiwxLDJd", "cursor"),  # ["a",1,2]: the wrong shape everywhere
    ],
)
def test_bad_paging_is_400_at_the_parameter(setup, api, url, query, field):
    staff, _round = setup
    response = api(staff.county).get(f"{url}?{query}")
    assert response.status_code == 400, (url, query, response.content)
    assert response["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == [field]


def walk(client, url):
    rows = []
    while url:
        body = client.get(url).json()
        rows += body["results"]
        url = body["next"]
    return rows


def test_the_commendation_list_pages_in_the_decisions_order(setup, api):
    staff, award_round = setup
    expected = [n.pk for n in final_list(award_round)]
    assert len(expected) == 4
    client = api(staff.province)
    assert [r["id"] for r in walk(client, "/api/v1/award-rounds/qiyi-test/commended/?page_size=1")] == expected
    assert [r["id"] for r in walk(client, "/api/v1/award-rounds/qiyi-test/commended/?page_size=3")] == expected
    nominations = walk(client, "/api/v1/award-rounds/qiyi-test/nominations/?page_size=1")
    assert sorted(r["id"] for r in nominations) == sorted(expected)
    county = walk(api(staff.county), "/api/v1/award-rounds/qiyi-test/nominations/?page_size=1&status=approved")
    assert len(county) == 3  # 唐山's nomination is outside the county
    assert api(staff.county).get("/api/v1/award-rounds/qiyi-test/nominations/?status=nosuch").status_code == 400


def test_tiers_filter_and_refuse_unknown_values(setup, world, api):
    staff, _round = setup
    client = api(staff.county)
    assert len(client.get("/api/v1/periods/y2011/tiers/?tier=advanced").json()["results"]) == 1
    assert client.get("/api/v1/periods/y2011/tiers/?tier=middle").json()["results"] == []
    for query, field in [("tier=best", "tier"), ("sector=nosuch", "sector")]:
        response = client.get(f"/api/v1/periods/y2011/tiers/?{query}")
        assert response.status_code == 400 and response.json()["errors"][0]["field"] == field
    assert client.get(f"/api/v1/periods/y2011/tiers/?org={world.county_b.code}").status_code == 404
    member = user_with_role(world.branch_a, Role.MEMBER)
    assert api(member).get("/api/v1/periods/y2011/tiers/").status_code == 403

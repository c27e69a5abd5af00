"""Tier history / 晋档升级: shares per period, the movement matrix, who moved, and progress against
targets — every figure checked against an independent count over the rows."""

from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluations.enums import TierLevel
from evaluations.models import Tier, TierTarget
from evaluations.queries import scoring as q
from evaluations.services import tiers as svc
from orgs.enums import Role
from tests.factories import make_org, user_with_role
from tests.factories.evaluations_scoring import make_period, make_tier

A, M, B = TierLevel.ADVANCED, TierLevel.MIDDLE, TierLevel.BACKWARD
CYCLE_1 = [M, M, B, A, M, B, M, A, B, M]
CYCLE_2 = [A, M, M, A, B, M, None, M, A, B]


@pytest.fixture
def history(world):
    """40 organizations in county A (two sectors), 5 in county B; two periods of tiers, some
    overridden, some unrated in the later period."""
    p1 = make_period(2011, code="y2011", name="2011年度")
    p2 = make_period(2012, code="y2012", name="2012年度")
    orgs_a = [make_org(world.town_a, sector="rural" if i % 2 else "school", name=f"正定支部{i}") for i in range(40)]
    orgs_b = [make_org(world.town_b, sector="rural", name=f"滦州支部{i}") for i in range(5)]
    for i, org in enumerate(orgs_a + orgs_b):
        make_tier(org, p1, CYCLE_1[i % 10])
        second = CYCLE_2[(i * 3) % 10]
        if second is not None or i % 4 == 0:
            make_tier(org, p2, second, override=B if i % 7 == 0 else None)
    return p1, p2, orgs_a, orgs_b


def _effective(t):
    return t.override or t.computed


def _independent(org_ids, p1, p2):
    first = {t.org_id: _effective(t) for t in Tier.objects.filter(period=p1, org_id__in=org_ids)}
    second = {t.org_id: _effective(t) for t in Tier.objects.filter(period=p2, org_id__in=org_ids)}
    matrix = Counter()
    for org_id, tier in first.items():
        if tier:
            matrix[(tier, second.get(org_id))] += 1
    return first, second, matrix


def test_movement_matrix_and_shares_match_an_independent_count(world, history):
    p1, p2, orgs_a, _orgs_b = history
    leading = user_with_role(world.county_a, Role.LEADING_GROUP)
    tiers = q.scope_tiers(leading, world.county_a)
    first, second, expected = _independent([o.pk for o in orgs_a], p1, p2)
    assert q.movement_matrix(tiers, p1, p2) == dict(expected)
    shares = q.tier_shares(tiers)
    for period, rows in ((p1, first), (p2, second)):
        counts = Counter(v for v in rows.values() if v)
        total = sum(counts.values())
        assert shares[period.pk]["total"] == total
        assert [c["n"] for c in shares[period.pk]["cells"]] == [counts[A], counts[M], counts[B]]
        assert shares[period.pk]["unrated"] == sum(1 for v in rows.values() if v is None)
    # who moved up / down: the list equals the pairs that rose / fell
    rank = {A: 3, M: 2, B: 1}
    up = {oid for oid, t in first.items() if t and second.get(oid) and rank[second[oid]] > rank[t]}
    down = {oid for oid, t in first.items() if t and second.get(oid) and rank[second[oid]] < rank[t]}
    assert set(q.movement_list(tiers, p1, p2, "up").values_list("org_id", flat=True)) == up
    assert set(q.movement_list(tiers, p1, p2, "down").values_list("org_id", flat=True)) == down
    assert up and down


def test_sector_and_child_breakdowns(world, history):
    p1, p2, orgs_a, _orgs_b = history
    leading = user_with_role(world.city_a, Role.LEADING_GROUP)
    tiers = q.scope_tiers(leading, world.city_a).filter(period=p1)
    by_sector = {row["key"]: row for row in q.breakdown_by_sector(tiers)}
    for sector in ("rural", "school"):
        ids = [o.pk for o in orgs_a if o.sector == sector]
        counts = Counter(_effective(t) for t in Tier.objects.filter(period=p1, org_id__in=ids))
        assert [c["n"] for c in by_sector[sector]["cells"]] == [counts[A], counts[M], counts[B]]
    children = q.breakdown_by_child(tiers, world.city_a)
    assert [row["org"] for row in children] == [world.county_a]
    assert children[0]["total"] == 40
    # the sector filter narrows the scope
    rural = q.scope_tiers(leading, world.city_a, sector="rural").filter(period=p1)
    assert rural.count() == 20


def test_target_progress_against_independent_count(world, history):
    p1, p2, orgs_a, _orgs_b = history
    county = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    province = user_with_role(world.province, Role.ORG_DEPARTMENT)
    svc.set_target(world.province, p2, p1, kind=TierTarget.Kind.MIDDLE_UP, percent=20, by=province)
    svc.set_target(world.province, p2, p1, kind=TierTarget.Kind.BACKWARD_CHANGE, percent=90, by=province)
    # the county's own target overrides the province's for its subtree
    svc.set_target(world.county_a, p2, p1, kind=TierTarget.Kind.MIDDLE_UP, percent=30, by=county)
    _first, _second, matrix = _independent([o.pk for o in orgs_a], p1, p2)
    middle_total = sum(n for (s, _d), n in matrix.items() if s == M)
    backward_total = sum(n for (s, _d), n in matrix.items() if s == B)
    middle_up = matrix[(M, A)]
    backward_changed = matrix[(B, M)] + matrix[(B, A)]
    tiers = q.scope_tiers(county, world.county_a)
    targets = q.applicable_targets(world.county_a, p2, p1)
    assert targets["middle_up"].owner_org == world.county_a
    assert targets["backward_change"].owner_org == world.province
    progress = {row["kind"]: row for row in q.target_progress(q.movement_matrix(tiers, p1, p2), targets)}
    assert (progress["middle_up"]["n"], progress["middle_up"]["of"]) == (middle_up, middle_total)
    assert (progress["backward_change"]["n"], progress["backward_change"]["of"]) == (backward_changed, backward_total)
    assert progress["middle_up"]["reached"] == (middle_up * 100 >= 30 * middle_total)
    assert progress["backward_change"]["reached"] == (backward_changed * 100 >= 90 * backward_total)
    assert progress["advanced_keep"]["target"] is None and progress["advanced_keep"]["reached"] is None


def test_target_validation(world, history):
    p1, p2, *_ = history
    county = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(ValidationError) as exc:
        svc.set_target(world.county_a, p1, p2, kind="middle_up", percent=120, by=county)
    assert set(exc.value.message_dict) == {"percent", "from_period"}
    with pytest.raises(PermissionDenied):
        svc.set_target(world.county_b, p2, p1, kind="middle_up", percent=20, by=county)


def test_stats_page_shows_the_figures(world, history, login):
    p1, p2, orgs_a, orgs_b = history
    county = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    svc.set_target(world.county_a, p2, p1, kind=TierTarget.Kind.MIDDLE_UP, percent=20, by=county)
    client = login(county)
    page = client.get(reverse("evaluations:scoring_tier_stats"), {"period": "y2012", "from_period": "y2011"})
    body = page.content.decode()
    assert page.status_code == 200
    first, _second, matrix = _independent([o.pk for o in orgs_a], p1, p2)
    middle_total = sum(n for (s, _d), n in matrix.items() if s == M)
    assert f"({matrix[(M, A)]}/{middle_total})" in body
    assert "中间状态升为先进的比例" in body and "20.00%" in body
    assert "滦州支部" not in body
    # who moved up: a paginated list inside the scope only
    response = client.get(
        reverse("evaluations:scoring_tier_movement"),
        {"period": "y2012", "from_period": "y2011", "direction": "up"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "晋档的组织" in body and "滦州支部" not in body
    moved = q.movement_list(q.scope_tiers(county, world.county_a), p1, p2, "up")
    assert moved.count() > 0
    assert moved.first().org.name in body


def test_stats_node_outside_scope_is_404(world, history, login):
    county = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    client = login(county)
    assert client.get(reverse("evaluations:scoring_tier_stats"), {"node": world.county_b.code}).status_code == 404
    assert client.get(reverse("evaluations:scoring_tier_stats"), {"node": world.town_a.code}).status_code == 200


def test_stats_query_count_is_constant(world, login):
    p1 = make_period(2011, code="y2011")
    p2 = make_period(2012, code="y2012")
    leading = user_with_role(world.county_a, Role.LEADING_GROUP)
    client = login(leading)
    url = reverse("evaluations:scoring_tier_stats")

    def count(n):
        Tier.objects.all().delete()
        for i in range(n):
            org = make_org(world.town_a, sector="rural")
            make_tier(org, p1, CYCLE_1[i % 10])
            make_tier(org, p2, CYCLE_2[i % 10] or M)
        client.get(url)  # warm caches (session, user)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, {"period": "y2012", "from_period": "y2011"}).status_code == 200
        return len(ctx.captured_queries)

    assert count(1) == count(30)


def test_targets_page(world, history, login):
    county = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    client = login(county)
    url = reverse("evaluations:scoring_targets")
    data = {
        "owner_code": world.county_a.code,
        "period": "y2011",
        "from_period": "y2012",
        "kind": "middle_up",
        "percent": "20",
    }
    assert "对比期间须早于考核期间" in client.post(url, data).content.decode()
    data.update({"period": "y2012", "from_period": "y2011", "percent": "101"})
    assert "确保该值小于或等于100" in client.post(url, data).content.decode()
    data["percent"] = "20"
    assert client.post(url, data).status_code == 302
    target = TierTarget.objects.get()
    assert (target.owner_org, target.percent, target.kind, target.set_by) == (world.county_a, 20, "middle_up", county)
    page = client.get(url).content.decode()
    assert "中间状态升为先进的比例" in page and "20.00%" in page

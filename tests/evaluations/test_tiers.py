"""Tier computation: the rule at its boundaries, per-subtree thresholds and weights, set-based
computation (constant query count), override with a reason that recomputation never clobbers,
the background run."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluations.enums import Source, TierLevel
from evaluations.models import Assessment, SourceWeights, Tier, TierRun
from evaluations.services import tiers as svc
from evaluations.services.scoring import Rule, rule_for, set_weights, tier_for
from orgs.enums import Role
from tests.factories import make_org, user_with_role
from tests.factories.evaluations_scoring import make_assessment, make_period

D = Decimal
RULE = Rule.default()


@pytest.mark.parametrize(
    ("score", "lowest", "expected"),
    [
        (None, None, None),
        (None, D(100), None),
        (D("85.00"), D(80), TierLevel.ADVANCED),  # both thresholds met exactly
        (D("84.99"), D(100), TierLevel.MIDDLE),
        (D("100"), D("79.99"), TierLevel.MIDDLE),  # a criterion below 比较满意
        (D("95"), None, TierLevel.MIDDLE),  # no superior assessment: never 先进
        (D("60.00"), D(60), TierLevel.MIDDLE),
        (D("59.99"), D(100), TierLevel.BACKWARD),
        (D("59.99"), None, TierLevel.BACKWARD),
        (D("95"), D(0), TierLevel.BACKWARD),  # any 不满意 in the superior's assessment
        (D("0"), None, TierLevel.BACKWARD),
    ],
)
def test_tier_rule_boundaries(score, lowest, expected):
    assert tier_for(score, lowest, RULE) == expected


def _grade(period, org, *, self_levels=None, superior_levels=None):
    if self_levels:
        make_assessment(period, org=org, source=Source.SELF, levels=self_levels)
    if superior_levels:
        make_assessment(period, org=org, source=Source.SUPERIOR, levels=superior_levels)


def test_compute_tiers_applies_rule_and_weights(world, seed_criteria):
    period = make_period(2011)
    # branch_a: self 100, superior (4×100 + 80)/5 = 96 → (20×100 + 40×96) / 60 = 97.33; lowest 80 → 先进
    _grade(period, world.branch_a, self_levels="satisfied", superior_levels=["satisfied"] * 4 + ["fairly"])
    # branch_a2: self 80, superior 80 with one 基本满意: (4×80+60)/5 = 76 → (20×80 + 40×76)/60 = 77.33 → 中间
    _grade(period, world.branch_a2, self_levels="fairly", superior_levels=["fairly"] * 4 + ["basically"])
    # branch_b: self 100, superior (4×100 + 0)/5 = 80 → 86.67, but one 不满意 → 后进 whatever the score
    _grade(period, world.branch_b, self_levels="satisfied", superior_levels=["satisfied"] * 4 + ["unsatisfied"])
    extra = make_org(world.town_a, sector="rural", name="仅自评支部")
    _grade(period, extra, self_levels="satisfied")  # self only: 100, no superior → 中间
    result = svc.compute_tiers(period)
    assert result == {"orgs": 4, "advanced": 1, "middle": 2, "backward": 1, "none": 0}
    tiers = {t.org_id: t for t in Tier.objects.filter(period=period)}
    a = tiers[world.branch_a.pk]
    assert (a.computed, a.score, a.self_score, a.superior_score, a.lowest_level_score) == (
        TierLevel.ADVANCED,
        D("97.33"),
        D("100.00"),
        D("96.00"),
        D("80.00"),
    )
    assert (tiers[world.branch_a2.pk].computed, tiers[world.branch_a2.pk].score) == (TierLevel.MIDDLE, D("77.33"))
    assert (tiers[world.branch_b.pk].computed, tiers[world.branch_b.pk].score) == (TierLevel.BACKWARD, D("86.67"))
    assert (tiers[extra.pk].computed, tiers[extra.pk].score) == (TierLevel.MIDDLE, D("100.00"))
    # the tree above has no assessments: no tier row
    assert world.county_a.pk not in tiers


def test_thresholds_and_weights_per_subtree(world, seed_criteria):
    period = make_period(2011)
    dept_b = user_with_role(world.county_b, Role.ORG_DEPARTMENT)
    # county B: superior only counts, 先进 from 75 and 基本满意 allowed
    set_weights(
        world.county_b,
        None,
        by=dept_b,
        self_weight=0,
        superior_weight=100,
        peer_weight=0,
        mass_weight=0,
        advanced_score=75,
        advanced_level_score=60,
        backward_score=50,
        backward_level_score=0,
    )
    for org in (world.branch_a, world.branch_b):
        _grade(period, org, self_levels="unsatisfied", superior_levels=["fairly"] * 4 + ["basically"])
    svc.compute_tiers(period)
    a = Tier.objects.get(org=world.branch_a, period=period)
    b = Tier.objects.get(org=world.branch_b, period=period)
    # A (defaults): (20×0 + 40×76)/60 = 50.67 → 后进; B: 76 ≥ 75 and lowest 60 ≥ 60 → 先进
    assert (a.score, a.computed) == (D("50.67"), TierLevel.BACKWARD)
    assert (b.score, b.computed) == (D("76.00"), TierLevel.ADVANCED)
    assert rule_for(world.branch_b, period).weights["superior"] == D(100)
    # a row for the period beats the county's row for every period
    set_weights(world.county_b, period, by=dept_b, self_weight=50, superior_weight=50, peer_weight=0, mass_weight=0)
    assert rule_for(world.branch_b, period).weights["self"] == D(50)
    with pytest.raises(PermissionDenied):
        set_weights(world.county_a, None, by=dept_b, self_weight=1, superior_weight=1, peer_weight=0, mass_weight=0)
    with pytest.raises(ValidationError):
        set_weights(world.county_b, None, by=dept_b, self_weight=0, superior_weight=0, peer_weight=0, mass_weight=0)
    assert SourceWeights.objects.count() == 2


def test_override_reason_required_and_kept_on_recompute(world, seed_criteria):
    period = make_period(2011)
    _grade(period, world.branch_a, self_levels="satisfied", superior_levels="satisfied")
    svc.compute_tiers(period)
    county = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    with pytest.raises(ValidationError) as exc:
        svc.override_tier(world.branch_a, period, by=county, level=TierLevel.MIDDLE, reason="  ")
    assert exc.value.message_dict["reason"] == ["请填写调整理由"]
    secretary = user_with_role(world.branch_a, Role.SECRETARY)
    for not_superior in (secretary, user_with_role(world.county_b, Role.ORG_DEPARTMENT)):
        with pytest.raises(PermissionDenied):
            svc.override_tier(world.branch_a, period, by=not_superior, level=TierLevel.MIDDLE, reason="x")
    with pytest.raises(PermissionDenied):  # an org_department never overrides its own node
        svc.override_tier(world.county_a, period, by=county, level=TierLevel.MIDDLE, reason="x")
    tier = svc.override_tier(world.branch_a, period, by=county, level=TierLevel.MIDDLE, reason="群众反映问题未整改")
    assert (tier.computed, tier.override, tier.effective) == (TierLevel.ADVANCED, TierLevel.MIDDLE, TierLevel.MIDDLE)
    # recompute after the scores changed: the computed tier follows, the override stays
    Assessment.objects.filter(org=world.branch_a, source=Source.SUPERIOR).delete()
    make_assessment(period, org=world.branch_a, source=Source.SUPERIOR, levels="unsatisfied")
    svc.compute_tiers(period)
    tier.refresh_from_db()
    assert (tier.computed, tier.override, tier.override_reason) == (
        TierLevel.BACKWARD,
        TierLevel.MIDDLE,
        "群众反映问题未整改",
    )
    assert tier.effective == TierLevel.MIDDLE
    # clearing the override needs a reason too, and leaves the computed tier in effect
    tier = svc.override_tier(world.branch_a, period, by=county, level=None, reason="已整改，按计算结果")
    assert tier.effective == TierLevel.BACKWARD
    reasons = list(tier.history.order_by("history_date").values_list("override_reason", flat=True))
    assert reasons[-2:] == ["群众反映问题未整改", "已整改，按计算结果"]


def test_stale_rows_lose_their_computed_tier_but_keep_the_override(world, seed_criteria):
    period = make_period(2011)
    _grade(period, world.branch_a, superior_levels="satisfied")
    svc.compute_tiers(period)
    county = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    svc.override_tier(world.branch_a, period, by=county, level=TierLevel.ADVANCED, reason="示范点")
    Assessment.objects.filter(org=world.branch_a).delete()
    svc.compute_tiers(period)
    tier = Tier.objects.get(org=world.branch_a, period=period)
    assert (tier.computed, tier.score, tier.superior_score, tier.override) == (None, None, None, TierLevel.ADVANCED)


def test_subtree_computation_touches_only_the_subtree(world, seed_criteria):
    period = make_period(2011)
    _grade(period, world.branch_a, superior_levels="satisfied")
    _grade(period, world.branch_b, superior_levels="satisfied")
    svc.compute_tiers(period, world.county_a)
    assert list(Tier.objects.values_list("org_id", flat=True)) == [world.branch_a.pk]
    # a county recomputation does not clear the other county's rows
    svc.compute_tiers(period, world.county_b)
    Assessment.objects.filter(org=world.branch_b).delete()
    svc.compute_tiers(period, world.county_a)
    assert Tier.objects.get(org=world.branch_b).computed == TierLevel.ADVANCED


def _queries_for(n, world, period):
    orgs = [make_org(world.town_a, sector="rural") for _ in range(n)]
    for org in orgs:
        _grade(period, org, self_levels="fairly", superior_levels="satisfied")
    Tier.objects.all().delete()
    with CaptureQueriesContext(connection) as ctx:
        result = svc.compute_tiers(period, world.county_a)
    assert result["orgs"] == n
    return len(ctx.captured_queries)


def test_compute_tiers_query_count_is_constant(world, seed_criteria):
    one = _queries_for(1, world, make_period(2011))
    thirty = _queries_for(30, world, make_period(2012))
    assert one == thirty
    assert one <= 12


def test_compute_runs_as_a_task_from_the_page(world, seed_criteria, login, django_capture_on_commit_callbacks):
    period = make_period(2011, code="y2011")
    _grade(period, world.branch_a, self_levels="satisfied", superior_levels="satisfied")
    county = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    client = login(county)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("evaluations:scoring_tier_compute"), {"node": world.county_a.code, "period": "y2011"}
        )
    run = TierRun.objects.get()
    assert response.status_code == 302
    assert (run.status, run.total, run.processed, run.root_org) == (TierRun.Status.DONE, 1, 1, world.county_a)
    assert Tier.objects.get(org=world.branch_a).computed == TierLevel.ADVANCED
    page = client.get(response.url).content.decode()
    assert "已提交计算任务" in page
    assert "最近计算于" in page and "塔元庄村党支部" in page
    progress = client.get(reverse("evaluations:scoring_tier_run", args=[run.pk])).content.decode()
    assert "已完成" in progress and "100%" in progress
    # running twice is harmless; the task for a finished run does nothing
    svc.run_computation(run.pk)
    assert TierRun.objects.get().status == TierRun.Status.DONE
    # outside the scope → 404, wrong role → 403, GET → 405
    assert (
        client.post(
            reverse("evaluations:scoring_tier_compute"), {"node": world.county_b.code, "period": "y2011"}
        ).status_code
        == 404
    )
    secretary = user_with_role(world.branch_a, Role.SECRETARY)
    assert (
        login(secretary)
        .post(reverse("evaluations:scoring_tier_compute"), {"node": world.branch_a.code, "period": "y2011"})
        .status_code
        == 403
    )
    assert login(county).get(reverse("evaluations:scoring_tier_compute")).status_code == 405


def test_a_queued_run_is_reused(world, seed_criteria):
    period = make_period(2011)
    county = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    first, created = svc.start_computation(period, world.county_a, by=county)
    second, created_again = svc.start_computation(period, world.county_a, by=county)
    assert created and not created_again and first == second
    with pytest.raises(PermissionDenied):
        svc.start_computation(period, world.county_b, by=county)


def test_override_page(world, seed_criteria, login):
    period = make_period(2011, code="y2011")
    _grade(period, world.branch_a, self_levels="satisfied", superior_levels="satisfied")
    svc.compute_tiers(period)
    url = reverse("evaluations:scoring_tier_detail", args=["y2011", world.branch_a.code])
    county = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    client = login(county)
    page = client.get(url).content.decode()
    assert "调整档次" in page and "100.00" in page
    response = client.post(url, {"level": "backward", "reason": ""})
    assert response.status_code == 200
    assert "请填写调整理由" in response.content.decode()
    response = client.post(url, {"level": "backward", "reason": "发生违纪问题"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "发生违纪问题" in page and "（上级调整）" in page
    # a reader sees the tier but no override form; a POST is refused
    leading = user_with_role(world.city_a, Role.LEADING_GROUP)
    page = login(leading).get(url).content.decode()
    assert "发生违纪问题" in page and "保存调整" not in page
    assert login(leading).post(url, {"level": "advanced", "reason": "x"}).status_code == 403


def test_weights_page(world, login):
    county = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    client = login(county)
    url = reverse("evaluations:scoring_weights")
    page = client.get(url).content.decode()
    assert "尚无设置，按默认" in page
    data = {
        "owner_code": world.county_a.code,
        "period": "",
        "target": "org",
        "self_weight": "0",
        "superior_weight": "0",
        "peer_weight": "0",
        "mass_weight": "0",
        "advanced_score": "85",
        "advanced_level_score": "80",
        "backward_score": "90",
        "backward_level_score": "0",
    }
    body = client.post(url, data).content.decode()
    assert "各来源权重之和必须大于 0" in body and "后进分数线不能高于先进分数线" in body
    data.update(
        {"owner_code": world.county_b.code, "superior_weight": "60", "mass_weight": "40", "backward_score": "60"}
    )
    assert "不在您的管理范围内" in client.post(url, data).content.decode()
    data["owner_code"] = world.county_a.code
    response = client.post(url, data)
    assert response.status_code == 302
    row = SourceWeights.objects.get()
    assert (row.owner_org, row.superior_weight, row.mass_weight, row.set_by) == (world.county_a, 60, 40, county)
    assert "正定县" in client.get(url).content.decode()

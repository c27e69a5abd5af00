"""Score arithmetic: weighted means of level scores, combination of sources with missing ones
renormalised, ROUND_HALF_UP to two places, every default level."""

from decimal import Decimal

import pytest

from evaluations.enums import Source, Target
from evaluations.services import scoring
from evaluations.services.scoring import combine, round_score, weighted_mean
from tests.factories.evaluations_scoring import make_assessment, make_period

D = Decimal
W = {"self": D(20), "superior": D(40), "peer": D(0), "mass": D(40)}


def test_round_half_up_not_bankers():
    assert round_score(D("82.125")) == D("82.13")
    assert round_score(D("82.135")) == D("82.14")
    assert round_score(D("82.124999")) == D("82.12")
    assert round_score(D("0.005")) == D("0.01")


def test_weighted_mean_of_level_scores():
    # 2 × 100 + 1 × 60 + 1 × 0 over weight 4 = 65
    assert weighted_mean([(2, 100), (1, 60), (1, 0)]) == D("65.00")
    # 1/3 → 33.33; 2/3 → 66.67 (half-up at the second place)
    assert weighted_mean([(1, 100), (2, 0)]) == D("33.33")
    assert weighted_mean([(2, 100), (1, 0)]) == D("66.67")
    # exact half at the third place: (100 + 64.25) / 2 = 82.125 → 82.13
    assert weighted_mean([(1, 100), (1, D("64.25"))]) == D("82.13")
    assert weighted_mean([]) is None
    assert weighted_mean([(0, 100)]) is None


def test_combine_all_sources_present():
    scores = {"self": D(90), "superior": D(80), "peer": None, "mass": D(70)}
    # (20×90 + 40×80 + 40×70) / 100 = 78
    assert combine(scores, W) == D("78.00")


def test_combine_missing_source_renormalises_the_others():
    # mass missing: (20×90 + 40×80) / 60 = 83.333… → 83.33 (not (1800+3200)/100 = 50)
    assert combine({"self": D(90), "superior": D(80), "mass": None}, W) == D("83.33")
    # only the superior: its own score
    assert combine({"superior": D("77.77")}, W) == D("77.77")
    # a source with weight 0 never counts, even when present
    assert combine({"self": D(90), "peer": D(10)}, W) == D("90.00")


def test_combine_no_source_gives_no_score():
    assert combine({}, W) is None
    assert combine({"self": None, "superior": None, "mass": None}, W) is None
    assert combine({"peer": D(88)}, W) is None  # only a zero-weight source


def test_combine_rounds_once_at_the_end():
    # (1×80.01 + 2×80.02) / 3 = 80.016666… → 80.02
    assert combine({"self": D("80.01"), "superior": D("80.02")}, {"self": 1, "superior": 2}) == D("80.02")
    # (1 × 0.01 + 1 × 0.02) / 2 = 0.015 → 0.02 (half-up)
    assert combine({"self": D("0.01"), "superior": D("0.02")}, {"self": 1, "superior": 1}) == D("0.02")


@pytest.mark.parametrize(
    ("key", "expected"),
    [("satisfied", "100.00"), ("fairly", "80.00"), ("basically", "60.00"), ("unsatisfied", "0.00")],
)
def test_assessment_score_for_every_level(world, seed_criteria, key, expected):
    period = make_period(2011)
    assessment = make_assessment(period, org=world.branch_a, levels=key)
    assert assessment.score == D(expected)


def test_assessment_score_is_weighted(world, seed_criteria):
    from evaluations.services.criteria import copy_set
    from tests.factories import user_with_role

    period = make_period(2011)
    dept = user_with_role(world.county_a, "org_department")
    own = copy_set(seed_criteria["five-good"], owner_org=world.county_a, period=None, by=dept)
    criteria = list(own.criteria.all())
    criteria[0].weight = D(3)
    criteria[0].save()
    # 3 × 100 + 1 × 80 + 1 × 60 + 1 × 60 + 1 × 0 = 500 over weight 7 = 71.428… → 71.43
    a = make_assessment(
        period, org=world.branch_a, levels=["satisfied", "fairly", "basically", "basically", "unsatisfied"]
    )
    assert a.criteria_set == own
    assert a.score == D("71.43")


def test_set_based_source_scores(world, seed_criteria):
    period = make_period(2011)
    make_assessment(period, org=world.branch_a, source=Source.SELF, levels="satisfied")
    make_assessment(period, org=world.branch_a, source=Source.SUPERIOR, levels=["satisfied"] * 4 + ["fairly"])
    make_assessment(period, org=world.branch_b, source=Source.SUPERIOR, levels="basically")
    make_assessment(period, org=world.branch_a2, source=Source.SELF, levels="fairly", submit=False)  # draft
    scores = scoring.org_source_scores(period, None)
    assert scores[world.branch_a.pk]["self"] == D("100.00")
    assert scores[world.branch_a.pk]["superior"] == D("96.00")
    assert scores[world.branch_a.pk]["lowest"] == D("80.00")
    assert scores[world.branch_b.pk]["superior"] == D("60.00")
    assert world.branch_a2.pk not in scores  # drafts never count


def test_peer_scores_are_the_mean_of_submitted_reviews(world, seed_criteria):
    from tests.factories import MemberFactory, UserFactory

    period = make_period(2011)
    target = world.member_a
    authors = []
    for _n in range(3):
        m = MemberFactory(org=world.branch_a)
        authors.append(UserFactory(member=m))
    make_assessment(period, member=target, source=Source.PEER, levels="satisfied", author=authors[0])  # 100
    make_assessment(period, member=target, source=Source.PEER, levels="fairly", author=authors[1])  # 80
    make_assessment(period, member=target, source=Source.PEER, levels=["fairly"] * 4 + ["basically"], author=authors[2])
    # (100 + 80 + 76) / 3 = 85.333… → 85.33
    assert scoring.member_peer_scores(period)[target.pk] == D("85.33")
    make_assessment(period, member=target, source=Source.SUPERIOR, levels="fairly")
    result = scoring.member_scores(period, None)[target.pk]
    # member defaults: superior 40, peer 30, mass 30 (no mass): (40×80 + 30×85.33) / 70 = 82.284… → 82.28
    assert result["score"] == D("82.28")
    assert scoring.DEFAULT_WEIGHTS[Target.MEMBER]["peer"] == D(30)

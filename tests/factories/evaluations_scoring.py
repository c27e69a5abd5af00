"""Factories for the scoring area: periods, submitted assessments with chosen levels, tiers."""

import datetime
import itertools

from django.utils import timezone

from evaluations.enums import AssessmentStatus, Source, Target
from evaluations.models import Assessment, AssessmentScore, Period, Tier
from evaluations.services.criteria import applicable_set
from evaluations.services.scoring import weighted_mean

_seq = itertools.count(1)


def make_period(year=2011, *, code=None, name=None):
    n = next(_seq)
    return Period.objects.create(
        name=name or f"{year}年度",
        code=code or f"y{year}-{n}",
        start_date=datetime.date(year, 1, 1),
        end_date=datetime.date(year, 12, 31),
    )


def make_assessment(
    period,
    *,
    org=None,
    member=None,
    source=Source.SUPERIOR,
    levels="satisfied",
    author=None,
    submit=True,
    criteria_set=None,
):
    """An assessment with one level per criterion: ``levels`` is a key for all criteria or a list
    of keys in criterion order. Submitted (score and points stored) unless ``submit`` is False."""
    target_org = member.org if member is not None else org
    target = Target.MEMBER if member is not None else Target.ORG
    criteria_set = criteria_set or applicable_set(target_org, period, target)
    criteria = list(criteria_set.criteria.all())
    keys = [levels] * len(criteria) if isinstance(levels, str) else list(levels)
    assessment = Assessment.objects.create(
        period=period,
        target=target,
        org=target_org,
        org_path=target_org.path,
        member=member,
        source=source,
        criteria_set=criteria_set,
        author=author,
    )
    for criterion, key in zip(criteria, keys, strict=True):
        AssessmentScore.objects.create(
            assessment=assessment,
            criterion=criterion,
            level=key,
            points=criteria_set.level_score(key) if submit else None,
        )
    if submit:
        assessment.score = weighted_mean(
            (c.weight, criteria_set.level_score(k)) for c, k in zip(criteria, keys, strict=True)
        )
        assessment.status = AssessmentStatus.SUBMITTED
        assessment.submitted_at = timezone.now()
        assessment.save()
    return assessment


def make_tier(org, period, computed=None, *, override=None, score=None):
    return Tier.objects.create(
        org=org, period=period, computed=computed, override=override, score=score, computed_at=timezone.now()
    )

"""Factories for 群众评议, 党性分析报告 and 对标定位."""

import datetime
import itertools
import secrets

from django.utils import timezone

from common.actors import SYSTEM
from evaluations.enums import Target
from evaluations.models import (
    Benchmark,
    CatchUpMeasure,
    Exemplar,
    MassBatch,
    MassBatchStatus,
    MassToken,
    PartyAnalysisReport,
    Period,
)
from evaluations.services.mass import token_digest

_seq = itertools.count(1)


def mass_period(year=2012):
    n = next(_seq)
    return Period.objects.create(
        name=f"{year}年考核评议{n}",
        code=f"mass-{year}-{n}",
        start_date=datetime.date(year, 1, 1),
        end_date=datetime.date(year, 12, 31),
    )


def make_batch(org, criteria_set, *, period=None, members=None, tokens=3, opens_at=None, closes_at=None, by=None):
    """A ready batch with ``tokens`` tokens (per member when ``members`` is given), created directly
    (no PDF). Returns (batch, plaintext tokens) — for a member batch a dict member id → tokens."""
    now = timezone.now()
    target = Target.MEMBER if members is not None else Target.ORG
    batch = MassBatch.objects.create(
        period=period or mass_period(),
        target=target,
        org=org,
        org_path=org.path,
        criteria_set=criteria_set,
        tokens_per_target=tokens,
        token_count=tokens * (len(members) if members is not None else 1),
        opens_at=opens_at or now - datetime.timedelta(hours=1),
        closes_at=closes_at or now + datetime.timedelta(days=7),
        public_base_url="http://testserver",
        status=MassBatchStatus.READY,
        created_by=by,
    )
    if members is None:
        plain = [secrets.token_urlsafe(16) for _ in range(tokens)]
        MassToken.objects.bulk_create(MassToken(batch=batch, digest=token_digest(t)) for t in plain)
        return batch, plain
    plain = {m.pk: [secrets.token_urlsafe(16) for _ in range(tokens)] for m in members}
    MassToken.objects.bulk_create(
        MassToken(batch=batch, member=m, digest=token_digest(t)) for m in members for t in plain[m.pk]
    )
    return batch, plain


def analysis_campaign(seed_campaign, *, offset_days=2):
    """A copy of the seed campaign shifted so that today is day ``offset_days`` of its 党性分析 week."""
    from campaign.models import Milestone
    from campaign.services.timeline import copy_campaign

    milestone = Milestone.objects.get(campaign=seed_campaign, code="party_analysis")
    delta = timezone.localdate() - datetime.timedelta(days=offset_days) - milestone.start_date
    n = next(_seq)
    return copy_campaign(
        seed_campaign,
        name=f"党性分析测试{n}",
        code=f"pa-test-{n}",
        start_date=seed_campaign.start_date + delta,
        by=SYSTEM,
    )


def make_report(campaign, member, *, status="submitted", content="对照党章查找差距。"):
    return PartyAnalysisReport.objects.create(
        campaign=campaign,
        member=member,
        org=member.org,
        org_path=member.org_path,
        content=content,
        status=status,
        submitted_at=timezone.now() if status != "draft" else None,
    )


def make_exemplar(designated_by_org, *, org=None, member=None, kind="site", profile="三有一化经验", active=True):
    subject_org = org if org is not None else member.org
    return Exemplar.objects.create(
        kind=kind,
        org=org,
        member=member,
        org_path=subject_org.path,
        designated_by_org=designated_by_org,
        level=designated_by_org.level,
        sector=subject_org.sector,
        profile=profile,
        active=active,
    )


def make_benchmark(exemplar, *, org=None, member=None, gaps="服务群众办法不多", measures=()):
    """``measures``: (content, deadline, percent) tuples."""
    org = member.org if member is not None else org
    benchmark = Benchmark.objects.create(exemplar=exemplar, org=org, org_path=org.path, member=member, gaps=gaps)
    for content, deadline, percent in measures:
        CatchUpMeasure.objects.create(benchmark=benchmark, content=content, deadline=deadline, percent=percent)
    return benchmark

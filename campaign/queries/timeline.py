"""Scoped reads for the campaign page: progress per milestone, organizations that have (not) done one.

"各级党组织要……加强督促检查" (seed, part 五): a user sees the progress of the organizations in its own scope.
Built only on ``orgs.queries``; figures are set-based (a fixed number of aggregate queries, whatever the scale).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone

from orgs import queries
from orgs.models import Org, User

from ..models import Campaign, Milestone, MilestoneDone, Phase, ReportingBody


def _registered(org_ref: str = "pk") -> Exists:
    """Is the organization (``org_ref`` names its id) a registered 省直 reporting body?"""
    return Exists(ReportingBody.objects.filter(org_id=OuterRef(org_ref)))


@dataclass
class MilestoneProgress:
    milestone: Milestone
    applicable: int = 0
    done: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.applicable) if self.applicable else 0

    @property
    def not_done(self) -> int:
        return self.applicable - self.done


@dataclass
class PhaseProgress:
    phase: Phase
    current: bool = False
    past: bool = False
    milestones: list[MilestoneProgress] = field(default_factory=list)


def campaign_progress(user: User, campaign: Campaign, *, today: datetime.date | None = None) -> list[PhaseProgress]:
    """The campaign's phases and milestones with, for the user's scope, applicable and done counts.

    Four queries whatever the number of organizations or milestones: phases, milestones, one GROUP BY over the
    organizations in scope (by level, kind, sector and whether it is a registered reporting body) and one GROUP BY
    over the completions in scope.
    """
    today = today or timezone.localdate()
    phases = [PhaseProgress(p, current=p.contains(today), past=p.end_date < today) for p in campaign.phases.all()]
    by_phase = {p.phase.pk: p for p in phases}
    milestones = list(campaign.milestones.order_by("due_date", "order", "pk"))

    groups = list(
        queries.orgs_for(user)
        .order_by()
        .annotate(registered=_registered())
        .values_list("level", "kind", "sector", "registered")
        .annotate(n=Count("pk"))
        .order_by()
    )
    done_groups = defaultdict(list)
    done_rows = (
        MilestoneDone.objects.filter(milestone__campaign=campaign, org__active=True)
        .filter(queries.org_scope_q(user, prefix="org__"))
        .order_by()
        .annotate(registered=_registered("org_id"))
        .values_list("milestone_id", "org__level", "org__kind", "org__sector", "registered")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for milestone_id, *attributes in done_rows:
        done_groups[milestone_id].append(attributes)

    for m in milestones:
        row = MilestoneProgress(
            m,
            applicable=sum(n for *attrs, n in groups if m.matches(*attrs)),
            done=sum(n for *attrs, n in done_groups[m.pk] if m.matches(*attrs)),
        )
        by_phase[m.phase_id].milestones.append(row)
    return phases


def orgs_not_done(user: User, milestone: Milestone) -> QuerySet[Org]:
    """Organizations in the user's scope the milestone applies to that have not done it (by tree order)."""
    done = MilestoneDone.objects.filter(milestone=milestone, org=OuterRef("pk"))
    return queries.orgs_for(user).filter(milestone.applies_q()).filter(~Exists(done)).order_by("path")


def completions(user: User, milestone: Milestone) -> QuerySet[MilestoneDone]:
    """Completions of the milestone by organizations in the user's scope (by tree order)."""
    return (
        MilestoneDone.objects.filter(milestone=milestone, org__active=True)
        .filter(queries.org_scope_q(user, prefix="org__"))
        .select_related("org", "by")
        .order_by("org_path")
    )

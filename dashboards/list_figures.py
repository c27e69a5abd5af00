"""Figures of a large subtree that lists of lower apps read from the dashboards' snapshot (``common.rollups``),
registered from ``DashboardsConfig.ready()``: the 党性分析 list's coverage (``evaluations.coverage``) and the 述职
list's counts (``accountability.queries.duty_count_sources``).

The snapshot counts the subtree's active organizations: every member by the member's own organization, as
``evaluations.services.reports.coverage`` counts them, and each basic organization's 述职 of the snapshot's year, as
``accountability.queries.duty_counts``. It is brought up to date every ``DASHBOARD_REFRESH_SECONDS``; the lists say
when it was read ("数据截至 …").
"""

from django.db.models import Sum

from common.rollups import RolledUpCounts

from .models import OrgFigures
from .services import latest_snapshot

# evaluations.coverage.COUNTS → the snapshot's column
COLUMNS = {
    "members": "members_total",
    "participated": "pa_participated",
    "required": "members_in_service",
    "written_required": "pa_reports",
    "accepted_required": "pa_accepted_required",
    "written": "pa_written",
    "accepted": "pa_accepted",
}


DUTY_COLUMNS = {
    "orgs": "basic_orgs",
    "submitted": "duty_submitted",
    "rated": "duty_rated",
    "good": "duty_good",
    "fair": "duty_fair",
    "average": "duty_average",
    "poor": "duty_poor",
}


def _subtree(snapshot, node, columns: dict) -> RolledUpCounts | None:
    """``columns`` (key → column) summed over ``node``'s tree rows (every sector) in ``snapshot``; None when the node
    has no row in it (added or deactivated since): one indexed query."""
    from .views import data_as_of_text, stale_text

    row = OrgFigures.objects.filter(snapshot=snapshot, org_id=node.pk, kind=OrgFigures.Kind.TREE).aggregate(
        rows=Sum("orgs"), **{key: Sum(column) for key, column in columns.items()}
    )
    if row["rows"] is None:
        return None
    counts = {key: row[key] or 0 for key in columns}
    return RolledUpCounts(counts=counts, as_of=data_as_of_text(snapshot), warning=stale_text(snapshot))


def duty_counts(node, year):
    """The 述职 counts of ``node``'s subtree in the latest snapshot of the current campaign, when that snapshot
    counts ``year`` (its day's year); else None."""
    from campaign.services.timeline import current_campaign

    snapshot = latest_snapshot(current_campaign())
    if snapshot is None or snapshot.as_of.year != year:
        return None
    return _subtree(snapshot, node, DUTY_COLUMNS)


def party_analysis_counts(campaign, node):
    """The 党性分析 counts of ``node``'s subtree in the latest snapshot of ``campaign``; None without one."""
    snapshot = latest_snapshot(campaign)
    return None if snapshot is None else _subtree(snapshot, node, COLUMNS)

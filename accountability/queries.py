"""Scoped reads of 述职评议 and 一定三有, built only on ``orgs.queries``.

Outside the scope: 404; wrong role inside it: 403 (the views). Who does what:

- 述职: the secretary of a basic organization writes and submits its annual report;
- 评议: the superior rates it — the 组织部 above the organization, or the secretary of a 党委 above it (a role on
  a node strictly above the organization; never the organization's own secretary);
- 一定三有 items: the 组织部 of the province or of a county, for the villages below it;
- a village's state on an item: the village's secretary, or the 组织部 (or township committee) above it;
- everyone with a reading role reads its subtree (a 行业主管部门 its sector).

A village is a basic organization of the 农村 sector placed directly under a township (a 村党支部 or 村党总支;
the branches under a 村党总支 are not villages of their own).
"""

import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Length, Substr
from django.http import Http404

from common.rollups import RollupSlot
from orgs import queries
from orgs.enums import OrgLevel, Role, Sector
from orgs.models import Org

from .models import DutyRating, DutyReport, DutyStatus, MeasureItem, MeasureStatus, VillageMeasure

READ_ROLES = frozenset({Role.LEADING_GROUP, Role.ORG_DEPARTMENT, Role.SECTOR_SUPERVISOR, Role.SECRETARY}) | (
    queries.GUIDE_ROLES
)
DUTY_WRITE_ROLES = frozenset({Role.SECRETARY})
RATE_ROLES = frozenset({Role.ORG_DEPARTMENT, Role.SECRETARY})
ITEM_ROLES = frozenset({Role.ORG_DEPARTMENT})
ITEM_LEVELS = frozenset({OrgLevel.PROVINCE, OrgLevel.COUNTY})
MEASURE_WRITE_ROLES = frozenset({Role.SECRETARY, Role.ORG_DEPARTMENT})


# --- villages -------------------------------------------------------------------------------------


def villages(queryset: QuerySet[Org] | None = None) -> QuerySet[Org]:
    """The villages among ``queryset`` (all organizations by default): active basic organizations of the 农村
    sector whose parent is not itself a basic organization."""
    parent_is_basic = Org.objects.filter(
        level=OrgLevel.BASIC, path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Org.steplen)
    )
    base = Org.objects.all() if queryset is None else queryset
    return base.filter(level=OrgLevel.BASIC, sector=Sector.RURAL, active=True).exclude(Exists(parent_is_basic))


def is_village(org: Org) -> bool:
    if not (org.level == OrgLevel.BASIC and org.sector == Sector.RURAL and org.active):
        return False
    return not Org.objects.filter(path=org.path[: -Org.steplen], level=OrgLevel.BASIC).exists()


def villages_under(user, node: Org) -> QuerySet[Org]:
    """Villages in ``node``'s subtree that the user reads."""
    return villages(queries.orgs_for(user, roles=READ_ROLES).filter(path__startswith=node.path))


def get_village_or_404(user, code: str) -> Org:
    org = queries.get_org_or_404(user, code)
    if not is_village(org):
        raise Http404("not a village")
    return org


# --- 述职评议 ---------------------------------------------------------------------------------------


def duty_reports_for(user, *, roles=READ_ROLES) -> QuerySet[DutyReport]:
    return DutyReport.objects.filter(queries.org_scope_q(user, roles=roles, prefix="org__"))


def get_duty_report_or_404(user, pk) -> DutyReport:
    reports = duty_reports_for(user, roles=queries.ALL_ROLES).select_related(
        "org", "submitted_by", "rated_by", "rated_org"
    )
    return queries.row_or_404(reports, pk, "report")


def can_read(user, org: Org) -> bool:
    return queries.covers(user, org, READ_ROLES)


def can_write_duty(user, org: Org) -> bool:
    return org.is_basic and queries.covers(user, org, DUTY_WRITE_ROLES)


def duty_orgs(user) -> QuerySet[Org]:
    """The basic organizations whose 述职 the user writes."""
    return queries.orgs_for(user, roles=DUTY_WRITE_ROLES).filter(level=OrgLevel.BASIC)


def rater_org(user, org: Org) -> Org | None:
    """The organization in whose name the user rates ``org``'s 述职: the nearest node strictly above ``org``
    where the user holds a rating role covering it; None when the user may not rate it (no query)."""
    best = None
    for a in queries.assignments(user):
        if a.role not in RATE_ROLES or a.org.path == org.path or not org.path.startswith(a.org.path):
            continue
        if a.sector and org.sector not in ("", a.sector):
            continue
        if best is None or len(a.org.path) > len(best.path):
            best = a.org
    return best


def can_rate(user, report: DutyReport) -> bool:
    return rater_org(user, report.org) is not None


def may_read_duty_report(user, pk) -> bool:
    """Attachment owner check: 404 outside the scope, False for a role that may not read it."""
    return can_read(user, get_duty_report_or_404(user, pk).org)


def duty_years(today: datetime.date) -> list[int]:
    """The years a 述职 list offers: this year and the four before it, newest first."""
    return [today.year - n for n in range(5)]


# A node's 述职 counts are counted on each request up to ``exact_count_limit()`` organizations in its subtree (a
# county of the province set: 663); above it they are read from a source when one answers (the dashboards'
# snapshot, registered in ``duty_count_sources``: common.rollups) and shown with the moment they were read.
duty_count_sources = RollupSlot()


def duty_counts(user, node: Org, year: int) -> dict:
    """Basic organizations under ``node`` in scope, and their reports of ``year`` by state and rating: two queries."""
    basic = queries.orgs_for(user, roles=READ_ROLES).filter(path__startswith=node.path, level=OrgLevel.BASIC)
    counts = (
        duty_reports_for(user)
        .filter(org__path__startswith=node.path, org__level=OrgLevel.BASIC, org__active=True, year=year)
        .aggregate(
            drafts=Count("pk", filter=Q(status=DutyStatus.DRAFT)),
            submitted=Count("pk", filter=Q(status__in=[DutyStatus.SUBMITTED, DutyStatus.RATED])),
            rated=Count("pk", filter=Q(status=DutyStatus.RATED)),
            **{r.value: Count("pk", filter=Q(status=DutyStatus.RATED, rating=r.value)) for r in DutyRating},
        )
    )
    counts["orgs"] = basic.count()
    return with_open_counts(counts)


def with_open_counts(counts: dict) -> dict:
    """``counts`` (orgs, submitted, rated …) with the reports waiting for their 评议 and the organizations missing."""
    counts = dict(counts)
    counts["waiting"] = counts["submitted"] - counts["rated"]
    counts["missing"] = counts["orgs"] - counts["submitted"]
    return counts


def orgs_without_report(user, node: Org, year: int) -> QuerySet[Org]:
    """Basic organizations under ``node`` in scope that have not submitted their 述职 of ``year``."""
    submitted = DutyReport.objects.filter(
        org=OuterRef("pk"), year=year, status__in=[DutyStatus.SUBMITTED, DutyStatus.RATED]
    )
    return (
        queries.orgs_for(user, roles=READ_ROLES)
        .filter(path__startswith=node.path, level=OrgLevel.BASIC)
        .exclude(Exists(submitted))
        .order_by("path")
    )


# --- 一定三有 ---------------------------------------------------------------------------------------


def can_define_items(user, scope: Org) -> bool:
    return scope.level in ITEM_LEVELS and queries.covers(user, scope, ITEM_ROLES)


def item_scopes(user) -> QuerySet[Org]:
    """Where the user may set items: the province or counties it manages."""
    return queries.orgs_for(user, roles=ITEM_ROLES).filter(level__in=sorted(ITEM_LEVELS))


def _above_q(user) -> Q:
    """Items set on a node above one of the user's reading nodes (they apply to villages the user reads)."""
    q = Q(pk__in=[])
    for a in queries.assignments(user):
        if a.role in READ_ROLES:
            q |= Q(scope_path__in=a.org.ancestor_paths(include_self=False))
    return q


def items_for(user) -> QuerySet[MeasureItem]:
    """Items the user reads: set anywhere in its subtree, or above it."""
    return MeasureItem.objects.filter(queries.org_scope_q(user, roles=READ_ROLES, prefix="scope__") | _above_q(user))


def get_item_or_404(user, pk) -> MeasureItem:
    return queries.row_or_404(items_for(user).select_related("scope"), pk, "item")


def items_covering(node: Org) -> QuerySet[MeasureItem]:
    """Active items that apply to every village under ``node`` (set on ``node`` or above it)."""
    return MeasureItem.objects.filter(active=True, scope_path__in=node.ancestor_paths()).order_by(
        "scope_path", "order", "id"
    )


def items_under(node: Org) -> list[MeasureItem]:
    """Active items that apply to some village under ``node``: set above it, on it, or below it."""
    return list(
        MeasureItem.objects.filter(active=True)
        .filter(Q(scope_path__in=node.ancestor_paths()) | Q(scope_path__startswith=node.path))
        .order_by("scope_path", "order", "id")
    )


def applies(item: MeasureItem, village: Org) -> bool:
    return item.active and village.path.startswith(item.scope_path)


def can_record_measure(user, village: Org) -> bool:
    return queries.covers(user, village, MEASURE_WRITE_ROLES)


def may_read_village_measure(user, pk) -> bool:
    """Attachment owner check: the village's state is read like the village (404 outside the scope)."""
    row = queries.row_or_404(VillageMeasure.objects.select_related("village"), pk, "state")
    if not queries.covers(user, row.village):
        raise Http404("no such state in scope")
    return can_read(user, row.village)


def village_states(village_ids, items) -> dict:
    """{(village id, item id): VillageMeasure} for the given villages and items: one query."""
    rows = VillageMeasure.objects.filter(village_id__in=list(village_ids), item__in=list(items)).select_related(
        "updated_by"
    )
    return {(r.village_id, r.item_id): r for r in rows}


def measure_counts(user, node: Org, items) -> dict:
    """{item id: {"done", "progress", "pending"}} over the villages under ``node``, plus "villages": two queries."""
    under = villages_under(user, node)
    total = under.count()
    grouped = (
        VillageMeasure.objects.filter(item__in=list(items), village__in=under.values("pk"))
        .values("item_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    out = {item.pk: {"done": 0, "progress": 0, "pending": 0} for item in items}
    for row in grouped:
        if row["status"] in (MeasureStatus.DONE, MeasureStatus.PROGRESS):
            out[row["item_id"]][row["status"]] = row["n"]
    for counts in out.values():
        counts["pending"] = total - counts["done"] - counts["progress"]
    out["villages"] = total
    return out


def filter_by_state(qs: QuerySet[Org], item: MeasureItem, status: str) -> QuerySet[Org]:
    """Villages whose state on ``item`` is ``status`` (未落实: no row, or a row saying so)."""
    if status == MeasureStatus.PENDING:
        started = VillageMeasure.objects.filter(
            item=item, village=OuterRef("pk"), status__in=[MeasureStatus.DONE, MeasureStatus.PROGRESS]
        )
        return qs.exclude(Exists(started))
    return qs.filter(Exists(VillageMeasure.objects.filter(item=item, village=OuterRef("pk"), status=status)))


# --- the secretary's workbench ----------------------------------------------------------------------


def workbench_summary(org: Org, today: datetime.date) -> dict:
    """This year's 述职 of ``org`` and, for a village, its 一定三有 items in place: at most four queries."""
    report = DutyReport.objects.filter(org=org, year=today.year).first()
    summary = {"year": today.year, "report": report, "village": False}
    if is_village(org):
        items = list(items_covering(org).values_list("pk", flat=True))
        done = VillageMeasure.objects.filter(village=org, item_id__in=items, status=MeasureStatus.DONE).count()
        summary.update(village=True, items=len(items), done=done)
    return summary

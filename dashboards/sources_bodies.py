"""The roll-up sources of the seed's bodies that live in their own apps: 群众工作站 (``masswork``), 基层党建述职评议
and 一定三有 (``accountability``).

"普遍推行群众工作站、干群恳谈会、党员联系户等办法" (seed, part 一); "完善基层党建述职、考核、评议制度，深化“一定三有”
机制" (seed, part 四.(二).5). Each source is one ``GROUP BY`` (or one row per village) joined to the organizations by
``dashboards.services.insert_own_rows``, like the others; its columns are listed in ``columns``.

- 群众工作站: stations open as they are; visits dated from the campaign's start to the snapshot day, and of them those
  closed on or before that day.
- 述职: each basic organization's 述职 of the snapshot's year (submitted means submitted or rated), and the ratings.
- 一定三有: per village (``accountability.queries.villages``) the number of active items that apply to it (set on
  one of its ancestors), and its states 已落实 / 落实中 on such items; a state counts only while its organization is
  a village.
"""

from django.db.models import Count, F, Func, OuterRef, Q, Subquery
from django.db.models.functions import Length, Substr
from django.utils.translation import gettext_lazy as _

STATION_COLUMNS = ("stations_active", "station_visits", "station_visits_closed")
DUTY_COLUMNS = ("duty_submitted", "duty_rated", "duty_good", "duty_fair", "duty_average", "duty_poor")
MEASURE_COLUMNS = ("measure_applicable", "measure_done", "measure_progress")

# The lists behind the figures (``dashboards.queries.FigureList`` arguments: slug, title, condition on the own
# rows, columns shown, the column whose sum is the figure — empty: the number of organizations listed).
BODY_LISTS = [
    *[
        (slug, title, Q(**{f"{slug}__gt": 0}), STATION_COLUMNS, slug)
        for slug, title in (
            ("stations_active", _("群众工作站（开放中）")),
            ("station_visits", _("群众工作站来访")),
            ("station_visits_closed", _("群众工作站来访已办结")),
        )
    ],
    ("duty_submitted", _("已提交本年度述职的基层党组织"), Q(duty_submitted__gt=0), DUTY_COLUMNS),
    ("duty_missing", _("尚未提交本年度述职的基层党组织"), Q(basic_orgs__gt=0, duty_submitted=0), ("basic_orgs",)),
    ("duty_rated", _("述职已评议的基层党组织"), Q(duty_rated__gt=0), DUTY_COLUMNS),
    ("duty_waiting", _("述职待评议的基层党组织"), Q(duty_submitted__gt=0, duty_rated=0), DUTY_COLUMNS),
    *[
        (f"duty_{rating}", title, Q(**{f"duty_{rating}__gt": 0}), DUTY_COLUMNS)
        for rating, title in (
            ("good", _("述职评议为好")),
            ("fair", _("述职评议为较好")),
            ("average", _("述职评议为一般")),
            ("poor", _("述职评议为差")),
        )
    ],
    ("villages", _("村（一定三有）"), Q(villages__gt=0), MEASURE_COLUMNS),
    (
        "measure_incomplete",
        _("一定三有尚未全部落实的村"),
        Q(villages__gt=0, measure_done__lt=F("measure_applicable")),
        MEASURE_COLUMNS,
    ),
]


def sources(snapshot) -> dict:
    from accountability.models import DutyRating, DutyReport, DutyStatus, MeasureItem, MeasureStatus, VillageMeasure
    from accountability.queries import villages
    from masswork.models import Station, Visit, VisitStatus

    today = snapshot.as_of
    window = (snapshot.campaign.start_date, today)
    applicable = (
        MeasureItem.objects.filter(active=True, scope_path=Substr(OuterRef("path"), 1, Length("scope_path")))
        .order_by()
        .annotate(n=Func(F("pk"), function="COUNT"))
        .values("n")
    )
    handed_in = [DutyStatus.SUBMITTED, DutyStatus.RATED]
    return {
        "ws": Station.objects.filter(active=True).values(oid=F("org_id")).annotate(n=Count("pk")),
        "wv": Visit.objects.filter(visited_on__range=window)
        .values(oid=F("station__org_id"))
        .annotate(n=Count("pk"), closed=Count("pk", filter=Q(status=VisitStatus.CLOSED, closed_on__lte=today))),
        "dr": DutyReport.objects.filter(year=today.year)
        .values(oid=F("org_id"))
        .annotate(
            submitted=Count("pk", filter=Q(status__in=handed_in)),
            rated=Count("pk", filter=Q(status=DutyStatus.RATED)),
            **{r.value: Count("pk", filter=Q(status=DutyStatus.RATED, rating=r.value)) for r in DutyRating},
        ),
        "mv": villages().values(oid=F("pk"), n=Subquery(applicable)),
        "ms": VillageMeasure.objects.filter(item__active=True, village__path__startswith=F("item__scope_path"))
        .values(oid=F("village_id"))
        .annotate(
            done=Count("pk", filter=Q(status=MeasureStatus.DONE)),
            progress=Count("pk", filter=Q(status=MeasureStatus.PROGRESS)),
        ),
    }


def columns(src) -> list[tuple[str, str, list]]:
    """(column, SQL over the source aliases, params); ``src(alias, column)`` is COALESCE(alias.column, 0)."""
    village = "mv.oid IS NOT NULL"
    return [
        ("stations_active", src("ws", "n"), []),
        ("station_visits", src("wv", "n"), []),
        ("station_visits_closed", src("wv", "closed"), []),
        ("duty_submitted", src("dr", "submitted"), []),
        ("duty_rated", src("dr", "rated"), []),
        ("duty_good", src("dr", "good"), []),
        ("duty_fair", src("dr", "fair"), []),
        ("duty_average", src("dr", "average"), []),
        ("duty_poor", src("dr", "poor"), []),
        ("villages", f"CASE WHEN {village} THEN 1 ELSE 0 END", []),
        ("measure_applicable", src("mv", "n"), []),
        ("measure_done", f"CASE WHEN {village} THEN {src('ms', 'done')} ELSE 0 END", []),
        ("measure_progress", f"CASE WHEN {village} THEN {src('ms', 'progress')} ELSE 0 END", []),
    ]

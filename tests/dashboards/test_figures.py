"""Every figure of the dashboard equals an independent count over the data (tests/dashboards/truth.py)."""

import datetime

import pytest

from dashboards import queries
from dashboards.models import COUNT_FIELDS, OrgFigures, Snapshot
from dashboards.services import refresh
from orgs.models import Org
from tests.dashboards.truth import truth

pytestmark = pytest.mark.django_db

SCALARS = [f for f in COUNT_FIELDS if not f.startswith("phase") and f != "lag"]


def expected(dash, node, sectors=None):
    s = dash.snapshot
    return truth(
        dash.campaign,
        node,
        as_of=dash.as_of,
        period=s.period,
        previous=s.previous_period,
        award_round=s.award_round,
        sectors=sectors,
    )


def scope(dash, user, node, sector=""):
    return queries.scope_for(user, node.code, sector=sector, campaign=dash.campaign)


def test_snapshot_chooses_the_periods_and_the_round(dash):
    s = dash.snapshot
    assert s.status == Snapshot.Status.DONE and s.finished_at is not None
    assert (s.period, s.previous_period, s.award_round) == (dash.p_cur, dash.p_prev, dash.round)
    assert [p["order"] for p in s.phases] == [1, 2, 3, 4]


@pytest.mark.parametrize("node_name", ["province", "city_a", "city_b", "city_c", "county_a", "town_a", "town_b",
                                       "branch_a", "general", "c_school"])  # fmt: skip
def test_every_figure_equals_the_direct_count(dash, people, node_name):
    node = getattr(dash, node_name)
    figures = queries.node_figures(scope(dash, people.province_lg, node)).total
    truth_ = expected(dash, node)
    assert {f: figures[f] for f in SCALARS} == {f: truth_[f] for f in SCALARS}
    for n, phase in enumerate(dash.snapshot.phases, start=1):
        assert (figures[f"phase{n}_applicable"], figures[f"phase{n}_done"]) == truth_["phases"][phase["order"]]
    assert figures.lag == truth_["rect_overdue"] + truth_["ms_overdue"]


def test_the_data_set_is_not_trivial(dash, people):
    """Guard: the figures compared above are mostly non-zero at the root."""
    t = expected(dash, dash.province)
    assert all(t[f] > 0 for f in SCALARS), {f: t[f] for f in SCALARS if not t[f]}
    assert 0 < t["plan_approved"] < t["plan_required"]
    assert 0 < t["pa_reports"] < t["members_in_service"]
    assert t["moved_up"] == 3 and t["moved_down"] == 1  # a: 中间→先进, a3: 后进→中间, general_child: 中间→先进(调整)


@pytest.mark.parametrize("node_name", ["province", "city_a", "city_c", "town_b"])
def test_series_equal_the_direct_counts(dash, people, node_name):
    node = getattr(dash, node_name)
    series = queries.node_series(scope(dash, people.province_lg, node))
    t = expected(dash, node)
    assert series.activity == dict(t["activity_by_month"])
    assert series.nominations == dict(t["nominations_by"])
    assert series.tiers == dict(t["tiers_by"])
    assert series.services == dict(t["services_by"])


@pytest.mark.parametrize("node_name", ["province", "city_a", "county_a", "town_a", "town_b", "general"])
def test_drill_down_sums_equal_the_parent(dash, people, node_name):
    node = getattr(dash, node_name)
    nf = queries.node_figures(scope(dash, people.province_lg, node))
    summed = nf.own
    for child in nf.children:
        summed = summed + child.figures
    assert summed == nf.total
    children = Org.objects.filter(depth=node.depth + 1, path__startswith=node.path, active=True).order_by("path")
    assert [c.org.pk for c in nf.children] == [o.pk for o in children]


def test_province_children_are_the_cities(dash, people):
    nf = queries.node_figures(scope(dash, people.province_lg, dash.province))
    assert [c.org.name for c in nf.children] == ["石家庄市", "唐山市", "邯郸市"]
    by_name = {c.org.name: c.figures for c in nf.children}
    assert by_name["邯郸市"].plan_required == 4
    assert by_name["邯郸市"].plan_approved == 1
    assert by_name["石家庄市"].members_in_service == expected(dash, dash.city_a)["members_in_service"]


def test_county_committee_own_row_shows_as_its_own_line(dash, people):
    """An order on the county committee itself belongs to the county (本级), not to a child."""
    nf = queries.node_figures(scope(dash, people.province_lg, dash.county_a))
    assert nf.own.rect_overdue == 1
    assert sum(c.figures.rect_overdue for c in nf.children) == nf.total.rect_overdue - 1


def test_sector_supervisor_counts_only_its_sector(dash, people):
    sectors = {"school"}
    for node in (dash.province, dash.city_c, dash.town_b):
        s = scope(dash, people.school_ss, node)
        assert s.sectors == frozenset(sectors)
        figures = queries.node_figures(s).total
        truth_ = expected(dash, node, sectors)
        assert {f: figures[f] for f in SCALARS} == {f: truth_[f] for f in SCALARS}
    assert expected(dash, dash.province, sectors)["plan_required"] == 4  # a2, general, general_child, c_school


def test_sector_filter_of_a_full_scope_user(dash, people):
    s = scope(dash, people.province_lg, dash.province, sector="rural")
    assert s.sectors == frozenset({"rural"})
    figures = queries.node_figures(s).total
    t = expected(dash, dash.province, {"rural"})
    assert {f: figures[f] for f in SCALARS} == {f: t[f] for f in SCALARS}
    # a sector outside a supervisor's own is ignored
    assert scope(dash, people.school_ss, dash.province, sector="rural").sectors == frozenset({"school"})


def test_sector_rows_sum_to_the_node(dash, people):
    s = scope(dash, people.province_lg, dash.province)
    rows = queries.sector_rows(s)
    total = queries.node_figures(s).total
    summed = rows[0][2]
    for _sector, _label, figures in rows[1:]:
        summed = summed + figures
    assert summed == total
    by_sector = {sector: figures for sector, _label, figures in rows}
    t = expected(dash, dash.province, {"school"})
    assert {f: by_sector["school"][f] for f in SCALARS} == {f: t[f] for f in SCALARS}


@pytest.mark.parametrize(
    "slug, column",
    [
        ("plan_required", ""),
        ("plan_approved", ""),
        ("plan_missing", ""),
        ("commitments_published", "commitments_published"),
        ("commitments_fulfilled", "commitments_fulfilled"),
        ("pa_members", "members_in_service"),
        ("pa_reports", "pa_reports"),
        ("activities", "activities"),
        ("tier_advanced", ""),
        ("moved_up", ""),
        ("moved_down", ""),
        ("nominations", "nominations"),
        ("rect_open", "rect_open"),
        ("rect_overdue", "rect_overdue"),
        ("rect_verified", "rect_verified"),
        ("reminders_sent", "reminders_sent"),
        ("ms_overdue", "ms_overdue"),
        ("households_active", "households_active"),
        ("households_no_contact", "households_no_contact"),
        ("service_records", "service_records"),
        ("mass_meetings", "mass_meetings"),
        ("disputes_found", "disputes_found"),
        ("disputes_resolved", "disputes_resolved"),
        ("disputes_escalated", "disputes_escalated"),
        ("disputes_unresolved", "disputes_unresolved"),
        ("disputes_pending", "disputes_pending"),
        ("bulletins", "bulletins"),
        ("basic_with_instructor", ""),
        ("instructor_missing", ""),
        ("college_officials", "college_officials"),
    ],
)
def test_the_list_behind_a_figure_adds_up_to_it(dash, people, slug, column):
    s = scope(dash, people.province_lg, dash.city_a)
    figure = queries.LISTS[slug]
    rows = list(queries.list_rows(s, figure))
    figures = queries.node_figures(s).total
    if slug in ("plan_missing", "instructor_missing"):
        assert len(rows) == getattr(figures, slug)
    elif column:
        assert sum(getattr(r, column) for r in rows) == figures[column]
    else:
        assert len(rows) == figures[slug]
    assert all(r.path.startswith(dash.city_a.path) and r.kind == OrgFigures.Kind.OWN for r in rows)


# --- 联系服务群众与基层治理 (issue 7) ------------------------------------------------------------------

MASSES = [
    "households_active",
    "households_no_contact",
    "service_records",
    "mass_meetings",
    "disputes_found",
    "disputes_resolved",
    "disputes_escalated",
    "disputes_unresolved",
    "disputes_pending",
    "bulletins",
    "basic_with_instructor",
    "college_officials",
]


@pytest.mark.parametrize(
    "node_name, sector, numbers",
    [
        # households, no contact, services, meetings, disputes found / 化解 / 上交 / 未化解 / 处理中, bulletins,
        # basic organizations with an instructor, 大学生村官 — counted by hand from tests/factories/dashboards.py
        ("province", "", (10, 5, 13, 4, 8, 3, 1, 2, 2, 4, 4, 7)),
        ("city_a", "", (3, 2, 5, 2, 3, 1, 1, 0, 1, 1, 1, 1)),
        ("city_b", "", (3, 2, 2, 1, 2, 1, 0, 1, 0, 0, 2, 3)),
        ("city_c", "", (4, 1, 6, 1, 3, 1, 0, 1, 1, 1, 1, 3)),
        ("province", "school", (2, 1, 1, 1, 1, 0, 1, 0, 0, 0, 2, 1)),
    ],
)
def test_masses_figures_counted_by_hand(dash, people, node_name, sector, numbers):
    """The definitions, not only the agreement with truth.py: the window (campaign start … snapshot day), a
    contact exactly 30 days before the snapshot day counts, later visits do not, inactive organizations and
    households, deactivated instructors and instructors of townships are left out."""
    node = getattr(dash, node_name)
    figures = queries.node_figures(scope(dash, people.province_lg, node, sector=sector)).total
    assert tuple(figures[f] for f in MASSES) == numbers
    t = expected(dash, node, {sector} if sector else None)
    assert tuple(t[f] for f in MASSES) == numbers


def test_masses_drill_down_and_sector_rows_add_up(dash, people):
    s = scope(dash, people.province_lg, dash.province)
    nf = queries.node_figures(s)
    for f in MASSES:
        assert nf.own[f] + sum(c.figures[f] for c in nf.children) == nf.total[f], f
    assert nf.own.bulletins == 2  # the province's own bulletins are its own line
    by_sector = {sector: figures for sector, _label, figures in queries.sector_rows(s)}
    for f in MASSES:
        assert sum(figures[f] for figures in by_sector.values()) == nf.total[f], f
    assert by_sector[""].bulletins == 4 and by_sector["school"].basic_with_instructor == 2


def test_masses_series_by_month(dash, people):
    series = queries.node_series(scope(dash, people.province_lg, dash.city_c))
    assert sum(series.services.values()) == 6
    month = dash.as_of - datetime.timedelta(days=1)
    assert series.services[("help", month.strftime("%Y-%m"))] >= 1


def test_lagging_lists_the_most_overdue_first(dash, people):
    s = scope(dash, people.province_lg, dash.province)
    rows = list(queries.lagging_rows(s))
    lags = [r.lag for r in rows]
    assert lags == sorted(lags, reverse=True) and lags[0] > 0
    for row in rows:
        t = expected(dash, row.org)
        if not Org.objects.filter(path__startswith=row.org.path).exclude(pk=row.org.pk).exists():
            assert row.lag == t["rect_overdue"] + t["ms_overdue"]


def test_a_refresh_sees_new_data_and_drops_old_snapshots(dash, people):
    from tests.factories.campaign_plans import make_plan

    make_plan(dash.campaign, dash.branch_a3, status="approved")
    before = queries.node_figures(scope(dash, people.province_lg, dash.province)).total.plan_approved
    second = refresh(dash.campaign, today=dash.as_of)
    third = refresh(dash.campaign, today=dash.as_of)
    after = queries.node_figures(scope(dash, people.province_lg, dash.province)).total.plan_approved
    assert after == before + 1
    assert set(Snapshot.objects.values_list("pk", flat=True)) == {second.pk, third.pk}
    assert not OrgFigures.objects.filter(snapshot=dash.snapshot).exists()


def test_a_running_refresh_is_not_started_twice(dash):
    Snapshot.objects.create(campaign=dash.campaign, as_of=dash.as_of)
    assert refresh(dash.campaign, today=dash.as_of) is None
    assert refresh(dash.campaign, today=dash.as_of, force=True).status == Snapshot.Status.DONE

"""Every figure of the dashboard equals an independent count over the data (tests/dashboards/truth.py)."""

import datetime

import pytest

from dashboards import queries
from dashboards.models import BADGE_FIELDS, COUNT_FIELDS, OrgFigures, Snapshot
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
        ("members_total", "members_total"),
        ("pa_participated", "pa_participated"),
        ("pa_written", "pa_written"),
        ("pa_absent", ""),
        ("members_rated", "members_rated"),
        ("rated_excellent", "rated_excellent"),
        ("rated_qualified", "rated_qualified"),
        ("models_assessed", "models_assessed"),
        ("badge_entries", ""),
        ("badge_demo_household", "badge_demo_household"),
        ("badge_vanguard_post", "badge_vanguard_post"),
        ("badge_responsibility_area", "badge_responsibility_area"),
        ("badge_model_post", "badge_model_post"),
        ("wearing_orgs", ""),
        ("wearing_missing", ""),
    ],
)
def test_the_list_behind_a_figure_adds_up_to_it(dash, people, slug, column):
    s = scope(dash, people.province_lg, dash.city_a)
    figure = queries.LISTS[slug]
    rows = list(queries.list_rows(s, figure))
    figures = queries.node_figures(s).total
    if slug in ("plan_missing", "instructor_missing", "wearing_missing"):
        assert len(rows) == getattr(figures, slug)
    elif slug == "badge_entries":
        assert sum(sum(getattr(r, c) for c in figure.columns) for r in rows) == figures.badge_entries > 0
    elif slug == "pa_absent":
        assert sum(r.members_total - r.pa_participated for r in rows) == figures.pa_absent > 0
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
    second = refresh(dash.campaign, today=dash.as_of, full=True)
    third = refresh(dash.campaign, today=dash.as_of, full=True)
    after = queries.node_figures(scope(dash, people.province_lg, dash.province)).total.plan_approved
    assert after == before + 1
    assert set(Snapshot.objects.values_list("pk", flat=True)) == {second.pk, third.pk}
    assert not OrgFigures.objects.filter(snapshot=dash.snapshot).exists()


def test_a_running_refresh_is_not_started_twice(dash):
    running = Snapshot.objects.create(campaign=dash.campaign, as_of=dash.as_of)
    # a full refresh is running: no second one …
    assert refresh(dash.campaign, today=dash.as_of, full=True) is None
    # … but the live update of the latest finished snapshot goes on meanwhile (the figures stay current)
    live = refresh(dash.campaign, today=dash.as_of)
    assert live.pk == dash.snapshot.pk and live.refreshed_at is not None
    assert refresh(dash.campaign, today=dash.as_of, full=True, force=True).pk not in (running.pk, dash.snapshot.pk)


# --- 党员队伍: 党性分析 of every member, ratings, the 五个模范 -------------------------------------------------

MEMBERS = ["members_total", "pa_participated", "pa_written", "pa_reports", "members_rated"]
MEMBERS += ["rated_excellent", "rated_qualified", "rated_basic", "rated_unqualified", "models_assessed"]
MEMBERS += [f"model{n}_reached" for n in range(1, 6)]


@pytest.mark.parametrize(
    "node_name, numbers",
    [
        # members, took part, reports written (all), reports of the required, rated, 优秀 / 合格 / 基本合格 /
        # 不合格, assessed by the branch, reaching each of the 五个模范 — counted by hand from
        # tests/factories/dashboards.py and tests/dashboards/member_data.py
        ("province", (24, 11, 7, 5, 10, 4, 4, 1, 1, 6, 3, 3, 3, 3, 3)),
        ("city_a", (8, 4, 3, 2, 4, 2, 2, 0, 0, 2, 2, 1, 2, 1, 1)),
        ("city_b", (7, 4, 2, 1, 3, 1, 0, 1, 1, 2, 0, 0, 1, 1, 0)),
        ("city_c", (9, 3, 2, 2, 3, 1, 2, 0, 0, 2, 1, 2, 0, 1, 2)),
    ],
)
def test_member_figures_counted_by_hand(dash, people, node_name, numbers):
    """The definitions: participation is a recorded participation or a written report (once per member);
    reports of members not required to write count as written, not as required; ratings and assessments
    of this period only, counted for the organization on the row (a member rated by branch_a2 who moved
    to 邯郸 stays in 石家庄's figures); a draft or the member's own self-assessment is not the branch's
    assessment; a criterion is reached at the top level (满意)."""
    node = getattr(dash, node_name)
    figures = queries.node_figures(scope(dash, people.province_lg, node)).total
    assert tuple(figures[f] for f in MEMBERS) == numbers
    t = expected(dash, node)
    assert tuple(t[f] for f in MEMBERS) == numbers


def test_member_shares(dash, people):
    figures = queries.node_figures(scope(dash, people.province_lg, dash.province)).total
    assert str(figures.pa_participated_pct) == "45.8"  # 11 / 24
    assert str(figures.excellent_member_pct) == "40.0"  # 4 / 10
    assert str(figures.rated_pct("unqualified")) == "10.0"
    assert str(figures.model_pct(1)) == "50.0"  # 3 / 6


def test_the_period_follows_member_results_too(dash):
    """A period with only members' ratings (no tier yet) becomes the snapshot's period."""
    import datetime as dt

    from evaluations.models import MemberRating, Period

    later = Period.objects.create(
        name="2013年度", code="dash-2013", start_date=dt.date(2013, 1, 1), end_date=dt.date(2013, 12, 31)
    )
    member = dash.members[dash.branch_a][0]
    MemberRating.objects.create(
        period=later, member=member, org=member.org, org_path=member.org_path, level="excellent",
        rated_at=dash.as_of_dt,
    )  # fmt: skip
    snapshot = refresh(dash.campaign, today=max(dash.as_of, dt.date(2013, 6, 1)))
    assert (snapshot.period, snapshot.previous_period) == (later, dash.p_cur)


# --- 亮牌示范: the register's current entries and 佩戴党徽 ------------------------------------------------------

BADGES = ["badge_demo_household", "badge_vanguard_post", "badge_responsibility_area", "badge_model_post"]
BADGES += ["wearing_orgs", "wearing_members", "wearing_counted"]


@pytest.mark.parametrize(
    "node_name, sector, numbers",
    [
        # 示范户, 先锋岗, 责任区, 示范岗位 in force on the snapshot day; basic organizations with a 佩戴党徽 record up
        # to that day, members wearing and counted in their latest records — by hand, tests/dashboards/badge_data.py
        ("province", "", (3, 2, 3, 4, 6, 14, 22)),
        ("city_a", "", (1, 1, 1, 2, 2, 5, 8)),
        ("city_b", "", (1, 1, 0, 1, 2, 3, 6)),
        ("city_c", "", (1, 0, 2, 1, 2, 6, 8)),
        ("province", "school", (0, 1, 0, 2, 4, 5, 11)),
    ],
)
def test_badge_figures_counted_by_hand(dash, people, node_name, sector, numbers):
    """The definitions: an entry counts from its start date to its end date, both included (none ended the day
    before, none starting the day after); an inactive organization's entry or record never counts; 佩戴党徽 takes
    each basic organization's latest month up to the snapshot day (a record of the month after does not replace
    it, an old one still counts), and a township committee's record is not a basic organization's."""
    node = getattr(dash, node_name)
    figures = queries.node_figures(scope(dash, people.province_lg, node, sector=sector)).total
    assert tuple(figures[f] for f in BADGES) == numbers
    t = expected(dash, node, {sector} if sector else None)
    assert tuple(t[f] for f in BADGES) == numbers


def test_badge_shares(dash, people):
    figures = queries.node_figures(scope(dash, people.province_lg, dash.province)).total
    assert figures.badge_entries == 12
    assert str(figures.wearing_pct) == "63.6"  # 14 / 22
    assert str(figures.wearing_orgs_pct) == "60.0"  # 6 of 10 basic organizations
    assert figures.wearing_missing == 4  # branch_a3, branch_b (only a later month), c_community, c_soe
    empty = queries.node_figures(scope(dash, people.province_lg, dash.branch_b)).total
    assert empty.wearing_pct is None and empty.wearing_missing == 1


def test_a_general_branch_and_its_branch_each_count_their_own_record_once(dash, people):
    """The 党总支 records 2 of 4, its branch 1 of 2: the 党总支's node adds both records (3 / 6), each once — the
    total is a sum of what each basic organization recorded, not a count of distinct members."""
    nf = queries.node_figures(scope(dash, people.province_lg, dash.general))
    wearing = ("wearing_orgs", "wearing_members", "wearing_counted")
    assert tuple(nf.own[f] for f in wearing) == (1, 2, 4)
    assert [tuple(c.figures[f] for f in wearing) for c in nf.children] == [(1, 1, 2)]
    assert tuple(nf.total[f] for f in wearing) == (2, 3, 6)
    assert nf.own.badge_model_post == 1 and nf.total.badge_vanguard_post == 1


def test_badge_drill_down_and_sector_rows_add_up(dash, people):
    for node in (dash.province, dash.county_a, dash.town_a, dash.town_b):
        nf = queries.node_figures(scope(dash, people.province_lg, node))
        for f in BADGES:
            assert nf.own[f] + sum(c.figures[f] for c in nf.children) == nf.total[f], (node.name, f)
    town = queries.node_figures(scope(dash, people.province_lg, dash.town_a))
    assert town.own.badge_model_post == 1  # the township's own 示范岗位 is its own line (本级)
    assert town.own.wearing_orgs == town.own.wearing_counted == 0  # its record is not a basic organization's
    s = scope(dash, people.province_lg, dash.province)
    by_sector = {sector: figures for sector, _label, figures in queries.sector_rows(s)}
    total = queries.node_figures(s).total
    for f in BADGES:
        assert sum(figures[f] for figures in by_sector.values()) == total[f], f
    assert (by_sector["school"].badge_model_post, str(by_sector["school"].wearing_pct)) == (2, "45.5")  # 5 / 11
    assert by_sector[""].badge_model_post == 1  # the township committee's 示范岗位


@pytest.mark.parametrize("node_name", ["city_b", "city_c"])
def test_badge_figures_agree_with_the_registers_own_count(dash, people, node_name):
    """campaign.queries.badges.badge_counts counts the register directly (every organization of the subtree); where
    the subtree has no inactive organization and no record of a committee, both agree."""
    from campaign.queries.badges import badge_counts

    node = getattr(dash, node_name)
    figures = queries.node_figures(scope(dash, people.province_lg, node)).total
    counts = badge_counts(node.path, today=dash.as_of)
    assert {kind: figures[column] for kind, column in BADGE_FIELDS.items()} == counts["current"]
    assert figures.badge_entries == counts["current_total"]
    assert (figures.wearing_orgs, figures.wearing_members, figures.wearing_counted, figures.wearing_pct) == (
        counts["wearing_orgs"],
        counts["wearing"],
        counts["wearing_total"],
        counts["wearing_rate"],
    )


def test_badge_figures_follow_the_snapshot_day(dash, people):
    """On the first day of the next month: the 先锋岗 that ended on the old day is gone, the 责任区 that started the
    day after is in, and the records of the new month are the latest."""
    from tests.dashboards.truth import badges_truth, scope_orgs

    later = (dash.as_of.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    refresh(dash.campaign, today=later)
    for node in (dash.province, dash.city_a, dash.city_b, dash.general):
        figures = queries.node_figures(scope(dash, people.province_lg, node)).total
        orgs = scope_orgs(node)
        t = badges_truth(orgs, list(orgs), as_of=later)
        assert {f: figures[f] for f in BADGES} == t, node.name
    city_a = queries.node_figures(scope(dash, people.province_lg, dash.city_a)).total
    assert tuple(city_a[f] for f in BADGES) == (1, 0, 2, 2, 2, 6, 8)  # branch_a now 5 / 5 (month after)
    city_b = queries.node_figures(scope(dash, people.province_lg, dash.city_b)).total
    assert (city_b.wearing_orgs, city_b.wearing_members, city_b.wearing_counted) == (3, 6, 9)  # branch_b 3 / 3

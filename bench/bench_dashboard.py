"""Dashboard benchmark: the dashboard at the province root, a city and a county of the province-scale set.

    .venv/bin/python bench/bench_dashboard.py [--source portal_bench_province] [--database portal_bench_dash]
                                              [--rebuild] [--runs 30] [--warmups 3]

1. ``--database`` (default ``portal_bench_dash``) is a copy of the province-scale database built by
   bench/bench_pages.py (``CREATE DATABASE … TEMPLATE portal_bench_province``: 170,000 organizations,
   4,200,000 members), made once (``--rebuild`` makes it again). The source stays untouched.
2. The campaign, evaluations, awards and dashboards apps had no migrations when this was written, so the
   tables (and columns) the copy lacks — of those apps and of orgs (e.g. ``Member.college_official``) — are
   created from the current models with the schema editor; the copy exists for this bench only.
3. Campaign data is generated set-based (``INSERT … SELECT``), once per copy: a running copy of the seed
   campaign started 100 days ago (phase one's milestones are overdue), plans for 90% of the basic
   organizations (statuses from a hash of the id), commitments, three activity records per basic
   organization, 党性分析报告 for half of the in-service members, tiers of two periods, a round of
   nominations, rectification orders, reminders and milestones done; then (also once per copy) households,
   their services, 干群恳谈会, disputes, bulletins, guidance instructors and 大学生村官 (``generate_masses``).
4. The roll-ups are refreshed (``dashboards.services.refresh``, what the Celery task runs), timed and counted.
5. Pages are requested with django.test.Client as the provincial leading group (``sheng_ldxz``, DEBUG off):
   median and p95 server time over ``--runs`` requests after ``--warmups``, and the number of SQL queries.
6. The limit: the single raw SQL aggregate that computes the same plan-coverage figures for the node and its
   children straight from ``orgs_org`` and ``campaign_plan`` (``GROUP BY SUBSTR(path, 1, 4·(depth+1))``).

Target (issue 6): province root p95 under 200 ms, at most 2× a county's.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import benchdb  # noqa: E402  (bench/ is not a package: scripts run by path)

PG = benchdb.PG
TARGET_P95_MS = 200
TARGET_RATIO = 2.0
NODES = [("省（根）", "130000"), ("市 石家庄", "130100"), ("县 正定", "130123"), ("乡镇 正定镇", "130123100")]
USER = "sheng_ldxz"
APPS = ("orgs", "campaign", "evaluations", "awards", "dashboards")


def copy_database(source, target, rebuild):
    """A copy of ``source`` as ``target`` (only ever dropping a ``target`` the bench scripts created)."""
    if benchdb.exists(target) and not rebuild:
        if not benchdb.is_ours(target):
            benchdb._refuse(target)
        return False
    benchdb.create(target, purpose=f"copy of {source} for bench_dashboard", template=source)
    return True


def setup_django(database):
    os.environ["DATABASE_URL"] = f"{PG}/{database}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def ensure_schema() -> list[str]:
    """Create the tables and columns of APPS that the copy lacks; returns what was created."""
    from django.apps import apps
    from django.db import connection, transaction

    created = []
    existing = set(connection.introspection.table_names())
    with transaction.atomic(), connection.schema_editor() as editor:
        for label in APPS:
            for model in apps.get_app_config(label).get_models():
                table = model._meta.db_table
                if table not in existing:
                    editor.create_model(model)
                    existing.add(table)
                    created.append(table)
                    continue
                with connection.cursor() as cursor:
                    columns = {c.name for c in connection.introspection.get_table_description(cursor, table)}
                for field in model._meta.local_fields:
                    if field.column and field.column not in columns:
                        editor.add_field(model, field)
                        created.append(f"{table}.{field.column}")
    return created


def execute(sql, params=()):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def generate(today):
    """Campaign data for the whole province, set-based. Returns the campaign."""
    import datetime

    from django.db import transaction

    from awards.models import AwardCategory, AwardRound
    from campaign.models import Campaign, Milestone, Phase
    from campaign.seed import load_seed_campaign
    from campaign.services.timeline import copy_campaign
    from common.actors import SYSTEM
    from evaluations.models import Period
    from orgs.models import Org

    existing = Campaign.objects.filter(code="bench-dash").first()
    if existing is not None:
        return existing, {}
    seed = load_seed_campaign(Campaign, Phase, Milestone)
    counts = {}
    root = Org.objects.get(code="130000")
    with transaction.atomic():
        campaign = copy_campaign(
            seed, name="基准活动", code="bench-dash", start_date=today - datetime.timedelta(days=100), by=SYSTEM
        )
        c = campaign.pk
        start = campaign.start_date
        basic = "SELECT id, path, sector FROM orgs_org WHERE active AND level = 'basic'"
        counts["plans"] = execute(
            f"""INSERT INTO campaign_plan (campaign_id, org_id, theme, carriers, other_carriers, goals, measures,
                   rectification, commitments, status, revision, return_reason, created_at, updated_at)
                SELECT %s, o.id, '创先争优', '[]', '', '目标', '措施', '整改', '',
                   (ARRAY['approved','approved','approved','approved','approved','published','submitted',
                          'returned','draft'])[1 + o.id %% 9], 1, '', now(), now()
                FROM ({basic}) o WHERE o.id %% 10 <> 0""",
            [c],
        )
        counts["commitments"] = execute(
            f"""INSERT INTO campaign_commitment (campaign_id, org_id, content, status, fulfilment, created_at,
                   updated_at, published_at)
                SELECT %s, o.id, '承诺', CASE WHEN o.id %% 4 = 0 THEN 'draft' ELSE 'published' END,
                   (ARRAY['none','partial','done'])[1 + o.id %% 3], now(), now(), now()
                FROM ({basic}) o WHERE o.id %% 3 = 0""",
            [c],
        )
        counts["activities"] = execute(
            f"""INSERT INTO campaign_activityrecord (campaign_id, org_id, activity_type, date, title, description,
                   participant_count, created_at, updated_at)
                SELECT %s, o.id,
                   (ARRAY['party_education','post_dedication','serve_masses','badge_demo','org_innovation'])
                       [1 + (o.id + k) %% 5],
                   %s::date + ((o.id * 7 + k * 31) %% 95)::int, '活动', '', 10, now(), now()
                FROM ({basic}) o CROSS JOIN generate_series(1, 3) k""",
            [c, start],
        )
        counts["reports"] = execute(
            """INSERT INTO evaluations_partyanalysisreport (campaign_id, member_id, org_id, org_path, content, status,
                   review_comment, created_at, updated_at)
               SELECT %s, m.id, m.org_id, m.org_path, '党性分析',
                   (ARRAY['submitted','accepted','accepted','draft','returned'])[1 + m.id %% 5], '', now(), now()
               FROM orgs_member m WHERE m.category = 'in_service' AND m.id %% 2 = 0""",
            [c],
        )
        p_prev = Period.objects.create(
            name="基准上期", code="bench-prev", start_date=today - datetime.timedelta(days=730),
            end_date=today - datetime.timedelta(days=366),
        )  # fmt: skip
        p_cur = Period.objects.create(
            name="基准本期", code="bench-cur", start_date=today - datetime.timedelta(days=365),
            end_date=today - datetime.timedelta(days=1),
        )  # fmt: skip
        for period, shift in ((p_prev, 0), (p_cur, 1)):
            counts[f"tiers {period.code}"] = execute(
                f"""INSERT INTO evaluations_tier (org_id, period_id, computed, override_reason)
                    SELECT o.id, %s, (ARRAY['advanced','middle','middle','middle','backward'])[1 + (o.id + %s) %% 5], ''
                    FROM ({basic}) o WHERE o.id %% 7 <> 0""",
                [period.pk, shift],
            )
        award_round = AwardRound.objects.create(
            campaign=campaign, name="基准表彰", code="bench-round", kind="concentrated", owner_org=root,
            nomination_opens=today - datetime.timedelta(days=10), nomination_closes=today + datetime.timedelta(days=10),
            review_closes=today + datetime.timedelta(days=20), publicity_starts=today + datetime.timedelta(days=21),
            decision_date=today + datetime.timedelta(days=40),
        )  # fmt: skip
        category = AwardCategory.objects.create(award_round=award_round, code="advanced_org", nominee_kind="org")
        counts["nominations"] = execute(
            f"""INSERT INTO awards_nomination (award_round_id, category_id, nominee_org_id, nominee_name, unit, post,
                   nominating_org_id, origin_path, current_org_id, status, deeds, discipline_result, discipline_note,
                   removed_reason, created_at, updated_at)
                SELECT %s, %s, o.id, '推荐', '', '', o.id, o.path, o.id,
                   (ARRAY['pending','pending','rejected','shortlisted','publicity','approved','withdrawn'])
                       [1 + o.id %% 7], '事迹', '', '', '', now(), now()
                FROM ({basic}) o WHERE o.id %% 50 = 0""",
            [award_round.pk, category.pk],
        )
        counts["orders"] = execute(
            """INSERT INTO campaign_rectificationorder (org_id, issuer_org_id, issuer_role, problem, requirement,
                   deadline, status, reopen_reason, created_at, updated_at)
               SELECT o.id, %s, 'org_department', '工作不得力', '限期整改', %s::date + (o.id %% 30 - 15)::int,
                   (ARRAY['open','open','responded','verified','reopened'])[1 + o.id %% 5], '', now(), now()
               FROM orgs_org o WHERE o.active AND o.id %% 40 = 0""",
            [root.pk, today],
        )
        plan = campaign.milestones.get(code="plan")
        study = campaign.milestones.get(code="study")
        counts["milestones done"] = execute(
            """INSERT INTO campaign_milestonedone (milestone_id, org_id, org_path, done_at, note)
               SELECT %s, p.org_id, o.path, now(), '' FROM campaign_plan p JOIN orgs_org o ON o.id = p.org_id
               WHERE p.campaign_id = %s AND p.status IN ('approved', 'published')""",
            [plan.pk, c],
        )
        counts["milestones done"] += execute(
            f"""INSERT INTO campaign_milestonedone (milestone_id, org_id, org_path, done_at, note)
                SELECT %s, o.id, o.path, now(), '' FROM ({basic}) o WHERE o.id %% 2 = 0""",
            [study.pk],
        )
        counts["reminders"] = execute(
            f"""INSERT INTO campaign_reminderdelivery (milestone_id, org_id, "offset", audience, created_at, sent_at)
                SELECT %s, o.id, k, 'org', now(), now() FROM ({basic}) o CROSS JOIN (VALUES (7), (3), (1)) v(k)
                WHERE NOT EXISTS (SELECT 1 FROM campaign_milestonedone d WHERE d.milestone_id = %s AND d.org_id = o.id)
                ON CONFLICT DO NOTHING""",
            [plan.pk, plan.pk],
        )
    execute("ANALYZE")
    return campaign, counts


def generate_masses(campaign, today):
    """联系服务群众与基层治理 (issue 7), set-based and once per copy: three households for every basic organization
    of the rural and community sectors and every third other one (one in ten no longer contacted), up to three
    services each over the campaign's days, a 干群恳谈会 for every fifth basic organization, a dispute for every
    fourth (outcomes from a hash of the id), four bulletins per committee, a guidance instructor for every
    third basic organization and one member in 97 flagged 大学生村官. Returns the counts (empty when done)."""
    from django.db import transaction

    from masswork.models import Household
    from orgs.enums import Role
    from orgs.models import User

    if Household.objects.exists():
        return {}
    counts = {}
    start = campaign.start_date
    span = max(1, (today - start).days + 1)
    basic = "SELECT id, path, sector FROM orgs_org WHERE active AND level = 'basic'"
    with transaction.atomic():
        counts["households"] = execute(
            f"""INSERT INTO masswork_household (org_id, head_name, village, size, needs, phone, active, created_at,
                   updated_at)
                SELECT o.id, '户主' || k, '村', 1 + (o.id + k) %% 5, '', '', (o.id + k) %% 10 <> 0, now(), now()
                FROM ({basic}) o CROSS JOIN generate_series(1, 3) k
                WHERE o.sector IN ('rural', 'community') OR o.id %% 3 = 0"""
        )
        counts["services"] = execute(
            """INSERT INTO masswork_servicerecord (household_id, kind, date, content, outcome, created_at)
               SELECT h.id, (ARRAY['help','visit','solve'])[1 + (h.id + k) %% 3],
                   %s::date + ((h.id * 13 + k * 29) %% %s)::int, '走访慰问', '', now()
               FROM masswork_household h CROSS JOIN generate_series(1, 3) k WHERE (h.id + k) %% 4 <> 0""",
            [start, span],
        )
        counts["meetings"] = execute(
            f"""INSERT INTO masswork_massmeeting (org_id, date, place, attendance, masses_count, issues, responses,
                   created_at)
                SELECT o.id, %s::date + (o.id %% %s)::int, '村委会', 30, 20, '道路', '', now()
                FROM ({basic}) o WHERE o.id %% 5 = 0""",
            [start, span],
        )
        counts["disputes"] = execute(
            f"""INSERT INTO masswork_dispute (org_id, found_on, category, parties, summary, outcome, outcome_note,
                   created_at, updated_at)
                SELECT o.id, %s::date + ((o.id * 7) %% %s)::int, 'neighbor', '村民甲与邻居乙', '宅基地边界',
                   (ARRAY['resolved','resolved','escalated','unresolved',''])[1 + o.id %% 5], '', now(), now()
                FROM ({basic}) o WHERE o.id %% 4 = 0""",
            [start, span],
        )
        counts["bulletins"] = execute(
            """INSERT INTO campaign_bulletin (issuer_org_id, masthead, editor, report_to, status, year, number,
                   issue_date, created_at, updated_at)
               SELECT o.id, '创先争优活动简报', o.name || '创先争优活动领导小组办公室', '', 'issued',
                   EXTRACT(YEAR FROM %s::date + LEAST(k * 20, %s - 1))::int, k, %s::date + LEAST(k * 20, %s - 1),
                   now(), now()
               FROM orgs_org o CROSS JOIN generate_series(1, 4) k WHERE o.active AND o.level <> 'basic'""",
            [start, span, start, span],
        )
        guide = User.objects.create(username="bench_guide", full_name="党建工作指导员")
        counts["instructor assignments"] = execute(
            f"""INSERT INTO orgs_roleassignment (user_id, org_id, role, sector, created_at)
                SELECT %s, o.id, %s, '', now() FROM ({basic}) o WHERE o.id %% 3 = 0""",
            [guide.pk, Role.INSTRUCTOR],
        )
        counts["大学生村官"] = execute("UPDATE orgs_member SET college_official = TRUE WHERE id %% 97 = 0")
    for table in ("masswork_household", "masswork_servicerecord", "masswork_massmeeting", "masswork_dispute"):
        execute(f"ANALYZE {table}")
    execute("ANALYZE campaign_bulletin")
    execute("ANALYZE orgs_roleassignment")
    execute("ANALYZE orgs_member")
    return counts


def measure(client, path, runs, warmups, expect):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmups):
        response = client.get(path)
        if response.status_code != 200 or (expect and expect not in response.content.decode()):
            raise SystemExit(f"{path}: status {response.status_code} or text {expect!r} missing")
    with CaptureQueriesContext(connection) as ctx:
        client.get(path)
    queries = len(ctx.captured_queries)
    times, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return stats(times) | {"queries": queries, "cpu": statistics.median(cpu), "kb": len(response.content) / 1024}


class Statements:
    """Every SQL statement of a block, with its time (``connection.execute_wrapper``)."""

    def __init__(self):
        self.rows = []

    def __call__(self, execute_, sql, params, many, context):
        t = time.perf_counter()
        try:
            return execute_(sql, params, many, context)
        finally:
            self.rows.append((sql, time.perf_counter() - t))

    def summary(self, top=6) -> str:
        by_kind = {}
        for sql, seconds in self.rows:
            kind = sql.split(None, 1)[0].upper()
            n, s = by_kind.get(kind, (0, 0.0))
            by_kind[kind] = (n + 1, s + seconds)
        kinds = ", ".join(f"{k} {n} / {s:.1f} s" for k, (n, s) in by_kind.items())
        slow = sorted(self.rows, key=lambda row: -row[1])[:top]
        lines = "\n".join(f"    {seconds:6.2f} s  {' '.join(sql.split())[:150]}" for sql, seconds in slow)
        cpu = ""
        if getattr(self, "cpu", None):
            backend, python, before, after = self.cpu
            cpu = (
                f"CPU: PostgreSQL backend {backend:.1f} s, Python {python:.1f} s; "
                f"load average {before:.1f} → {after:.1f}; "
            )
        return f"{cpu}{len(self.rows)} statements ({kinds}); slowest:\n{lines}"


def backend_cpu_seconds() -> float:
    """CPU seconds (user + system) of this connection's PostgreSQL backend process, read from /proc (the server
    runs on this machine): the refresh's work is done there, not in Python."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed_refresh(campaign, **kwargs):
    from django.db import connection

    from dashboards.services import refresh

    statements = Statements()
    load, cpu = os.getloadavg()[0], backend_cpu_seconds()
    python = time.process_time()
    started = time.perf_counter()
    with connection.execute_wrapper(statements):
        snapshot = refresh(campaign, **kwargs)
    seconds = time.perf_counter() - started
    statements.cpu = (backend_cpu_seconds() - cpu, time.process_time() - python, load, os.getloadavg()[0])
    return snapshot, seconds, statements


def differences(a, b) -> dict:
    """Rows of snapshot ``a`` not in ``b`` and of ``b`` not in ``a`` (figures, series, own series), compared in
    SQL over every column but the ids."""
    from django.db import connection

    from dashboards.models import COUNT_FIELDS

    tables = {
        "figures": ("dashboards_orgfigures", ["org_id", "kind", "sector", "path", "depth", *COUNT_FIELDS], ""),
        "series": ("dashboards_orgseries", ["org_id", "sector", "family", "key1", "key2", "value"], "AND value <> 0"),
        "own series": ("dashboards_ownseries", ["org_id", "sector", "family", "key1", "key2", "value"], ""),
    }
    out = {}
    with connection.cursor() as cursor:
        for label, (table, columns, extra) in tables.items():
            cols = ", ".join(f'"{c}"' for c in columns)
            n = 0
            for x, y in ((a, b), (b, a)):
                cursor.execute(
                    f"SELECT count(*) FROM (SELECT {cols} FROM {table} WHERE snapshot_id = %s {extra} "  # noqa: S608
                    f"EXCEPT ALL SELECT {cols} FROM {table} WHERE snapshot_id = %s {extra}) d",
                    [x.pk, y.pk],
                )
                n += cursor.fetchone()[0]
            out[label] = n
    return out


def live_updates(campaign, snapshot, runs) -> list[str]:
    """The live update (issue 14): nothing changed (``runs`` times), then 50 plans approved, 200 activity records
    added across the province, one activity moved to another month and one nomination to another stage; each time
    the in-place update's seconds and changed organizations. Then a full refresh of the same data: the snapshot
    updated in place must hold exactly its rows (compared in SQL), and the root's plan coverage the raw aggregate."""
    from django.contrib.auth import get_user_model

    from awards.models import Nomination
    from campaign.models import ActivityRecord, Plan
    from dashboards import queries
    from orgs.enums import OrgLevel
    from orgs.models import Org

    out = [f"full refresh: {snapshot.seconds:.1f} s (snapshot {snapshot.pk})"]
    for n in range(runs):
        s, seconds, statements = timed_refresh(campaign)
        assert s.pk == snapshot.pk, "a live update wrote a new snapshot"
        out.append(f"live update {n + 1}, nothing changed: {seconds:.1f} s, {s.changed_orgs} organizations")
    if runs:
        out.append("  last one: " + statements.summary())
    drafts = Plan.objects.filter(campaign=campaign, status="draft").order_by("pk").values_list("pk", flat=True)[:50]
    Plan.objects.filter(pk__in=list(drafts)).update(status="approved")
    basic = Org.objects.filter(active=True, level=OrgLevel.BASIC).order_by("pk").values_list("pk", flat=True)
    step = max(1, basic.count() // 200)
    today = snapshot.as_of
    ActivityRecord.objects.bulk_create(
        [
            ActivityRecord(
                campaign=campaign,
                org_id=org_id,
                activity_type="party_education",
                date=today,
                title="学习",
                participant_count=10,
            )
            for org_id in list(basic[::step])[:200]
        ]
    )
    moved = ActivityRecord.objects.filter(campaign=campaign).order_by("pk").first()
    ActivityRecord.objects.filter(pk=moved.pk).update(date=moved.date - datetime.timedelta(days=31))
    nomination = Nomination.objects.filter(award_round=snapshot.award_round, status="pending").order_by("pk").first()
    if nomination is not None:
        Nomination.objects.filter(pk=nomination.pk).update(status="shortlisted")
    s, seconds, statements = timed_refresh(campaign)
    out.append(
        f"live update after 50 plans approved + 200 activity records + 1 activity moved + 1 nomination forwarded: "
        f"{seconds:.1f} s, {s.changed_orgs} organizations, snapshot {s.pk} (same: {s.pk == snapshot.pk}), "
        f"revision {s.revision}"
    )
    out.append("  " + statements.summary())
    full, seconds, statements = timed_refresh(campaign, full=True, force=True)
    out.append(
        f"full refresh of the same data: {seconds:.1f} s (visible after {full.seconds:.1f} s), "
        + statements.summary(top=10)
    )
    diff = differences(s, full)
    out.append(
        "live-updated snapshot vs full refresh, rows differing: " + ", ".join(f"{k} {v}" for k, v in diff.items())
    )
    assert not any(diff.values()), "the live update differs from a full refresh"
    root = Org.objects.get(code="130000")
    limit = raw_plan_coverage(campaign, root, 1)
    user = get_user_model().objects.get(username=USER)
    shown = queries.node_figures(queries.scope_for(user, "130000", campaign=campaign)).total
    assert (shown.plan_required, shown.plan_approved) == (limit["required"], limit["approved"]), "live update wrong"
    out.append(f"root plan coverage = raw aggregate: {shown.plan_approved:,} / {shown.plan_required:,}")
    return out


def stats(times):
    times = sorted(times)
    return {"median": statistics.median(times), "p95": times[max(0, int(round(0.95 * len(times))) - 1)]}


def raw_plan_coverage(campaign, node, runs):
    """The limit: one raw SQL aggregate of plan coverage for the node's children, straight from the data."""
    from django.db import connection

    width = len(node.path) + 4
    sql = """
        SELECT SUBSTR(o.path, 1, %s) AS child, COUNT(*) AS required,
               COUNT(p.id) FILTER (WHERE p.status IN ('approved', 'published')) AS approved
        FROM orgs_org o LEFT JOIN campaign_plan p ON p.org_id = o.id AND p.campaign_id = %s
        WHERE o.path LIKE %s AND o.active AND o.level = 'basic'
        GROUP BY 1"""
    params = [width, campaign.pk, node.path + "%"]
    times = []
    with connection.cursor() as cursor:
        for n in range(runs + 2):
            started = time.perf_counter()
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            if n >= 2:
                times.append((time.perf_counter() - started) * 1000)
    return stats(times) | {"rows": len(rows), "required": sum(r[1] for r in rows), "approved": sum(r[2] for r in rows)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", default="portal_bench_province")
    parser.add_argument("--database", default="portal_bench_dash")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmups", type=int, default=3)
    parser.add_argument("--skip-refresh", action="store_true", help="measure the latest snapshot as it is")
    parser.add_argument("--live-runs", type=int, default=5, help="live updates timed with nothing changed")
    args = parser.parse_args()

    started = time.monotonic()
    if copy_database(args.source, args.database, args.rebuild):
        print(f"copied {args.source} → {args.database} in {time.monotonic() - started:.0f} s", flush=True)
    setup_django(args.database)
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from dashboards import queries
    from dashboards.models import OrgFigures, OrgSeries, OwnSeries
    from dashboards.services import latest_snapshot
    from orgs.models import Member, Org, User

    call_command("migrate", verbosity=0)  # this branch's migrations the source may lack (on the copy only)
    created = ensure_schema()
    if created:
        print(f"created {len(created)} tables/columns from the current models", flush=True)
    today = timezone.localdate()
    t0 = time.monotonic()
    campaign, counts = generate(today)
    if counts:
        print(f"generated in {time.monotonic() - t0:.0f} s: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    t0 = time.monotonic()
    counts = generate_masses(campaign, today)
    if counts:
        print(
            f"generated (issue 7) in {time.monotonic() - t0:.0f} s: "
            + ", ".join(f"{k} {v:,}" for k, v in counts.items())
        )

    print(
        f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} / {os.getloadavg()[1]:.1f}", flush=True
    )
    snapshot = latest_snapshot(campaign)
    if not args.skip_refresh or snapshot is None:
        snapshot, seconds, statements = timed_refresh(campaign, force=True, full=True)
        print(
            f"refresh: {seconds:.1f} s (the new snapshot visible after {snapshot.seconds:.1f} s; then the oldest "
            f"dropped and the statistics refreshed), "
            + statements.summary(top=10)
            + f"\nrows: {OrgFigures.objects.filter(snapshot=snapshot).count():,} figures, "
            f"{OrgSeries.objects.filter(snapshot=snapshot).count():,} series, "
            f"{OwnSeries.objects.filter(snapshot=snapshot).count():,} own series",
            flush=True,
        )
    print(f"data: {Org.objects.count():,} organizations, {Member.objects.count():,} members", flush=True)
    live = live_updates(campaign, snapshot, args.live_runs)

    user = User.objects.get(username=USER)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    results = []
    for label, code in NODES:
        node = Org.objects.get(code=code)
        page = measure(client, f"/dashboards/{code}/", args.runs, args.warmups, "数据看板")
        limit = raw_plan_coverage(campaign, node, args.runs)
        scope = queries.scope_for(user, code, campaign=campaign)
        shown = queries.node_figures(scope).total
        assert (shown.plan_required, shown.plan_approved) == (limit["required"], limit["approved"]), (
            "the dashboard's plan coverage differs from the raw aggregate"
        )
        results.append((label, code, node, page, limit, shown))
    extra = []
    for label, path, expect in [
        ("省 按领域", "/dashboards/130000/sectors/", "按领域"),
        ("省 逾期事项最多", "/dashboards/130000/lagging/", "逾期"),
        ("省 未审批方案名单 第1页", "/dashboards/130000/list/plan_missing/", "实施方案尚未审批"),
        ("省 30天未联系户名单 第1页", "/dashboards/130000/list/households_no_contact/", "30天未联系的联系户"),
        ("省 联系服务记录 xlsx", "/dashboards/130000/xlsx/services/", ""),
        ("省 下级 xlsx", "/dashboards/130000/xlsx/children/", ""),
    ]:
        extra.append((label, path, measure(client, path, args.runs, args.warmups, expect)))

    print()
    print(
        "| 节点 | 下级数 | 方案覆盖（已审批/应制定） | 看板 中位 ms | 看板 p95 ms | SQL 条数 "
        "| 原始 SQL 聚合 中位 ms | 原始 SQL p95 ms | CPU 中位 ms | KB |"
    )
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for label, _code, _node, page, limit, shown in results:
        print(
            f"| {label} | {limit['rows']:,} | {shown.plan_approved:,} / {shown.plan_required:,} | "
            f"{page['median']:.1f} | {page['p95']:.1f} | {page['queries']} | "
            f"{limit['median']:.1f} | {limit['p95']:.1f} | {page['cpu']:.1f} | {page['kb']:.0f} |"
        )
    for label, path, page in extra:
        print(
            f"| {label} (`{path}`) | | | {page['median']:.1f} | {page['p95']:.1f} | {page['queries']} | | | "
            f"{page['cpu']:.1f} | {page['kb']:.0f} |"
        )
    print()
    for line in live:
        print(line)
    print(f"load average at the end: {os.getloadavg()[0]:.1f} / {os.getloadavg()[1]:.1f}")
    root, county = results[0][3], results[2][3]
    ratio = root["p95"] / county["p95"]
    ok = root["p95"] < TARGET_P95_MS and ratio <= TARGET_RATIO
    print()
    print(
        f"province root p95 {root['p95']:.1f} ms (target < {TARGET_P95_MS}), root/county p95 {ratio:.2f} "
        f"(target ≤ {TARGET_RATIO}): {'met' if ok else 'NOT met'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Tier benchmark: the tier of every basic-level organization of the province-scale set, every source present.

    .venv/bin/python bench/bench_tiers.py [--source portal_bench_province] [--keep]
                                          [--inside DATABASE [--allow-unmarked]]
                                          [--peers 2] [--mass-sheets 5] [--batch 5000]

1. The database: by default this run's own copy of ``--source`` (bench/benchdb.py ``Scratch``: a unique name,
   ``CREATE DATABASE … TEMPLATE``, marked, migrated, dropped at the end unless ``--keep``); the source is never
   written. ``--inside DATABASE`` works inside an existing database instead (everything below is rolled
   back); a database without the bench mark is refused unless ``--allow-unmarked``.
2. Inside ONE transaction that is rolled back at the end it loads the province criteria sets, creates two
   periods and a province-wide weighting for the period (自评 20, 上级 40, 党员评议 10, 群众 30: every source
   counts), and generates for every basic organization, set-based (``INSERT … SELECT``):
   a submitted self-assessment, a submitted superior assessment, ``--peers`` submitted peer assessments
   (五个好, five criteria each, levels from a hash of the assessment), and a closed mass batch with
   ``--mass-sheets`` answer sheets of five answers each. Scores are computed in SQL.
3. Times ``compute_tiers(period)`` over the whole tree (first: every row inserted; again: the update path),
   SQL statements counted and timed by kind with ``connection.execute_wrapper``.
4. **Floor**: the same computation as one SQL statement — the four aggregates over the same rows, the
   weighted combination and the tier rule in SQL, and the same number of rows upserted into evaluations_tier
   (for a third period, so that the rows do not meet) — no Python at all: what the database alone needs to
   read every answer and write every tier. The ratio compute_tiers / floor is printed; the floor's tiers are
   compared with compute_tiers' (they must agree).
5. Adds a previous period's tiers and times the 晋档升级 figures over the province.

Target (issue 14): ≤ 120 s with every source present; the ratio to the floor says what is left to gain.
"""

import argparse
import os
import sys
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import benchdb  # noqa: E402  (bench/ is not a package: scripts run by path)

PG = benchdb.PG
PREFIX = "portal_bench_tiers"
# Province-wide weights of the bench period: every source counts (the defaults give 党员评议 0).
WEIGHTS = {"self": 20, "superior": 40, "peer": 10, "mass": 30}
TARGET_SECONDS = 120


class Rollback(Exception):
    pass


def setup_django(database: str):
    os.environ["DATABASE_URL"] = f"{PG}/{database}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


class StatementLog:
    """Counts SQL statements and sums their time per kind (SELECT, INSERT, UPDATE …)."""

    def __init__(self):
        self.count = 0
        self.seconds = defaultdict(float)
        self.counts = defaultdict(int)

    def __call__(self, execute, sql, params, many, context):
        kind = sql.lstrip().split(None, 1)[0].upper()
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.counts[kind] += 1
            self.seconds[kind] += time.perf_counter() - start


@contextmanager
def logging_statements():
    from django.db import connection

    log = StatementLog()
    with connection.execute_wrapper(log):
        yield log


def generate_assessments(period, criteria_set, peers: int) -> tuple[int, int]:
    """A submitted self and superior assessment and ``peers`` peer assessments per basic organization."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO evaluations_assessment (period_id, target, org_id, org_path, member_id, source,
                criteria_set_id, author_id, status, comment, score, submitted_at, created_at, updated_at)
            SELECT %s, 'org', o.id, o.path, NULL, s.source, %s, NULL, 'submitted', '', NULL, now(), now(), now()
            FROM orgs_org o
            CROSS JOIN (SELECT 'self' UNION ALL SELECT 'superior'
                        UNION ALL SELECT 'peer' FROM generate_series(1, %s)) AS s(source)
            WHERE o.level = 'basic' AND o.active
            """,
            [period.pk, criteria_set.pk, peers],
        )
        assessments = cursor.rowcount
        # Levels from a hash of (assessment, criterion): about 45 % 满意, 35 % 比较满意, 18 % 基本满意,
        # 2 % 不满意; the superior is a little stricter than the self-assessment.
        cursor.execute(
            """
            INSERT INTO evaluations_assessmentscore (assessment_id, criterion_id, level, points, comment)
            SELECT a.id, c.id, l.key, l.score, ''
            FROM evaluations_assessment a
            JOIN evaluations_criterion c ON c.criteria_set_id = a.criteria_set_id
            CROSS JOIN LATERAL (
                SELECT greatest(((a.id * 7919 + c."order" * 104729) %% 100)
                                - CASE a.source WHEN 'self' THEN 10 ELSE 0 END, 0) AS h
            ) AS r
            JOIN (VALUES ('satisfied', 100, 0, 45), ('fairly', 80, 45, 80), ('basically', 60, 80, 98),
                         ('unsatisfied', 0, 98, 100)) AS l(key, score, lo, hi)
              ON r.h >= l.lo AND r.h < l.hi
            WHERE a.period_id = %s
            """,
            [period.pk],
        )
        scores = cursor.rowcount
        cursor.execute(
            """
            UPDATE evaluations_assessment a SET score = s.score
            FROM (SELECT assessment_id, round(avg(points), 2) AS score
                  FROM evaluations_assessmentscore GROUP BY assessment_id) AS s
            WHERE s.assessment_id = a.id AND a.period_id = %s
            """,
            [period.pk],
        )
    return assessments, scores


def generate_mass(period, criteria_set, sheets: int) -> tuple[int, int]:
    """A closed mass batch per basic organization with ``sheets`` answer sheets (one answer per criterion)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO evaluations_massbatch (period_id, target, org_id, org_path, criteria_set_id, title,
                tokens_per_target, token_count, opens_at, closes_at, public_base_url, status, sheet,
                created_by_id, created_at)
            SELECT %s, 'org', o.id, o.path, %s, '', %s, %s, now() - interval '30 days', now() - interval '1 day',
                   '', 'ready', '', NULL, now()
            FROM orgs_org o WHERE o.level = 'basic' AND o.active
            """,
            [period.pk, criteria_set.pk, sheets, sheets],
        )
        batches = cursor.rowcount
        cursor.execute(
            """
            INSERT INTO evaluations_massanswer (id, batch_id, member_id, criterion_id, level)
            SELECT gen_random_uuid(), b.id, NULL, c.id,
                   CASE WHEN h < 50 THEN 'satisfied' WHEN h < 80 THEN 'fairly'
                        WHEN h < 96 THEN 'basically' ELSE 'unsatisfied' END
            FROM evaluations_massbatch b
            JOIN evaluations_criterion c ON c.criteria_set_id = b.criteria_set_id
            CROSS JOIN generate_series(1, %s) AS sheet(n)
            CROSS JOIN LATERAL (SELECT (b.org_id * 7919 + sheet.n * 31 + c."order" * 104729) %% 100 AS h) AS r
            WHERE b.period_id = %s
            """,
            [sheets, period.pk],
        )
        answers = cursor.rowcount
    return batches, answers


FLOOR_SQL = """
WITH self AS (
    SELECT org_id, max(score) AS s FROM evaluations_assessment
    WHERE period_id = %(period)s AND target = 'org' AND source = 'self' AND status = 'submitted'
      AND score IS NOT NULL GROUP BY org_id
), superior AS (
    SELECT a.org_id, max(a.score) AS s, min(x.points) AS low
    FROM evaluations_assessment a LEFT JOIN evaluations_assessmentscore x ON x.assessment_id = a.id
    WHERE a.period_id = %(period)s AND a.target = 'org' AND a.source = 'superior' AND a.status = 'submitted'
      AND a.score IS NOT NULL GROUP BY a.org_id
), peer AS (
    SELECT org_id, round(avg(score), 2) AS s FROM evaluations_assessment
    WHERE period_id = %(period)s AND target = 'org' AND source = 'peer' AND status = 'submitted'
      AND score IS NOT NULL GROUP BY org_id
), mass_criterion AS (
    SELECT b.org_id, c.weight,
           avg(CASE m.level WHEN 'satisfied' THEN 100 WHEN 'fairly' THEN 80 WHEN 'basically' THEN 60
                            WHEN 'unsatisfied' THEN 0 END) AS s
    FROM evaluations_massanswer m
    JOIN evaluations_massbatch b ON b.id = m.batch_id
    JOIN evaluations_criterion c ON c.id = m.criterion_id
    WHERE b.period_id = %(period)s AND b.target = 'org'
    GROUP BY b.org_id, c.id, c.weight
), mass AS (
    SELECT org_id, round(sum(weight * s) / sum(weight), 2) AS s FROM mass_criterion GROUP BY org_id
), combined AS (
    SELECT o.id AS org_id, self.s AS self_s, superior.s AS superior_s, peer.s AS peer_s, mass.s AS mass_s,
           superior.low,
           round((coalesce(%(w_self)s * self.s, 0) + coalesce(%(w_superior)s * superior.s, 0)
                  + coalesce(%(w_peer)s * peer.s, 0) + coalesce(%(w_mass)s * mass.s, 0))
                 / nullif((CASE WHEN self.s IS NULL THEN 0 ELSE %(w_self)s END)
                        + (CASE WHEN superior.s IS NULL THEN 0 ELSE %(w_superior)s END)
                        + (CASE WHEN peer.s IS NULL THEN 0 ELSE %(w_peer)s END)
                        + (CASE WHEN mass.s IS NULL THEN 0 ELSE %(w_mass)s END), 0), 2) AS score
    FROM orgs_org o
    LEFT JOIN self ON self.org_id = o.id LEFT JOIN superior ON superior.org_id = o.id
    LEFT JOIN peer ON peer.org_id = o.id LEFT JOIN mass ON mass.org_id = o.id
    WHERE o.active AND coalesce(self.s, superior.s, peer.s, mass.s) IS NOT NULL
)
INSERT INTO evaluations_tier (org_id, period_id, computed, score, self_score, superior_score, peer_score,
                              mass_score, lowest_level_score, computed_at, override_reason)
SELECT org_id, %(floor_period)s,
       CASE WHEN score < 60 OR low <= 0 THEN 'backward'
            WHEN score >= 85 AND low >= 80 THEN 'advanced' ELSE 'middle' END,
       score, self_s, superior_s, peer_s, mass_s, low, now(), ''
FROM combined
ON CONFLICT (org_id, period_id) DO UPDATE SET
    computed = excluded.computed, score = excluded.score, self_score = excluded.self_score,
    superior_score = excluded.superior_score, peer_score = excluded.peer_score, mass_score = excluded.mass_score,
    lowest_level_score = excluded.lowest_level_score, computed_at = excluded.computed_at
"""


def floor(period, floor_period) -> int:
    from django.db import connection

    params = {"period": period.pk, "floor_period": floor_period.pk, **{f"w_{k}": v for k, v in WEIGHTS.items()}}
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL, params)
        return cursor.rowcount


def floor_disagreements(period, floor_period) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM evaluations_tier t FULL JOIN evaluations_tier f
              ON f.org_id = t.org_id AND f.period_id = %s
            WHERE (t.period_id = %s OR t.period_id IS NULL) AND (f.period_id = %s OR f.period_id IS NULL)
              AND (t.computed IS DISTINCT FROM f.computed OR t.score IS DISTINCT FROM f.score)
            """,
            [floor_period.pk, period.pk, floor_period.pk],
        )
        return cursor.fetchone()[0]


def previous_tiers(period, previous) -> int:
    """The previous period's tiers, shifted by a hash so that some organizations move up and down."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO evaluations_tier (org_id, period_id, computed, score, computed_at, override_reason)
            SELECT t.org_id, %s,
                   CASE WHEN (t.org_id * 31) %% 10 < 7 THEN t.computed
                        WHEN t.computed = 'advanced' THEN 'middle'
                        WHEN t.computed = 'middle' THEN 'backward'
                        ELSE 'middle' END,
                   t.score, now(), ''
            FROM evaluations_tier t WHERE t.period_id = %s
            """,
            [previous.pk, period.pk],
        )
        return cursor.rowcount


def timed(fn):
    with logging_statements() as log:
        start = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - start
    return result, elapsed, log


def describe(log: StatementLog) -> str:
    parts = [f"{kind} {log.counts[kind]} × → {log.seconds[kind]:.1f} s" for kind in sorted(log.counts)]
    return ", ".join(parts)


def run(database: str, args, *, migrate: bool) -> int:
    setup_django(database)
    import datetime

    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Count

    from evaluations.enums import Target, TierLevel
    from evaluations.models import CriteriaSet, Criterion, Period, SourceWeights, Tier
    from evaluations.seed import load_seed_criteria
    from evaluations.services.tiers import compute_tiers
    from orgs.enums import OrgLevel, Role
    from orgs.models import Org, RoleAssignment, User

    if migrate:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"migrate (pending migrations of the copy): {time.perf_counter() - started:.0f} s", flush=True)
    print(
        f"database {database}: {Org.objects.count():,} organizations, "
        f"{Org.objects.filter(level=OrgLevel.BASIC).count():,} basic-level",
        flush=True,
    )
    load = lambda: " / ".join(f"{x:.1f}" for x in os.getloadavg())  # noqa: E731
    failed = False
    try:
        with transaction.atomic():
            load_seed_criteria(CriteriaSet, Criterion)
            five_good = CriteriaSet.objects.get(code="five-good", owner_org=None, period=None)
            periods = [
                Period.objects.create(
                    name=f"{year}年度（基准 {benchdb.RUN}）",
                    code=f"bench-{year}-{benchdb.RUN}",
                    start_date=datetime.date(year, 1, 1),
                    end_date=datetime.date(year, 11, 7),
                )
                for year in (2011, 2012, 2013)
            ]
            previous, period, floor_period = periods
            root = Org.objects.get(depth=1)
            SourceWeights.objects.create(
                owner_org=root,
                period=period,
                target=Target.ORG,
                **{f"{source}_weight": weight for source, weight in WEIGHTS.items()},
            )
            start = time.perf_counter()
            assessments, scores = generate_assessments(period, five_good, args.peers)
            batches, answers = generate_mass(period, five_good, args.mass_sheets)
            print(
                f"generated {assessments:,} assessments (self, superior, {args.peers} peer per organization) with "
                f"{scores:,} criterion scores, {batches:,} mass batches with {answers:,} answers "
                f"in {time.perf_counter() - start:.1f} s (INSERT … SELECT, not part of the figure)",
                flush=True,
            )
            with connection.cursor() as cursor:
                for table in ("assessment", "assessmentscore", "massbatch", "massanswer"):
                    cursor.execute(f"ANALYZE evaluations_{table}")

            print(f"load average before compute_tiers: {load()}", flush=True)
            result, first, log1 = timed(lambda: compute_tiers(period, batch_size=args.batch))
            print(f"compute_tiers (insert): {first:.1f} s, {log1.count} SQL statements ({describe(log1)})")
            print(f"  result: {result}")
            sql = sum(log1.seconds.values())
            print(f"  SQL {sql:.1f} s, Python (combine, build rows) {first - sql:.1f} s; load average {load()}")
            result2, second, log2 = timed(lambda: compute_tiers(period, batch_size=args.batch))
            print(f"compute_tiers (again, update path): {second:.1f} s, {log2.count} SQL statements ({describe(log2)})")
            assert result2 == result
            counted = dict(Tier.objects.filter(period=period).values_list("computed").annotate(n=Count("id")))
            assert counted.get(TierLevel.ADVANCED, 0) == result["advanced"], (counted, result)
            with_all = Tier.objects.filter(
                period=period,
                self_score__isnull=False,
                superior_score__isnull=False,
                peer_score__isnull=False,
                mass_score__isnull=False,
            ).count()
            print(f"  organizations with all four sources: {with_all:,} of {result['orgs']:,}")

            floor_rows, floor_s, _log = timed(lambda: floor(period, floor_period))
            floor_again, floor2_s, _log = timed(lambda: floor(period, floor_period))
            differ = floor_disagreements(period, floor_period)
            print(
                f"floor (one SQL statement: the same aggregates, combination, tier rule and upsert): "
                f"{floor_s:.1f} s (insert), {floor2_s:.1f} s (update); {floor_rows:,} rows; "
                f"tiers or scores differing from compute_tiers: {differ}; load average {load()}"
            )
            print(f"ratio compute_tiers / floor: {first / floor_s:.2f} (insert), {second / floor2_s:.2f} (update)")

            moved = previous_tiers(period, previous)
            user = User.objects.create(username=f"bench-tiers-ldxz-{benchdb.RUN}", full_name="基准领导小组")
            RoleAssignment.objects.create(user=user, org=root, role=Role.LEADING_GROUP)
            from evaluations.queries import scoring as q

            tiers = q.scope_tiers(user, root).exclude(period=floor_period)
            figures = [
                ("shares per period", lambda: q.tier_shares(tiers)),
                ("per city", lambda: q.breakdown_by_child(tiers.filter(period=period), root)),
                ("per sector", lambda: q.breakdown_by_sector(tiers.filter(period=period))),
                ("movement matrix", lambda: q.movement_matrix(tiers, previous, period)),
                ("moved up, page 1", lambda: list(q.movement_list(tiers, previous, period, "up")[:30])),
            ]
            print(f"previous period: {moved:,} tiers; 晋档升级 figures over the province:")
            for label, fn in figures:
                value, seconds, log = timed(fn)
                print(f"  {label}: {seconds * 1000:.0f} ms, {log.count} SQL statement(s)")
            verdict = "met" if first < TARGET_SECONDS else "NOT met"
            print(f"target ≤ {TARGET_SECONDS} s: {verdict} ({first:.1f} s); machine {os.cpu_count()} cores")
            failed = first >= TARGET_SECONDS or differ != 0
            raise Rollback
    except Rollback:
        print("rolled back: no benchmark data left behind")
    finally:
        connection.close()
    return 1 if failed else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", default="portal_bench_province", help="template database (never written)")
    parser.add_argument("--inside", metavar="DATABASE", help="run inside this existing database (rolled back)")
    parser.add_argument("--allow-unmarked", action="store_true", help="--inside a database without the bench mark")
    parser.add_argument("--keep", action="store_true", help="keep this run's copy (its name is printed)")
    parser.add_argument("--peers", type=int, default=2, help="peer assessments per organization")
    parser.add_argument("--mass-sheets", type=int, default=5, help="mass answer sheets per organization")
    parser.add_argument("--batch", type=int, default=5000)
    args = parser.parse_args()
    if args.inside:
        benchdb.require_existing(args.inside, allow=args.allow_unmarked, flag="--allow-unmarked")
        sys.exit(run(args.inside, args, migrate=False))
    if not benchdb.exists(args.source):
        raise SystemExit(f"{args.source} 不存在：请先运行 bench/bench_pages.py --scales province 构建省级数据集")
    started = time.perf_counter()
    with benchdb.Scratch(
        PREFIX, purpose=f"bench_tiers, copy of {args.source}", template=args.source, keep=args.keep
    ) as name:
        print(f"{name}: copy of {args.source} made in {time.perf_counter() - started:.0f} s", flush=True)
        code = run(name, args, migrate=True)
    sys.exit(code)


if __name__ == "__main__":
    main()

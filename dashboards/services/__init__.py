"""Refreshing the dashboard roll-ups: a fixed number of set-based SQL statements, whatever the scale.

"省委成立创先争优活动领导小组……了解活动进展情况，研究解决遇到的问题" (seed, part 五): the leading groups see
the figures of their whole subtree at once. Counting 4.2 million members or 170,000 organizations on every
page view is too slow for the province root, so a Celery task (``dashboards.tasks.refresh_dashboards``,
scheduled by CELERY_BEAT_SCHEDULE and started from the page) writes a snapshot:

1. **own rows** — one ``INSERT … SELECT`` over the active organizations, each ``LEFT JOIN``-ed to one
   ``GROUP BY org`` aggregate per source (plans, commitments, members, 党性分析 participation and reports,
   members' ratings and the 五个模范 of the branch's assessments in this period, activity
   records, tiers of this and the last period, nominations of the current round, rectification orders,
   reminders sent, milestones done; households and their services, 干群恳谈会, disputes, bulletins,
   guidance instructors, 大学生村官; the 亮牌示范 register's current entries and the latest 佩戴党徽);
   applicability of milestones is evaluated in SQL on the organization's level, kind and sector
   (``Milestone.applies_q``).
2. **tree rows** — one ``INSERT … SELECT`` that joins every own row to each of its ancestors by path prefix
   (``SUBSTR(path, 1, 4·k)`` for k = 1 … max depth) and sums per ancestor and sector.
3. **series** — one ``INSERT … SELECT`` per family with a second dimension (activities per type and month,
   tiers per period, nominations per category and stage, services to households per kind and month), grouped
   per ancestor the same way.

All statements are built from ORM querysets (``query.sql_with_params()``) glued with portable SQL composed by
``common.sql.compose``, so they run on SQLite (tests, the embedded default) and PostgreSQL alike. Readers only see
finished snapshots.

Modules: ``setting`` (what a snapshot is about), ``sources`` (the per-organization aggregates), ``statements``
(the INSERT … SELECT of a refresh), ``live`` (the live update in place), ``snapshots`` (refresh, full refresh,
the latest snapshot).
"""

from .live import NeedsFullRefresh, update_snapshot
from .rollup import insert_series, insert_tree_rows
from .setting import current_periods, current_round
from .snapshots import drop_old_snapshots, full_refresh, is_running, latest_snapshot, refresh
from .statements import applies_sql, insert_own_rows, insert_own_series

__all__ = [
    "NeedsFullRefresh",
    "applies_sql",
    "current_periods",
    "current_round",
    "drop_old_snapshots",
    "full_refresh",
    "insert_own_rows",
    "insert_own_series",
    "insert_series",
    "insert_tree_rows",
    "is_running",
    "latest_snapshot",
    "refresh",
    "update_snapshot",
]

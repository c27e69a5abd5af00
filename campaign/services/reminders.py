"""The daily reminders: milestones due in 7, 3 and 1 days, and overdue ones.

"各级党组织要……加强督促检查，及时发现和解决问题" (seed, part 五). DESIGN.md "Reminders": for each milestone due in
7, 3 and 1 days (and overdue), each organization that has not done it gets one reminder per (milestone, org,
offset); overdue work also tells the superior's 组织部.

How "exactly once" is kept, whatever happens:

1. **Decide** — per (milestone, offset, audience) one ``INSERT … SELECT … ON CONFLICT DO NOTHING`` over the
   applicable organizations without a ``MilestoneDone``. The unique key (milestone, org, offset, audience) decides:
   a re-run, a retried task or a second beat process inserts nothing new. New rows have ``sent_at`` NULL.
2. **Notify** — every delivery row with ``sent_at`` NULL, from this run or left behind by a run that died between
   deciding and notifying, is *claimed* (``UPDATE … SET sent_at = now WHERE sent_at IS NULL … RETURNING``) in the
   same transaction that creates its inbox messages and outgoing e-mail/SMS rows. Commit → notified once; crash →
   rolled back, still NULL, the next run notifies it. Two processes never claim the same row (the second waits on
   the row locks, then finds ``sent_at`` set). E-mail/SMS tasks are enqueued after the commit, 200 ids per task.

On PostgreSQL the organizations' reminders take one pass: per (milestone, offset) ONE statement (data-modifying
CTEs) inserts the new delivery rows already sent, joins their recipients and writes the inbox and outgoing rows,
in one transaction — a crash leaves neither rows nor messages, and the next run decides them again; a second
run meets the unique key and writes nothing. Step 2 then only finds rows left unsent by older runs (one statement
per group as well). Elsewhere (SQLite) decide and notify are the two steps above, the rows claimed in chunks of
5,000 with one recipient query and two bulk inserts per chunk. Recipients are the ``secretary`` and
``org_department`` users holding a role on the organization itself. Send jobs: ``jobs.enqueue_many`` (one INSERT,
one callback after the commit). Province-scale figures: bench/README.md, 提醒. Overdue work also goes to
the superior's 组织部: the ``org_department`` users of the nearest proper ancestor that has any — one
summary message per such user and milestone (not one per organization), while the delivery rows stay one per
(milestone, org). A reminder is stale-safe: an organization that did the milestone between deciding and
notifying gets nothing.
"""

import datetime
from collections import Counter, defaultdict

from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.sql import Fragment, compose
from orgs.enums import Role
from orgs.models import Org, RoleAssignment

from ..enums import Channel
from ..models import Campaign, Milestone, MilestoneDone, Notification, OutgoingMessage, ReminderDelivery
from .delivery import queue_messages

OFFSETS = (7, 3, 1)
OVERDUE = ReminderDelivery.OVERDUE
# Overdue reminders are decided for milestones due at most this many days ago (a beat outage of up to a month
# loses nothing; an organization created long after a deadline is not told about it).
OVERDUE_WINDOW_DAYS = 30
CHUNK = 5000
ENQUEUE_BATCH = 200
ORG_ROLES = (Role.SECRETARY, Role.ORG_DEPARTMENT)
Audience = ReminderDelivery.Audience


def milestones_to_remind(campaign: Campaign, today: datetime.date) -> list[tuple[Milestone, int]]:
    """(milestone, offset) pairs due today: in exactly 7, 3 or 1 days, or overdue (within the window)."""
    due_days = {today + datetime.timedelta(days=n): n for n in OFFSETS}
    rows = campaign.milestones.filter(reminders=True).filter(
        Q(due_date__in=list(due_days))
        | Q(due_date__lt=today, due_date__gte=today - datetime.timedelta(days=OVERDUE_WINDOW_DAYS))
    )
    return [(m, due_days.get(m.due_date, OVERDUE)) for m in rows.select_related("campaign")]


# The delivery table and its key columns, for common.sql.compose.
DELIVERY = {
    "table": ReminderDelivery._meta.db_table,
    "milestone": "milestone_id",
    "org": "org_id",
    "offset": "offset",
    "audience": "audience",
}


def _insert_undone(milestone: Milestone, offset: int, audience: str, *, sent: bool) -> tuple[Fragment, list]:
    """``INSERT`` of one delivery row per applicable organization that has not done the milestone, skipping the
    rows that exist (the unique key); ``sent``: the rows are born notified (``sent_at`` now), for the caller that
    notifies them in the same statement."""
    done = MilestoneDone.objects.filter(milestone=milestone, org=OuterRef("pk"))
    orgs = Org.objects.filter(milestone.applies_q()).filter(~Exists(done)).order_by().values(org_ref=F("pk"))
    select_sql, select_params = orgs.query.sql_with_params()
    # "WHERE 1=1" keeps SQLite from reading ON CONFLICT as part of the SELECT's join.
    sql = compose(
        "INSERT INTO {table} ({milestone}, {org}, {offset}, {audience}, {created}, {sent}) "
        "SELECT %s, sub.{org_ref}, %s, %s, %s, %s FROM ({select}) sub WHERE 1=1 "
        "ON CONFLICT ({milestone}, {org}, {offset}, {audience}) DO NOTHING",
        **DELIVERY,
        created="created_at",
        sent="sent_at",
        org_ref="org_ref",
        select=Fragment(select_sql),
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    return sql, [milestone.pk, offset, audience, now, now if sent else None, *select_params]


def decide(milestone: Milestone, offset: int, audience: str) -> int:
    """Insert one delivery row per applicable organization that has not done the milestone; returns how many
    rows are new. One statement, set-based; the unique key makes it idempotent."""
    sql, params = _insert_undone(milestone, offset, audience, sent=False)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def _claim(milestone_id: int, offset: int, audience: str, after_id: int) -> list[tuple[int, int]]:
    """Mark up to CHUNK unsent deliveries of one group as sent; returns their (id, org_id). Inside a transaction."""
    skip_locked = " FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else ""
    sql = compose(
        "UPDATE {table} SET {sent} = %s WHERE {sent} IS NULL AND {id} IN ("
        "SELECT {id} FROM {table} WHERE {milestone} = %s AND {offset} = %s "
        "AND {audience} = %s AND {sent} IS NULL AND {id} > %s "
        "ORDER BY {id} LIMIT %s{skip_locked}"
        ") RETURNING {id}, {org}",
        **DELIVERY,
        sent="sent_at",
        id="id",
        skip_locked=Fragment(skip_locked),
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(sql, [now, milestone_id, offset, audience, after_id, CHUNK])
        return sorted(cursor.fetchall())


def _texts(milestone: Milestone, org_name: str, today: datetime.date) -> tuple[str, str]:
    values = {
        "org": org_name,
        "campaign": milestone.campaign.name,
        "milestone": milestone.name,
        "due": milestone.due_date.isoformat(),
        "days": (milestone.due_date - today).days,
    }
    if milestone.due_date < today:
        title = _("逾期提醒：“%(milestone)s”已超过完成时限") % values
        body = _("%(org)s：%(campaign)s的节点任务“%(milestone)s”应于%(due)s前完成，至今尚未登记完成，请尽快办理。")
    elif milestone.due_date == today:
        title = _("到期提醒：“%(milestone)s”今天到期") % values
        body = _("%(org)s：%(campaign)s的节点任务“%(milestone)s”应于%(due)s前完成，目前尚未登记完成，请抓紧办理。")
    else:
        title = _("提醒：“%(milestone)s”还有%(days)d天到期") % values
        body = _("%(org)s：%(campaign)s的节点任务“%(milestone)s”应于%(due)s前完成，目前尚未登记完成，请抓紧办理。")
    return title, body % values


def _messages_for(user_id, email, mobile, title, body, delivery_id) -> list[OutgoingMessage]:
    out = []
    if email:
        out.append(
            OutgoingMessage(
                channel=Channel.EMAIL,
                recipient=email,
                user_id=user_id,
                subject=title,
                body=body,
                delivery_id=delivery_id,
            )
        )
    if mobile:
        out.append(
            OutgoingMessage(
                channel=Channel.SMS,
                recipient=mobile,
                user_id=user_id,
                subject=title,
                body=body,
                delivery_id=delivery_id,
            )
        )
    return out


def _enqueue_after_commit(message_ids: list[int]) -> None:
    """Send jobs (common.jobs) for the messages, in their transaction; published after the commit."""
    queue_messages(message_ids, batch=ENQUEUE_BATCH)


def _save(notes: list[Notification], messages: list[OutgoingMessage], stats: Counter) -> list[int]:
    Notification.objects.bulk_create(notes, batch_size=1000)
    created = OutgoingMessage.objects.bulk_create(messages, batch_size=1000)
    stats["notifications"] += len(notes)
    stats["messages"] += len(created)
    return [m.pk for m in created]


def _notify_org(milestone: Milestone, offset: int, today: datetime.date, stats: Counter, *, tell: bool) -> None:
    """Claim the group's unsent deliveries; tell each organization's secretary and 组织部."""
    if tell and connection.vendor == "postgresql":
        claimed = _claim_all(milestone, offset)
        _enqueue_after_commit(_notify_org_in_one_statement(milestone, today, stats, source=claimed))
        return
    url = reverse("campaign:timeline_campaign", args=[milestone.campaign.code])
    done = MilestoneDone.objects.filter(milestone=milestone, org=OuterRef("org_id"))
    message_ids: list[int] = []
    last_id = 0
    while claimed := _claim(milestone.pk, offset, Audience.ORG, last_id):
        last_id = claimed[-1][0]
        stats["deliveries_notified"] += len(claimed)
        if not tell:
            continue
        delivery_of = {org_id: pk for pk, org_id in claimed}
        recipients = (
            RoleAssignment.objects.filter(
                org_id__in=list(delivery_of), role__in=ORG_ROLES, user__is_active=True, org__active=True
            )
            .filter(~Exists(done))
            .order_by("org_id", "user_id")
            .values_list("org_id", "org__name", "user_id", "user__email", "user__mobile")
            .distinct()
        )
        notes, messages = [], []
        for org_id, org_name, user_id, email, mobile in recipients:
            title, body = _texts(milestone, org_name, today)
            notes.append(Notification(user_id=user_id, title=title, body=body, url=url))
            messages += _messages_for(user_id, email, mobile, title, body, delivery_of[org_id])
        message_ids += _save(notes, messages, stats)
    _enqueue_after_commit(message_ids)


def _claim_all(milestone: Milestone, offset: int) -> tuple[Fragment, list]:
    """The group's unsent deliveries marked sent (``RETURNING id, org_id``)."""
    sql = compose(
        "UPDATE {table} SET {sent} = %s WHERE {milestone} = %s AND {offset} = %s AND {audience} = %s "
        "AND {sent} IS NULL RETURNING {id}, {org}",
        **DELIVERY,
        sent="sent_at",
        id="id",
    )
    return sql, [timezone.now(), milestone.pk, offset, Audience.ORG]


def _decide_and_notify_org(milestone: Milestone, offset: int, today: datetime.date, stats: Counter) -> None:
    """PostgreSQL: decide and notify in ONE statement — the new delivery rows are born sent and their inbox and
    outgoing rows are written with them, so a crash leaves neither (the next run decides again) and no second pass
    over the rows is needed to claim them. A row another run inserted first is skipped by the unique key."""
    insert, params = _insert_undone(milestone, offset, Audience.ORG, sent=True)
    source = (Fragment(insert + " RETURNING id, org_id"), params)
    before = stats["deliveries_notified"]
    _enqueue_after_commit(_notify_org_in_one_statement(milestone, today, stats, source=source))
    stats["deliveries_created"] += stats["deliveries_notified"] - before


def _notify_org_in_one_statement(
    milestone: Milestone, today: datetime.date, stats: Counter, *, source: tuple[Fragment, list]
) -> list:
    """PostgreSQL: look up recipients and write inbox and outgoing rows for the deliveries ``source`` returns
    (``_claim_all``: the unsent rows claimed; ``_decide_and_notify_org``: the rows decided now) — one statement
    (data-modifying CTEs).

    The claim is an UPDATE … WHERE sent_at IS NULL: a concurrent run blocks on the same rows and, once this one
    commits, finds them claimed. Returns the ids of the outgoing messages to enqueue after the commit.
    """
    source_sql, source_params = source
    marker = "\x00org\x00"
    title, body = _texts(milestone, marker, today)
    body_sql = " || o.name || ".join(["%s"] * len(body.split(marker)))
    url = reverse("campaign:timeline_campaign", args=[milestone.campaign.code])
    now = timezone.now()
    tables = {
        "delivery": ReminderDelivery._meta.db_table,
        "org": Org._meta.db_table,
        "role": RoleAssignment._meta.db_table,
        "user": RoleAssignment._meta.get_field("user").related_model._meta.db_table,
        "done": MilestoneDone._meta.db_table,
        "note": Notification._meta.db_table,
        "message": OutgoingMessage._meta.db_table,
    }
    sql = compose(
        """
        WITH claimed AS ({source}), recipients AS (
            SELECT DISTINCT c.id AS delivery_id, ra.user_id, u.email, u.mobile, {body} AS body
            FROM claimed c
            JOIN {org} o ON o.id = c.org_id AND o.active
            JOIN {role} ra ON ra.org_id = c.org_id AND ra.role IN (%s, %s)
            JOIN {user} u ON u.id = ra.user_id AND u.is_active
            WHERE NOT EXISTS (SELECT 1 FROM {done} d WHERE d.milestone_id = %s AND d.org_id = c.org_id)
        ), notes AS (
            INSERT INTO {note} (user_id, title, body, url, created_at)
            SELECT user_id, %s, body, %s, %s FROM recipients
        ), messages AS (
            INSERT INTO {message} (channel, recipient, user_id, subject, body, delivery_id, status, attempts,
                                        last_error, created_at)
            SELECT %s, email, user_id, %s, body, delivery_id, %s, 0, '', %s FROM recipients WHERE email <> ''
            UNION ALL
            SELECT %s, mobile, user_id, %s, body, delivery_id, %s, 0, '', %s FROM recipients WHERE mobile <> ''
            RETURNING id
        )
        SELECT 'message', id FROM messages
        UNION ALL SELECT 'claimed', count(*) FROM claimed
        UNION ALL SELECT 'notified', count(*) FROM recipients
        """,
        body=Fragment(body_sql),
        source=source_sql,
        **tables,
    )
    pending = OutgoingMessage.Status.PENDING
    params = [
        *source_params,
        *body.split(marker), *ORG_ROLES, milestone.pk,
        title, url, now,
        Channel.EMAIL, title, pending, now,
        Channel.SMS, title, pending, now,
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    message_ids = [value for kind, value in rows if kind == "message"]
    counts = {kind: value for kind, value in rows if kind != "message"}
    stats["deliveries_notified"] += counts.get("claimed", 0)
    stats["notifications"] += counts.get("notified", 0)
    stats["messages"] += len(message_ids)
    return message_ids


def _org_department_by_path() -> dict[str, list[tuple[int, str, str]]]:
    """Every active 组织部 account by the path of its node (a few hundred rows at province scale)."""
    by_path = defaultdict(list)
    rows = RoleAssignment.objects.filter(role=Role.ORG_DEPARTMENT, org__active=True, user__is_active=True)
    for path, user_id, email, mobile in rows.values_list("org__path", "user_id", "user__email", "user__mobile"):
        by_path[path].append((user_id, email, mobile))
    return by_path


def _nearest_superior(path: str, by_path: dict) -> list:
    for end in range(len(path) - Org.steplen, 0, -Org.steplen):
        users = by_path.get(path[:end])
        if users:
            return users
    return []


def _notify_superior(milestone: Milestone, today: datetime.date, stats: Counter, by_path, *, tell: bool) -> None:
    """Overdue: one summary per superior 组织部 user and milestone, for all its organizations claimed here."""
    done = MilestoneDone.objects.filter(milestone=milestone, org=OuterRef("pk"))
    per_user: dict[int, dict] = {}
    last_id = 0
    while claimed := _claim(milestone.pk, OVERDUE, Audience.SUPERIOR, last_id):
        last_id = claimed[-1][0]
        stats["superior_deliveries_notified"] += len(claimed)
        if not tell:
            continue
        orgs = (
            Org.objects.filter(pk__in=[org_id for _pk, org_id in claimed])
            .filter(~Exists(done))
            .order_by("path")
            .values_list("path", "name")
        )
        for path, name in orgs:
            for user_id, email, mobile in _nearest_superior(path, by_path):
                entry = per_user.setdefault(user_id, {"email": email, "mobile": mobile, "n": 0, "names": []})
                entry["n"] += 1
                if len(entry["names"]) < 3:
                    entry["names"].append(name)
    if not per_user:
        return
    url = reverse("campaign:milestone_orgs", args=[milestone.pk])
    notes, messages = [], []
    for user_id, entry in per_user.items():
        values = {
            "milestone": milestone.name,
            "due": milestone.due_date.isoformat(),
            "n": entry["n"],
            "names": "、".join(entry["names"]),
        }
        title = _("下级组织逾期：“%(milestone)s”") % values
        body = _("您所辖的%(n)d个组织未在%(due)s前完成“%(milestone)s”（如%(names)s），请督促办理。") % values
        notes.append(Notification(user_id=user_id, title=title, body=body, url=url))
        messages += _messages_for(user_id, entry["email"], entry["mobile"], title, body, None)
    _enqueue_after_commit(_save(notes, messages, stats))


def notify_pending(today: datetime.date, stats: Counter) -> None:
    """Notify every delivery not yet notified, group by group, each group in one transaction."""
    groups = list(
        ReminderDelivery.objects.filter(sent_at__isnull=True)
        .order_by()
        .values_list("milestone_id", "offset", "audience")
        .distinct()
    )
    if not groups:
        return
    milestones = Milestone.objects.select_related("campaign").in_bulk({g[0] for g in groups})
    by_path = _org_department_by_path() if any(g[2] == Audience.SUPERIOR for g in groups) else {}
    for milestone_id, offset, audience in sorted(groups):
        milestone = milestones[milestone_id]
        # A campaign that ended meanwhile: the rows are closed, nobody is told about finished work.
        tell = milestone.campaign.is_running(today)
        with transaction.atomic():
            if audience == Audience.SUPERIOR:
                _notify_superior(milestone, today, stats, by_path, tell=tell)
            else:
                _notify_org(milestone, offset, today, stats, tell=tell)


def run_daily_reminders(today: datetime.date | None = None) -> dict:
    """Decide and send today's reminders for every running campaign; safe to run any number of times."""
    today = today or timezone.localdate()
    stats = Counter()
    for campaign in Campaign.objects.filter(start_date__lte=today, end_date__gte=today):
        stats["campaigns"] += 1
        for milestone, offset in milestones_to_remind(campaign, today):
            stats["milestones"] += 1
            if connection.vendor == "postgresql" and campaign.is_running(today):
                with transaction.atomic():
                    _decide_and_notify_org(milestone, offset, today, stats)
            else:
                stats["deliveries_created"] += decide(milestone, offset, Audience.ORG)
            if offset == OVERDUE:
                stats["superior_deliveries_created"] += decide(milestone, OVERDUE, Audience.SUPERIOR)
    notify_pending(today, stats)
    return {"day": today.isoformat(), **stats}

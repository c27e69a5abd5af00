"""The daily reminders: milestones due in 7, 3 and 1 days, and overdue ones — one digest per recipient and day.

"各级党组织要……加强督促检查，及时发现和解决问题" (seed, part 五). DESIGN.md "Reminders": for each milestone due in
7, 3 and 1 days (and overdue), each organization that has not done it gets one reminder per (milestone, org,
offset); overdue work also tells the superior's 组织部.

**One digest per recipient and day** (the lead's decision, issue 14): the reminders are decided one per
(milestone, organization, offset) — the stored ``ReminderDelivery`` rows, the exact dedup key — but they are
*told* as one inbox message, one e-mail and one SMS per recipient and run, listing that day's reminders (title,
due date, days left or overdue, link; campaign.services.digest has the texts and the SMS's length rule). A
secretary with 16 milestones due gets one message, not 16. A reminder already decided at that offset is not
decided again, so a second run the same day adds nothing and sends nothing; a later day's digest lists only the
reminders newly decided that day. Each e-mail/SMS row points at the first reminder it lists (``delivery``).

How "exactly once" is kept, whatever happens:

1. **Decide** — per (milestone, offset, audience) an ``INSERT … SELECT … ON CONFLICT DO NOTHING`` over the
   applicable organizations without a ``MilestoneDone``. The unique key (milestone, org, offset, audience) decides:
   a re-run, a retried task or a second beat process inserts nothing new. New rows have ``sent_at`` NULL.
2. **Notify** — every organization delivery row with ``sent_at`` NULL, from this run or left behind by a run that
   died between deciding and notifying, is *claimed* (``UPDATE … SET sent_at = now WHERE sent_at IS NULL …
   RETURNING``) in the same transaction that writes the digests and their outgoing e-mail/SMS rows. Commit →
   notified once; crash → rolled back, still NULL, the next run notifies it. Two processes never claim the same
   row (the second waits on the row locks, then finds ``sent_at`` set). E-mail/SMS jobs are enqueued after the
   commit, 200 ids per job (``jobs.enqueue_many``: one INSERT, one callback).

On PostgreSQL the whole day's organization reminders are ONE statement in one transaction (data-modifying
CTEs): the new delivery rows of every (milestone, offset) due are inserted already sent (one ``INSERT … SELECT …
UNION ALL …``), the rows older runs left unsent are claimed, their recipients joined, one digest per recipient
aggregated and the inbox and outgoing rows written — a crash leaves neither rows nor messages (the next run
decides them again); a second run meets the unique key and writes nothing. Elsewhere (SQLite) decide and notify
are the two steps above, the rows claimed in chunks of 5,000 with one recipient query per chunk, the digests
written with two bulk inserts at the end. Recipients are the ``secretary`` and ``org_department`` users holding a
role on the organization itself. Province-scale figures: bench/README.md, 提醒.

Overdue work also goes to the superior's 组织部: the ``org_department`` users of the nearest proper ancestor that
has any — one summary message per such user and day, a line per overdue milestone with how many of its
organizations (not one message per organization or milestone), while the delivery rows stay one per
(milestone, org). A reminder is stale-safe: an organization that did the milestone between deciding
and notifying gets nothing. Rows of a campaign that is no longer running are closed without telling anyone.
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
from . import digest as texts_of
from .delivery import queue_messages

OFFSETS = (7, 3, 1)
OVERDUE = ReminderDelivery.OVERDUE
# Overdue reminders are decided for milestones due at most this many days ago (a beat outage of up to a month
# loses nothing; an organization created long after a deadline is not told about it).
OVERDUE_WINDOW_DAYS = 30
CHUNK = 5000
ENQUEUE_BATCH = 200
# PostgreSQL: memory for the one statement's sorts and aggregates (SET LOCAL: this transaction only).
WORK_MEM = "256MB"
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


def _select_undone(milestone: Milestone, offset: int, audience: str, *, sent: bool) -> tuple[Fragment, list]:
    """``SELECT`` of the delivery row's values for each applicable organization that has not done the milestone;
    ``sent``: the rows are born notified (``sent_at`` now), for the caller that notifies them in the same
    statement."""
    done = MilestoneDone.objects.filter(milestone=milestone, org=OuterRef("pk"))
    orgs = Org.objects.filter(milestone.applies_q()).filter(~Exists(done)).order_by().values(org_ref=F("pk"))
    select_sql, select_params = orgs.query.sql_with_params()
    sql = compose(
        "SELECT %s, sub.{org_ref}, %s, %s, %s, %s FROM ({select}) sub", org_ref="org_ref", select=Fragment(select_sql)
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    return sql, [milestone.pk, offset, audience, now, now if sent else None, *select_params]


def _insert(selects: list[tuple[Fragment, list]]) -> tuple[Fragment, list]:
    """``INSERT`` of the rows the ``selects`` give (``UNION ALL``), skipping the rows that exist (the unique key)."""
    # "WHERE 1=1" keeps SQLite from reading ON CONFLICT as part of the SELECT's join.
    union = " UNION ALL ".join(f"{sql} WHERE 1=1" for sql, _params in selects)
    sql = compose(
        "INSERT INTO {table} ({milestone}, {org}, {offset}, {audience}, {created}, {sent}) {union} "
        "ON CONFLICT ({milestone}, {org}, {offset}, {audience}) DO NOTHING",
        **DELIVERY,
        created="created_at",
        sent="sent_at",
        union=Fragment(union),
    )
    return sql, [param for _sql, params in selects for param in params]


def decide(milestone: Milestone, offset: int, audience: str) -> int:
    """Insert one delivery row per applicable organization that has not done the milestone; returns how many
    rows are new. One statement, set-based; the unique key makes it idempotent."""
    sql, params = _insert([_select_undone(milestone, offset, audience, sent=False)])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def _claim(after_id: int, audience: str, milestone_id: int | None = None) -> list[tuple[int, int, int]]:
    """Mark up to CHUNK unsent deliveries (of one audience, and milestone if given) as sent; returns their
    (id, org_id, milestone_id) in id order. Inside a transaction."""
    skip_locked = " FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else ""
    sql = compose(
        "UPDATE {table} SET {sent} = %s WHERE {sent} IS NULL AND {id} IN ("
        "SELECT {id} FROM {table} WHERE {audience} = %s AND {sent} IS NULL AND {id} > %s "
        "AND (%s IS NULL OR {milestone} = %s) ORDER BY {id} LIMIT %s{skip_locked}"
        ") RETURNING {id}, {org}, {milestone}",
        **DELIVERY,
        sent="sent_at",
        id="id",
        skip_locked=Fragment(skip_locked),
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    params = [now, audience, after_id, milestone_id, milestone_id, CHUNK]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return sorted(cursor.fetchall())


def _messages_for(user_id, email, mobile, title, body, delivery_id, *, sms=None) -> list[OutgoingMessage]:
    """An e-mail and a text message (``sms``: its own shorter text), for the addresses the user has."""
    channels = ((Channel.EMAIL, email, body), (Channel.SMS, mobile, body if sms is None else sms))
    return [
        OutgoingMessage(
            channel=channel, recipient=recipient, user_id=user_id, subject=title, body=text, delivery_id=delivery_id
        )
        for channel, recipient, text in channels
        if recipient
    ]


def _enqueue_after_commit(message_ids: list[int]) -> None:
    """Send jobs (common.jobs) for the messages, in their transaction; published after the commit."""
    queue_messages(message_ids, batch=ENQUEUE_BATCH)


def _save(notes: list[Notification], messages: list[OutgoingMessage], stats: Counter) -> list[int]:
    Notification.objects.bulk_create(notes, batch_size=1000)
    created = OutgoingMessage.objects.bulk_create(messages, batch_size=1000)
    stats["notifications"] += len(notes)
    stats["messages"] += len(created)
    return [m.pk for m in created]


def _item_texts(today: datetime.date) -> dict[int, texts_of.ItemText]:
    """The digest texts of every milestone of the campaigns running today (a pending row of a campaign that has
    ended has none: it is closed without telling)."""
    milestones = Milestone.objects.filter(campaign__start_date__lte=today, campaign__end_date__gte=today)
    return texts_of.item_texts(list(milestones.select_related("campaign")), today)


def _notify_org(today: datetime.date, stats: Counter, texts: dict) -> None:
    """Claim every unsent organization delivery in chunks; one digest per recipient (inside a transaction)."""
    per_user: dict[int, dict] = {}
    last_id = 0
    while claimed := _claim(last_id, Audience.ORG):
        last_id = claimed[-1][0]
        stats["deliveries_notified"] += len(claimed)
        claimed = [row for row in claimed if row[2] in texts]
        if not claimed:
            continue
        org_ids = {org_id for _pk, org_id, _m in claimed}
        done = set(
            MilestoneDone.objects.filter(org_id__in=org_ids, milestone_id__in={m for _pk, _o, m in claimed})
            .order_by()
            .values_list("milestone_id", "org_id")
        )
        recipients = defaultdict(list)
        rows = (
            RoleAssignment.objects.filter(
                org_id__in=list(org_ids), role__in=ORG_ROLES, user__is_active=True, org__active=True
            )
            .order_by("org_id", "user_id")
            .values_list("org_id", "org__name", "user_id", "user__email", "user__mobile")
            .distinct()
        )
        for org_id, *recipient in rows:
            recipients[org_id].append(recipient)
        for pk, org_id, milestone_id in claimed:
            if (milestone_id, org_id) in done:
                continue
            for org_name, user_id, email, mobile in recipients[org_id]:
                entry = per_user.setdefault(user_id, {"email": email, "mobile": mobile, "items": {}})
                entry["items"].setdefault((milestone_id, org_id), (pk, org_name))
    notes, messages = [], []
    for user_id, entry in per_user.items():
        items = sorted(entry["items"].items(), key=lambda item: (texts[item[0][0]].rank, item[0][1]))
        title, body, sms, url = texts_of.digest([(texts[m], name) for (m, _org), (_pk, name) in items])
        notes.append(Notification(user_id=user_id, title=title, body=body, url=url))
        first_delivery = items[0][1][0]
        messages += _messages_for(user_id, entry["email"], entry["mobile"], title, body, first_delivery, sms=sms)
    _enqueue_after_commit(_save(notes, messages, stats))


def _decide_and_notify_org(due: list[tuple[Milestone, int]], today: datetime.date, stats: Counter, texts) -> None:
    """PostgreSQL: the day's organization reminders in ONE statement (data-modifying CTEs) — the new delivery rows
    of every (milestone, offset) due born sent, the rows older runs left unsent claimed (``UPDATE … WHERE sent_at
    IS NULL``: a concurrent run blocks on them and, once this one commits, finds them claimed), one digest per
    recipient, its inbox row and its e-mail/SMS rows. A row another run inserted first is skipped by the unique
    key. The message ids are enqueued after the commit."""
    if due:
        new, new_params = _insert([_select_undone(m, offset, Audience.ORG, sent=True) for m, offset in due])
        new = Fragment(new + " RETURNING id, milestone_id, org_id")
    else:
        new, new_params = compose("SELECT id, milestone_id, org_id FROM {table} WHERE false", **DELIVERY), []
    items = sorted(texts.values(), key=lambda t: t.rank)
    columns = (
        "line_before",
        "line_after",
        "title",
        "many_before",
        "many_after",
        "short",
        "url",
    )
    sms_before, sms_after, more_before, more_after = texts_of.sms_parts()
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
        WITH new AS ({new}), old AS (
            UPDATE {delivery} SET sent_at = %s WHERE audience = %s AND sent_at IS NULL
            RETURNING id, milestone_id, org_id
        ), claimed AS (
            SELECT * FROM new UNION ALL SELECT * FROM old
        ), ranks AS (
            SELECT * FROM unnest(%s::bigint[], %s::int[]) AS r(milestone_id, rank)
        ), txt AS (
            SELECT %s::text[] AS line_before, %s::text[] AS line_after, %s::text[] AS title,
                   %s::text[] AS many_before, %s::text[] AS many_after, %s::text[] AS short, %s::text[] AS url
        ), items AS (
            SELECT ra.user_id, c.org_id, r.rank, o.name, min(c.id) AS delivery_id
            FROM claimed c
            JOIN ranks r ON r.milestone_id = c.milestone_id
            JOIN {org} o ON o.id = c.org_id AND o.active
            JOIN {role} ra ON ra.org_id = c.org_id AND ra.role IN (%s, %s)
            WHERE NOT EXISTS (SELECT 1 FROM {done} d WHERE d.milestone_id = c.milestone_id AND d.org_id = c.org_id)
            GROUP BY ra.user_id, c.org_id, r.rank, o.name
        ), digests AS (
            SELECT i.user_id, count(*) AS n, min(i.rank) AS first,
                   string_agg(x.line_before[i.rank] || i.name || x.line_after[i.rank], %s ORDER BY i.rank, i.org_id)
                       AS lines,
                   array_agg(x.short[i.rank] ORDER BY i.rank, i.org_id) AS shorts,
                   (array_agg(i.delivery_id ORDER BY i.rank, i.org_id))[1] AS delivery_id
            FROM items i CROSS JOIN txt x
            GROUP BY i.user_id
        ), sms AS (
            SELECT d.*, u.email, u.mobile, x.title[d.first] AS one_title, x.many_before[d.first] AS many_before,
                   x.many_after[d.first] AS many_after, x.url[d.first] AS url,
                   %s || array_to_string(shorts, %s) || %s AS full_sms,
                   %s || array_to_string(shorts[1:2], %s) || %s || n || %s || %s AS two_sms,
                   %s || shorts[1] || %s || n || %s || %s AS one_sms
            FROM digests d JOIN {user} u ON u.id = d.user_id AND u.is_active CROSS JOIN txt x
        ), digest AS (
            SELECT user_id, email, mobile, delivery_id, url,
                   CASE WHEN n = 1 THEN one_title ELSE many_before || n || many_after END AS title,
                   lines || %s || %s AS body,
                   CASE WHEN char_length(full_sms) <= %s OR n = 1 THEN full_sms
                        WHEN n > 2 AND char_length(two_sms) <= %s THEN two_sms ELSE one_sms END AS sms
            FROM sms
        ), notes AS (
            INSERT INTO {note} (user_id, title, body, url, created_at)
            SELECT user_id, title, body, url, %s FROM digest
        ), messages AS (
            INSERT INTO {message} (channel, recipient, user_id, subject, body, delivery_id, status, attempts,
                                   last_error, created_at)
            SELECT %s, email, user_id, title, body, delivery_id, %s, 0, '', %s FROM digest WHERE email <> ''
            UNION ALL
            SELECT %s, mobile, user_id, title, sms, delivery_id, %s, 0, '', %s FROM digest WHERE mobile <> ''
            RETURNING id
        )
        SELECT 'message', id FROM messages
        UNION ALL SELECT 'created', count(*) FROM new
        UNION ALL SELECT 'claimed', count(*) FROM claimed
        UNION ALL SELECT 'notified', count(*) FROM digest
        """,
        new=new,
        **tables,
    )
    pending = OutgoingMessage.Status.PENDING
    sms_max = texts_of.SMS_MAX_CHARS
    params = [
        *new_params,
        now, Audience.ORG,
        [t.milestone_id for t in items], [n for n, _t in enumerate(items, 1)],
        *([getattr(t, column) for t in items] for column in columns),
        *ORG_ROLES,
        "\n",
        sms_before, "、", sms_after,
        sms_before, "、", more_before, more_after, sms_after,
        sms_before, more_before, more_after, sms_after,
        "\n", texts_of.closing(), sms_max, sms_max,
        now,
        Channel.EMAIL, pending, now,
        Channel.SMS, pending, now,
    ]  # fmt: skip
    with connection.cursor() as cursor:
        # The day's sorts and aggregates (a row per reminder) in memory rather than in temporary files.
        cursor.execute("SET LOCAL work_mem = %s", [WORK_MEM])
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    message_ids = [value for kind, value in rows if kind == "message"]
    counts = {kind: value for kind, value in rows if kind != "message"}
    stats["deliveries_created"] += counts.get("created", 0)
    stats["deliveries_notified"] += counts.get("claimed", 0)
    stats["notifications"] += counts.get("notified", 0)
    stats["messages"] += len(message_ids)
    _enqueue_after_commit(message_ids)


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


def _collect_superior(milestone: Milestone, stats: Counter, by_path, per_user: dict, *, tell: bool) -> None:
    """Overdue: claim the milestone's superior deliveries; count, per superior 组织部 user, its organizations."""
    done = MilestoneDone.objects.filter(milestone=milestone, org=OuterRef("pk"))
    last_id = 0
    while claimed := _claim(last_id, Audience.SUPERIOR, milestone.pk):
        last_id = claimed[-1][0]
        stats["superior_deliveries_notified"] += len(claimed)
        if not tell:
            continue
        orgs = (
            Org.objects.filter(pk__in=[org_id for _pk, org_id, _m in claimed])
            .filter(~Exists(done))
            .order_by("path")
            .values_list("path", "name")
        )
        for path, name in orgs:
            for user_id, email, mobile in _nearest_superior(path, by_path):
                entry = per_user.setdefault(user_id, {"email": email, "mobile": mobile, "items": {}})
                item = entry["items"].setdefault(milestone, {"n": 0, "names": []})
                item["n"] += 1
                if len(item["names"]) < 3:
                    item["names"].append(name)


def _superior_texts(items: dict) -> tuple[str, str, str, str]:
    """(title, body, SMS text, url) of one 组织部 user's summary: a line per overdue milestone."""
    lines = []
    for milestone, item in items.items():
        values = {
            "milestone": milestone.name,
            "due": milestone.due_date.isoformat(),
            "n": item["n"],
            "names": "、".join(item["names"]),
        }
        lines.append(_("您所辖的%(n)d个组织未在%(due)s前完成“%(milestone)s”（如%(names)s），请督促办理。") % values)
    first = next(iter(items))
    url = reverse("campaign:milestone_orgs", args=[first.pk])
    if len(items) == 1:
        title = _("下级组织逾期：“%(milestone)s”") % {"milestone": first.name}
        return title, lines[0], lines[0], url
    title = _("下级组织逾期：“%(milestone)s”等%(n)d项节点任务") % {"milestone": first.name, "n": len(items)}
    return title, "\n".join(lines), _("%(title)s。详见站内信。") % {"title": title}, url


def notify_superiors(today: datetime.date, stats: Counter) -> None:
    """Notify every superior delivery not yet notified, in one transaction: one summary per superior 组织部 user
    and day, a line per overdue milestone (in due-date order)."""
    pending = ReminderDelivery.objects.filter(sent_at__isnull=True, audience=Audience.SUPERIOR)
    milestone_ids = set(pending.order_by().values_list("milestone_id", flat=True).distinct())
    if not milestone_ids:
        return
    milestones = Milestone.objects.select_related("campaign").filter(pk__in=milestone_ids)
    by_path = _org_department_by_path()
    per_user: dict[int, dict] = {}
    with transaction.atomic():
        for milestone in sorted(milestones, key=lambda m: (m.due_date, m.campaign_id, m.order, m.pk)):
            # A campaign that ended meanwhile: the rows are closed, nobody is told about finished work.
            _collect_superior(milestone, stats, by_path, per_user, tell=milestone.campaign.is_running(today))
        notes, messages = [], []
        for user_id, entry in per_user.items():
            title, body, sms, url = _superior_texts(entry["items"])
            notes.append(Notification(user_id=user_id, title=title, body=body, url=url))
            messages += _messages_for(user_id, entry["email"], entry["mobile"], title, body, None, sms=sms)
        if notes:
            _enqueue_after_commit(_save(notes, messages, stats))


def run_daily_reminders(today: datetime.date | None = None) -> dict:
    """Decide today's reminders for every running campaign and send one digest per recipient; safe to run any
    number of times."""
    today = today or timezone.localdate()
    stats = Counter()
    due = []
    for campaign in Campaign.objects.filter(start_date__lte=today, end_date__gte=today):
        stats["campaigns"] += 1
        due += milestones_to_remind(campaign, today)
    stats["milestones"] += len(due)
    texts = _item_texts(today)
    if connection.vendor == "postgresql":
        with transaction.atomic():
            _decide_and_notify_org(due, today, stats, texts)
    else:
        for milestone, offset in due:
            stats["deliveries_created"] += decide(milestone, offset, Audience.ORG)
        with transaction.atomic():
            _notify_org(today, stats, texts)
    for milestone, offset in due:
        if offset == OVERDUE:
            stats["superior_deliveries_created"] += decide(milestone, OVERDUE, Audience.SUPERIOR)
    notify_superiors(today, stats)
    return {"day": today.isoformat(), **stats}

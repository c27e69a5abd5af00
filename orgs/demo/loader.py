"""Writes ``DemoData`` into the database and creates the demo accounts.

Small scales use ``bulk_create`` (any database); on PostgreSQL every scale goes through COPY
from an in-memory buffer, in chunks, and the province scale drops the member table's indexes
and constraints around the COPY (all in one transaction: a failure leaves nothing behind).
Bulk rows create no history; the roll-ups come from ``orgs.services.recount_rollups()``.
"""

import io
import time
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import SET_NULL, Max, ProtectedError
from django.utils import timezone

from common.actors import SYSTEM
from common.sql import Fragment, compose, identifiers

from .. import services
from ..enums import Role, Sector
from ..models import Member, Org, User
from ..pinyin import name_keys
from .generator import DemoData
from .shapes import DEMO_BRANCH, DEMO_CITY, DEMO_COUNTY

DEMO_PASSWORD = "Demo2010!"  # noqa: S105  (printed on purpose: demo accounts only)
ROOT_CODE = "130000"

ORG_FIELDS = (
    "id", "path", "depth", "numchild", "code", "name", "kind", "level", "sector", "ethnic_religious", "active",
    "name_initials", "name_pinyin",
)  # fmt: skip
MEMBER_FIELDS = (
    "org_id", "org_path", "org_sector", "org_kind", "name", "gender", "ethnicity", "birth_date", "id_number", "mobile",
    "join_date", "status", "category", "post", "duties", "badge_demo_household", "badge_vanguard_post",
    "badge_responsibility_area", "created_at", "updated_at",
)  # fmt: skip
COPY_CHUNK = 200_000  # member rows per COPY
BULK_BATCH = 2_000
DROP_INDEXES_FROM = 200_000  # members; below this, COPY into the indexed table is as fast


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    org_code: str
    sector: str = ""
    member_index: int | None = None  # link User.member to the n-th member of the branch


DEMO_ACCOUNTS = (
    DemoAccount("sheng_ldxz", "省创先争优活动领导小组办公室", Role.LEADING_GROUP, ROOT_CODE),
    DemoAccount("sheng_zzb", "省委组织部", Role.ORG_DEPARTMENT, ROOT_CODE),
    DemoAccount("shijiazhuang_zzb", "石家庄市委组织部", Role.ORG_DEPARTMENT, DEMO_CITY),
    DemoAccount("zhengding_zzb", "正定县委组织部", Role.ORG_DEPARTMENT, DEMO_COUNTY),
    DemoAccount("gaoxiao_hy", "省委教育工委（高等学校）", Role.SECTOR_SUPERVISOR, ROOT_CODE, sector=Sector.UNIVERSITY),
    DemoAccount("shuji", "", Role.SECRETARY, DEMO_BRANCH, member_index=0),
    DemoAccount("dangyuan", "", Role.MEMBER, DEMO_BRANCH, member_index=2),
    DemoAccount("zhengding_sjgl", "正定县委组织部数据管理员", Role.DATA_MANAGER, DEMO_COUNTY),
)
DEMO_USERNAMES = tuple(a.username for a in DEMO_ACCOUNTS)


class AlreadyLoaded(Exception):
    """The demo province is in the database already."""


class ResetBlocked(Exception):
    """Other data still protects a demo account from deletion."""


class NotEmpty(Exception):
    """Other organizations are in the database: the demo needs an empty tree (or --reset)."""


def _say(out, text):
    if out is not None:
        out.write(text)
        if hasattr(out, "flush"):
            out.flush()


# --- reset ----------------------------------------------------------------------------------


@transaction.atomic
def reset(out=None):
    """Delete every organization and member (with their history) and the demo accounts.

    Set-based deletes, no per-row signals (4 million members would take an hour through the
    ORM collector). Rows of any app that point at an organization or a member go too (or lose
    the link when the relation is SET_NULL), so a reset works whatever the other apps hold.
    """
    started = time.monotonic()
    db = connection.alias
    for model in (Member, Org):
        _purge(model._base_manager.all(), everything=True)
    for model in (Member.history.model, Org.history.model):
        model._base_manager.all()._raw_delete(db)
    try:
        User.objects.filter(username__in=DEMO_USERNAMES).delete()
    except ProtectedError as exc:
        kinds = sorted({str(obj._meta.verbose_name) for obj in exc.protected_objects})
        raise ResetBlocked("、".join(kinds)) from exc
    _say(out, f"已清空组织和党员数据（{time.monotonic() - started:.1f} 秒）\n")


def _purge(queryset, *, everything=False):
    """Raw-delete ``queryset`` after whatever references its rows in the database."""
    model = queryset.model
    for rel in model._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)):
            continue
        fk = rel.field
        if not fk.db_constraint:  # history rows and other loose references
            continue
        related = rel.related_model._base_manager
        if everything:
            dependents = related.filter(**{f"{fk.name}__isnull": False})
        else:
            dependents = related.filter(**{f"{fk.name}__in": queryset})
        if rel.on_delete is SET_NULL:
            dependents.update(**{fk.name: None})
        elif rel.related_model is not model:
            _purge(dependents)
    queryset._raw_delete(queryset.db)


# --- load -----------------------------------------------------------------------------------


def load(scale: str = "demo", seed: int = 2010, *, out=None) -> DemoData:
    """Build and write one data set. Raises AlreadyLoaded / NotEmpty instead of mixing data."""
    if Org.objects.filter(code=ROOT_CODE).exists():
        raise AlreadyLoaded
    if Org.objects.exists():
        raise NotEmpty
    started = time.monotonic()
    data = DemoData(scale, seed)
    _say(
        out,
        f"生成 {len(data.orgs):,} 个组织、{data.total_members:,} 名党员（规模 {data.scale.name}，种子 {seed}）\n",
    )
    postgres = connection.vendor == "postgresql"
    with transaction.atomic():
        base_id = (Org.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        org_ids = [base_id + o.index for o in data.orgs]
        if postgres:
            _copy_orgs(data, org_ids)
        else:
            _bulk_orgs(data, org_ids)
        _reset_sequence(Org)
        _say(out, f"  组织已写入（{time.monotonic() - started:.1f} 秒）\n")
        if postgres:
            _copy_members(data, org_ids, out, started)
        else:
            _bulk_members(data, org_ids, out, started)
        changed = services.recount_rollups()
        _say(out, f"  已重算 {changed:,} 个组织的下级组织数和党员数（{time.monotonic() - started:.1f} 秒）\n")
    if postgres and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE orgs_org")
            cursor.execute("VACUUM ANALYZE orgs_member")
    _say(out, f"演示数据加载完成，用时 {time.monotonic() - started:.1f} 秒\n")
    return data


def _reset_sequence(model):
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), [model])
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _pinyin_keys(data: DemoData) -> list[tuple[str, str]]:
    """(initials, pinyin) per organization (orgs.pinyin): each distinct name segmented once (88,000 among the
    province's 170,000) and each distinct word read once (about 700): 3–7 s for the province on a 2-core
    machine, about 14 times less than two pypinyin calls per row."""
    cache = {}
    keys = []
    for o in data.orgs:
        found = cache.get(o.name)
        if found is None:
            found = cache[o.name] = name_keys(o.name)
        keys.append(found)
    return keys


def _bulk_orgs(data: DemoData, org_ids):
    keys = _pinyin_keys(data)
    objs = [
        Org(
            id=org_ids[o.index],
            path=o.path,
            depth=o.depth,
            numchild=o.numchild,
            code=o.code,
            name=o.name,
            kind=o.kind,
            level=o.level,
            sector=o.sector,
            ethnic_religious=o.ethnic_religious,
            active=True,
            name_initials=keys[o.index][0],
            name_pinyin=keys[o.index][1],
        )
        for o in data.orgs
    ]
    Org.objects.bulk_create(objs, batch_size=BULK_BATCH)


def _bulk_members(data: DemoData, org_ids, out, started):
    paths = [o.path for o in data.orgs]
    sectors = [o.sector for o in data.orgs]
    kinds = [o.kind for o in data.orgs]
    batch = []
    done = 0
    for m in data.members():
        batch.append(
            Member(
                org_id=org_ids[m.org],
                org_path=paths[m.org],
                org_sector=sectors[m.org],
                org_kind=kinds[m.org],
                name=m.name,
                gender=m.gender,
                ethnicity=m.ethnicity,
                birth_date=m.birth_date,
                id_number=m.id_number,
                mobile=m.mobile,
                join_date=m.join_date,
                status=m.status,
                category=m.category,
                post=m.post,
                duties=m.duties,
                badge_demo_household=m.badge_demo_household,
                badge_vanguard_post=m.badge_vanguard_post,
                badge_responsibility_area=m.badge_responsibility_area,
            )
        )
        if len(batch) >= BULK_BATCH:
            Member.objects.bulk_create(batch, batch_size=BULK_BATCH)
            done += len(batch)
            batch = []
            if done % 20_000 == 0:
                _say(out, f"  党员 {done:,} / {data.total_members:,}（{time.monotonic() - started:.1f} 秒）\n")
    if batch:
        Member.objects.bulk_create(batch, batch_size=BULK_BATCH)


# --- PostgreSQL COPY ------------------------------------------------------------------------


def _text(value) -> str:
    """A value in COPY's text format."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _extra_columns(model, known) -> tuple[list[str], str]:
    """Columns somebody added to the model since: filled with their defaults."""
    columns, values = [], []
    for f in model._meta.concrete_fields:
        if f.primary_key and f.name == "id" and "id" not in known:
            continue
        if f.attname in known:
            continue
        if not f.has_default() and not f.null:
            raise RuntimeError(f"{model.__name__}.{f.name} has no default: teach orgs.demo.loader about it")
        columns.append(f.column)  # quoted by _copy (common.sql.identifiers)
        values.append(_text(f.get_db_prep_save(f.get_default(), connection)))
    return columns, "".join("\t" + v for v in values)


def _copy(table, columns, buffer):
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            compose("COPY {table} ({columns}) FROM STDIN", table=table, columns=identifiers(columns)), buffer
        )


def _copy_orgs(data: DemoData, org_ids):
    extra_cols, extra = _extra_columns(Org, set(ORG_FIELDS))
    keys = _pinyin_keys(data)
    buffer = io.StringIO()
    for o in data.orgs:
        initials, pinyin = keys[o.index]
        buffer.write(
            f"{org_ids[o.index]}\t{o.path}\t{o.depth}\t{o.numchild}\t{_text(o.code)}\t{_text(o.name)}\t{o.kind}\t"
            f"{o.level}\t{o.sector}\t{'t' if o.ethnic_religious else 'f'}\tt\t{initials}\t{pinyin}{extra}\n"
        )
    _copy(Org._meta.db_table, [*ORG_FIELDS, *extra_cols], buffer)


def _member_constraints(cursor):
    """The member table's indexes and constraints except the primary key: (drop SQL, create SQL)."""
    table = Member._meta.db_table
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY conname",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) ORDER BY i.relname",
        [table],
    )
    indexes = cursor.fetchall()
    drops = [compose("ALTER TABLE {table} DROP CONSTRAINT {name}", table=table, name=name) for name, _d in constraints]
    drops += [compose("DROP INDEX {name}", name=name) for name, _d in indexes]
    creates = [definition for _n, definition in indexes]  # pg_get_indexdef: complete statements from the catalog
    creates += [
        compose(
            "ALTER TABLE {table} ADD CONSTRAINT {name} {definition}", table=table, name=name, definition=Fragment(d)
        )
        for name, d in constraints
    ]
    return drops, creates


def _copy_members(data: DemoData, org_ids, out, started):
    total = data.total_members
    extra_cols, extra = _extra_columns(Member, set(MEMBER_FIELDS) | {"id"})
    columns = [*MEMBER_FIELDS, *extra_cols]
    table = Member._meta.db_table
    now = timezone.now().isoformat()
    creates = []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        if total >= DROP_INDEXES_FROM:
            drops, creates = _member_constraints(cursor)
            for sql in drops:
                cursor.execute(sql)
    prefix = [f"{org_ids[o.index]}\t{o.path}\t{o.sector}\t{o.kind}\t" for o in data.orgs]
    dates = {}

    def iso(d):
        s = dates.get(d)
        if s is None:
            s = dates[d] = d.isoformat()
        return s

    tail = f"\t{now}\t{now}{extra}\n"
    buffer = io.StringIO()
    rows = done = 0
    for m in data.members():
        buffer.write(
            f"{prefix[m.org]}{m.name}\t{m.gender}\t{m.ethnicity}\t{iso(m.birth_date)}\t{m.id_number}\t{m.mobile}\t"
            f"{iso(m.join_date)}\t{m.status}\t{m.category}\t{m.post}\t{m.duties}\t"
            f"{'t' if m.badge_demo_household else 'f'}\t{'t' if m.badge_vanguard_post else 'f'}\t"
            f"{'t' if m.badge_responsibility_area else 'f'}{tail}"
        )
        rows += 1
        if rows >= COPY_CHUNK:
            _copy(table, columns, buffer)
            done += rows
            rows = 0
            buffer = io.StringIO()
            _say(out, f"  党员 {done:,} / {total:,}（{time.monotonic() - started:.1f} 秒）\n")
    if rows:
        _copy(table, columns, buffer)
        done += rows
    if creates:
        _say(out, f"  重建党员表索引和约束（{time.monotonic() - started:.1f} 秒）\n")
        with connection.cursor() as cursor:
            for sql in creates:
                cursor.execute(sql)
    _say(out, f"  党员已写入 {done:,} 名（{time.monotonic() - started:.1f} 秒）\n")


# --- accounts -------------------------------------------------------------------------------


def ensure_accounts() -> list[dict]:
    """Create the demo accounts that are missing (one per role); return rows for the table.

    Existing accounts keep their password; their role assignment is (re)granted.
    """
    rows = []
    with transaction.atomic():
        for account in DEMO_ACCOUNTS:
            org = Org.objects.filter(code=account.org_code).first()
            if org is None:
                continue
            member = None
            if account.member_index is not None:
                member = Member.objects.filter(org=org).order_by("id")[account.member_index : account.member_index + 1]
                member = member.first()
            user = User.objects.filter(username=account.username).first()
            created = user is None
            if created:
                extra = {}
                if member is not None and not User.objects.filter(member=member).exists():
                    extra = {"member": member, "mobile": member.mobile}
                try:
                    user = services.create_user(
                        by=SYSTEM,
                        username=account.username,
                        password=DEMO_PASSWORD,
                        full_name=member.name if member else account.full_name,
                        **extra,
                    )
                except IntegrityError:  # pragma: no cover - a concurrent run created it
                    user = User.objects.get(username=account.username)
            services.assign_role(user, org, account.role, by=SYSTEM, sector=account.sector)
            rows.append(
                {
                    "username": account.username,
                    "role": Role(account.role).label,
                    "org": org.name + (f"（{Sector(account.sector).label}）" if account.sector else ""),
                    "name": user.full_name,
                    "created": created,
                }
            )
    return rows

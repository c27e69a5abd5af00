"""Every write to organizations, members and accounts goes through here.

Each function checks permission against the scope gateway, runs in a transaction,
keeps the roll-up counts current and leaves history (django-simple-history).
"""

from collections import Counter, defaultdict

from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common import errors
from common.actors import System, is_system, recorded_user

from . import queries
from .enums import OrgLevel, Role
from .models import IdNumberView, Member, Org, RoleAssignment, User
from .validators import id_number_error, id_number_forms, member_facts_errors

ID_NUMBER_TAKEN = gettext_lazy("该身份证号已登记，不能重复录入")
FACT_FIELDS = ("gender", "birth_date", "id_number", "join_date")


def _require_manage(user, org: Org):
    if not is_system(user) and not queries.can_manage(user, org):
        raise PermissionDenied(_("您无权管理该组织"))


# --- roll-ups -------------------------------------------------------------------------------


def _ancestor_paths(path: str) -> list[str]:
    step = Org.steplen
    return [path[:end] for end in range(step, len(path) + 1, step)]


def bump_member_counts(deltas: dict[str, int]) -> None:
    """Add ``deltas`` (org path → change in direct members) to every ancestor's roll-up."""
    per_path = Counter()
    for path, delta in deltas.items():
        for ancestor in _ancestor_paths(path):
            per_path[ancestor] += delta
    by_delta = defaultdict(list)
    for path, delta in per_path.items():
        if delta:
            by_delta[delta].append(path)
    for delta, paths in by_delta.items():
        for start in range(0, len(paths), 1000):
            Org.objects.filter(path__in=paths[start : start + 1000]).update(
                subtree_members=F("subtree_members") + delta
            )


def bump_org_counts(new_paths: list[str]) -> None:
    """Count newly created nodes into each of their (strict) ancestors' roll-up."""
    per_path = Counter()
    for path in new_paths:
        for ancestor in _ancestor_paths(path)[:-1]:
            per_path[ancestor] += 1
    by_delta = defaultdict(list)
    for path, delta in per_path.items():
        by_delta[delta].append(path)
    for delta, paths in by_delta.items():
        for start in range(0, len(paths), 1000):
            Org.objects.filter(path__in=paths[start : start + 1000]).update(subtree_orgs=F("subtree_orgs") + delta)


def recount_rollups() -> int:
    """Recompute every node's roll-ups from the data (after bulk loads). Returns nodes changed."""
    direct = Counter(dict(Member.objects.values_list("org_path").annotate(n=Count("id")).values_list("org_path", "n")))
    members = Counter()
    orgs = Counter()
    rows = list(Org.objects.values_list("pk", "path", "subtree_orgs", "subtree_members"))
    for _pk, path, _o, _m in rows:
        ancestors = _ancestor_paths(path)
        for ancestor in ancestors[:-1]:
            orgs[ancestor] += 1
        count = direct.get(path, 0)
        if count:
            for ancestor in ancestors:
                members[ancestor] += count
    changed = [
        (pk, orgs.get(path, 0), members.get(path, 0))
        for pk, path, old_orgs, old_members in rows
        if (old_orgs, old_members) != (orgs.get(path, 0), members.get(path, 0))
    ]
    if not changed:
        return 0
    if connection.vendor == "postgresql":
        from psycopg2.extras import execute_values

        with connection.cursor() as cursor:
            execute_values(
                cursor.cursor,
                "UPDATE orgs_org AS o SET subtree_orgs = v.so, subtree_members = v.sm "
                "FROM (VALUES %s) AS v(id, so, sm) WHERE o.id = v.id",
                changed,
                page_size=5000,
            )
    else:
        objs = [Org(pk=pk, subtree_orgs=so, subtree_members=sm) for pk, so, sm in changed]
        Org.objects.bulk_update(objs, ["subtree_orgs", "subtree_members"], batch_size=500)
    return len(changed)


# --- organizations --------------------------------------------------------------------------


@transaction.atomic
def create_org(parent: Org | None, *, by: User | System, **fields) -> Org:
    """Add an organization under ``parent`` (or a root when ``parent`` is None: the system only)."""
    if parent is None:
        if not is_system(by):
            raise PermissionDenied(_("只有系统可以创建省级根组织"))
        org = Org.objects.add_root(instance=Org(**fields))
    else:
        _require_manage(by, parent)
        parent = Org.objects.select_for_update().get(pk=parent.pk)
        org = Org.objects.add_child(parent, instance=Org(**fields))
        bump_org_counts([org.path])
    return org


@transaction.atomic
def update_org(org: Org, *, by: User | System, fields: dict) -> Org:
    _require_manage(by, org)
    for name, value in fields.items():
        setattr(org, name, value)
    org.full_clean(exclude=["path", "depth", "numchild"])
    org.save(update_fields=list(fields))
    if "sector" in fields:
        # Members carry a copy of their organization's sector (see Member.org_sector).
        Member.objects.filter(org=org).exclude(org_sector=org.sector).update(org_sector=org.sector)
    if "kind" in fields:
        # … and of its kind (Member.org_kind: the member list's 组织类别 filter).
        Member.objects.filter(org=org).exclude(org_kind=org.kind).update(org_kind=org.kind)
    return org


# --- members --------------------------------------------------------------------------------


def id_number_taken(id_number: str, *, exclude_pk=None) -> bool:
    """Is this person registered already, under this number or its other (15- or 18-digit) form?"""
    if id_number_error(id_number):
        return Member.objects.filter(id_number=id_number).exclude(pk=exclude_pk).exists()
    return Member.objects.filter(id_number__in=id_number_forms(id_number)).exclude(pk=exclude_pk).exists()


def _check_member_facts(member: Member) -> None:
    """Refuse a member whose gender, birth date or join date disagree with the ID number or who is
    recorded already under the other form of the number (``orgs.validators.member_facts_errors``)."""
    errors = member_facts_errors(
        gender=member.gender, birth_date=member.birth_date, id_number=member.id_number, join_date=member.join_date
    )
    if member.id_number and id_number_taken(member.id_number, exclude_pk=member.pk):
        errors["id_number"] = str(ID_NUMBER_TAKEN)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_member(org: Org, *, by: User | System, **fields) -> Member:
    _require_manage(by, org)
    member = Member(org=org, org_path=org.path, org_sector=org.sector, org_kind=org.kind, **fields)
    _check_member_facts(member)
    member.full_clean()
    member.save()
    bump_member_counts({org.path: 1})
    return member


class StaleEdit(errors.StaleEdit):
    """The record changed since the editor loaded it: refuse instead of overwriting (409, nothing written)."""

    def __init__(self):
        super().__init__(
            gettext_lazy(
                "保存失败：该党员信息在您编辑期间已被他人修改。请打开新窗口查看最新内容后重新填写，您的修改尚未保存。"
            )
        )


@transaction.atomic
def update_member(member: Member, *, by: User | System, fields: dict, expected_version: str | None = None) -> Member:
    """Change a member's own fields (not the organization: see ``transfer_member``).

    ``expected_version`` is the ``updated_at`` the editor saw; if somebody saved in between,
    ``StaleEdit`` is raised and nothing is written.
    """
    _require_manage(by, member.org)
    current = Member.objects.select_for_update().only("updated_at").get(pk=member.pk)
    if expected_version and current.updated_at.isoformat() != expected_version:
        raise StaleEdit
    fields = {k: v for k, v in fields.items() if k not in ("org", "org_path", "org_sector", "org_kind")}
    for name, value in fields.items():
        setattr(member, name, value)
    if any(name in FACT_FIELDS for name in fields):
        _check_member_facts(member)
    member.full_clean()
    member.save(update_fields=[*fields, "updated_at"])
    return member


@transaction.atomic
def transfer_member(member: Member, to_org: Org, *, by: User | System, reason: str = "") -> Member:
    """Move a member to another organization; both must be in the acting user's scope."""
    _require_manage(by, member.org)
    _require_manage(by, to_org)
    if not to_org.is_basic:
        raise ValidationError({"to_org": _("党员只能转入基层党组织")})
    if to_org.pk == member.org_id:
        raise ValidationError({"to_org": _("党员已在该组织")})
    old_path = member.org_path
    member.org = to_org
    member.org_path = to_org.path
    member.org_sector = to_org.sector
    member.org_kind = to_org.kind
    member._change_reason = reason or _("组织关系转接")
    member.save(update_fields=["org", "org_path", "org_sector", "org_kind", "updated_at"])
    bump_member_counts({old_path: -1, to_org.path: 1})
    return member


def record_id_view(user: User, *, member: Member | None = None, purpose: str, count: int = 1, ip=None):
    """Audit one full view (or export) of ID numbers."""
    IdNumberView.objects.create(user=user, member=member, purpose=purpose, count=count, ip_address=ip)


# --- accounts -------------------------------------------------------------------------------


@transaction.atomic
def assign_role(user: User, org: Org, role: str, *, by: User | System, sector: str = "") -> RoleAssignment:
    """Give ``user`` a role on ``org``; an org_department user may only grant inside its subtree."""
    _require_manage(by, org)
    if role == Role.SECTOR_SUPERVISOR and not sector:
        raise ValidationError({"sector": _("行业主管部门必须选择领域")})
    if role != Role.SECTOR_SUPERVISOR:
        sector = ""
    if role in (Role.SECRETARY, Role.MEMBER) and org.level != OrgLevel.BASIC:
        raise ValidationError({"org": _("书记和党员角色只能授予基层党组织")})
    if role == Role.INSTRUCTOR and org.level != OrgLevel.BASIC:
        raise ValidationError({"org": _("党建工作指导员只能派驻到基层党组织")})
    assignment, _created = RoleAssignment.objects.get_or_create(
        user=user, org=org, role=role, sector=sector, defaults={"created_by": recorded_user(by)}
    )
    return assignment


@transaction.atomic
def remove_assignment(assignment: RoleAssignment, *, by: User | System) -> None:
    _require_manage(by, assignment.org)
    if not is_system(by) and assignment.user_id == by.pk and assignment.role == Role.ORG_DEPARTMENT:
        raise ValidationError(_("不能撤销自己的组织部角色"))
    assignment.delete()


@transaction.atomic
def create_user(*, by: User | System, username: str, password: str, full_name: str = "", **extra) -> User:
    user = User(username=username, full_name=full_name, **extra)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def create_account(
    *,
    by: User,
    username: str,
    password: str,
    full_name: str,
    mobile: str,
    role: str,
    org: Org,
    sector: str = "",
    member: Member | None = None,
) -> User:
    """A new account with its first role (and, for a party member, the member record), all or nothing."""
    password_validation.validate_password(password, User(username=username, full_name=full_name))
    user = create_user(by=by, username=username, password=password, full_name=full_name, mobile=mobile)
    assign_role(user, org, role, by=by, sector=sector)
    if member is not None:
        link_member(user, member, by=by)
    return user


@transaction.atomic
def link_member(user: User, member: Member, *, by: User | System) -> User:
    """Tie an account to its owner's party-member record (User.member)."""
    if not is_system(by) and not queries.covers_member(by, member, queries.MANAGE_ROLES):
        raise PermissionDenied(_("您无权管理该党员"))
    if User.objects.filter(member=member).exclude(pk=user.pk).exists():
        raise ValidationError({"member": _("该党员档案已关联其他账号")})
    if user.member_id and user.member_id != member.pk:
        raise ValidationError({"member": _("该账号已关联其他党员档案")})
    user.member = member
    user.save(update_fields=["member"])
    return user


def _require_account(user: User, by: User) -> None:
    if not queries.can_manage_account(by, user):
        raise PermissionDenied(_("该账号在您的管理范围之外还有角色，请联系上级组织部门办理"))


@transaction.atomic
def set_user_active(user: User, active: bool, *, by: User) -> User:
    """Enable or disable an account (a disabled account cannot log in; its sessions end)."""
    _require_account(user, by)
    if user.pk == by.pk and not active:
        raise ValidationError(_("不能停用自己的账号"))
    user.is_active = active
    user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def reset_password(user: User, password: str, *, by: User) -> User:
    """Set a new password for somebody else's account and lift a login lockout on it."""
    _require_account(user, by)
    if user.pk == by.pk:
        raise ValidationError(_("请通过“修改密码”修改自己的密码"))
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    username = user.username

    def unlock():
        from axes.utils import reset

        reset(username=username)

    transaction.on_commit(unlock)
    return user

"""Every write of the 指导小组 of provincial departments: the group, its members and its contact points.

"省直有关部门要成立指导小组，加强对相关领域(行业)创先争优活动的具体指导。" (seed, part 五)

Permission: PermissionDenied when the acting user may not act on the group at all; a Chinese ValidationError
naming the field when a rule refuses the value (a sector that is not the department's, an organization outside
the group's sector …). Inspections and remarks recorded as the group go through ``services.supervision``.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from common.history import delete_as, insert_once, save_as, save_changes
from orgs.enums import Sector
from orgs.models import Org, User
from orgs.validators import validate_phone

from ..models import GuidanceContactPoint, GuidanceGroup, GuidanceGroupMember
from ..queries import guidance as gq

GROUP_FIELDS = ("name", "department", "phone")
MEMBER_FIELDS = ("name", "post", "phone", "group_role", "order", "user")


def _require_manager(by: User, group: GuidanceGroup) -> None:
    if not gq.can_manage(by, group):
        raise PermissionDenied(_("您无权管理该指导小组"))


def _sector_label(sector: str) -> str:
    return str(dict(Sector.choices).get(sector, sector))


def _check_phone(value: str) -> str:
    value = (value or "").strip()
    try:
        validate_phone(value)
    except ValidationError as error:
        raise ValidationError({"phone": error.messages}) from None
    return value


def _required(**values) -> None:
    missing = {name: _("请填写此项") for name, value in values.items() if not (value or "").strip()}
    if missing:
        raise ValidationError(missing)


def _name_taken(org: Org, name: str, *, exclude=None) -> bool:
    found = GuidanceGroup.objects.filter(org=org, name=name)
    if exclude is not None:
        found = found.exclude(pk=exclude.pk)
    return found.exists()


@transaction.atomic
def create_guidance_group(*, by: User, sector: str, department: str, name: str, phone: str = "") -> GuidanceGroup:
    """A provincial department forms the 指导小组 of its sector; the province's 组织部 may form one for any sector."""
    if not gq.creatable(by):
        raise PermissionDenied(_("只有省直有关部门（省级行业主管部门）和省委组织部可以成立指导小组"))
    if sector not in Sector.values:
        raise ValidationError({"sector": _("请选择指导的领域（行业）")})
    province = gq.province_for(by, sector)
    if province is None:
        own = "、".join(_sector_label(s) for s in gq.creatable_sectors(by))
        raise ValidationError(
            {
                "sector": _("您只能为本部门主管的领域（%(own)s）成立指导小组，不能为“%(sector)s”成立")
                % {"own": own, "sector": _sector_label(sector)}
            }
        )
    name, department = name.strip(), department.strip()
    _required(name=name, department=department)
    phone = _check_phone(phone)
    taken = ValidationError({"name": _("已有名为“%(name)s”的指导小组") % {"name": name}})
    if _name_taken(province, name):
        raise taken
    group = GuidanceGroup(org=province, sector=sector, department=department, name=name, phone=phone, created_by=by)
    return insert_once(group, by=by, taken=taken)


@transaction.atomic
def update_guidance_group(group: GuidanceGroup, *, by: User, fields: dict) -> GuidanceGroup:
    """Name, department and phone; the sector a group guides is fixed (a new sector is a new group)."""
    _require_manager(by, group)
    unknown = set(fields) - set(GROUP_FIELDS)
    if unknown:
        raise ValidationError({"sector": ValidationError(_("不能修改指导小组的领域"), code="fixed")})
    values = {k: (v or "").strip() for k, v in fields.items()}
    _required(**{k: values[k] for k in ("name", "department") if k in values})
    if "phone" in values:
        values["phone"] = _check_phone(values["phone"])
    if "name" in values and _name_taken(group.org, values["name"], exclude=group):
        raise ValidationError({"name": _("已有名为“%(name)s”的指导小组") % {"name": values["name"]}})
    return save_changes(group, values, by=by, also=["updated_at"])


def _check_user(group: GuidanceGroup, user: User | None) -> None:
    if user is not None and gq.account_in_province(group, user.username) is None:
        raise ValidationError({"username": _("账号“%(name)s”不属于本省，不能关联") % {"name": user.username}})


def _check_role(group_role: str) -> None:
    if group_role not in GuidanceGroupMember.GroupRole.values:
        raise ValidationError({"group_role": _("请选择小组职务")})


@transaction.atomic
def add_guidance_member(
    group: GuidanceGroup,
    *,
    by: User,
    name: str,
    post: str,
    phone: str = "",
    group_role: str = GuidanceGroupMember.GroupRole.MEMBER,
    user: User | None = None,
    order: int = 0,
) -> GuidanceGroupMember:
    _require_manager(by, group)
    name, post = name.strip(), post.strip()
    _required(name=name, post=post)
    phone = _check_phone(phone)
    _check_role(group_role)
    _check_user(group, user)
    member = GuidanceGroupMember(
        group=group, name=name, post=post, phone=phone, group_role=group_role, user=user, order=order or 0
    )
    save_as(member, by=by)
    return member


@transaction.atomic
def update_guidance_member(member: GuidanceGroupMember, *, by: User, fields: dict) -> GuidanceGroupMember:
    _require_manager(by, member.group)
    values = dict(fields)
    for key in ("name", "post", "phone"):
        if key in values:
            values[key] = (values[key] or "").strip()
    _required(**{k: values[k] for k in ("name", "post") if k in values})
    if "phone" in values:
        values["phone"] = _check_phone(values["phone"])
    if "group_role" in values:
        _check_role(values["group_role"])
    if "user" in values:
        _check_user(member.group, values["user"])
    values = {k: v for k, v in values.items() if k in MEMBER_FIELDS}
    return save_changes(member, values, by=by)


@transaction.atomic
def remove_guidance_member(member: GuidanceGroupMember, *, by: User) -> None:
    _require_manager(by, member.group)
    delete_as(member, by=by)


@transaction.atomic
def add_guidance_point(group: GuidanceGroup, org: Org, *, by: User, notes: str = "") -> GuidanceContactPoint:
    """A contact point: an organization of the group's sector in the group's province."""
    _require_manager(by, group)
    if not org.path.startswith(group.org.path) or not org.active or org.sector != group.sector:
        raise ValidationError(
            {
                "org_code": _("联系点应是%(province)s“%(sector)s”领域的组织，“%(name)s”不是")
                % {"province": group.org.name, "sector": _sector_label(group.sector), "name": org.name}
            },
            code="outside",
        )
    taken = ValidationError({"org_code": _("“%(name)s”已是本指导小组的联系点") % {"name": org.name}})
    if GuidanceContactPoint.objects.filter(group=group, org=org).exists():
        raise taken
    point = GuidanceContactPoint(group=group, org=org, notes=(notes or "").strip(), created_by=by)
    return insert_once(point, by=by, taken=taken)


@transaction.atomic
def remove_guidance_point(point: GuidanceContactPoint, *, by: User) -> None:
    _require_manager(by, point.group)
    delete_as(point, by=by)


def check_acting_as(group: GuidanceGroup, org: Org, *, by: User, what: str) -> None:
    """Recording ``what`` (检查 / 点评) as ``group`` on ``org``: the user manages the group and ``org`` belongs to
    the group's sector in its province."""
    if not gq.may_act_for(by, group):
        raise ValidationError(
            {"guidance_group": _("您不能以“%(group)s”的名义%(what)s") % {"group": group.name, "what": what}}
        )
    if not org.path.startswith(group.org.path) or org.sector != group.sector:
        raise ValidationError(
            {
                "org_code": _("“%(group)s”指导“%(sector)s”领域，不能以它的名义%(what)s“%(name)s”")
                % {"group": group.name, "sector": _sector_label(group.sector), "what": what, "name": org.name}
            }
        )

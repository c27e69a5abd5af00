"""The assignment of 党建工作指导员: "注重发挥党建工作指导员和大学生“村官”在创先争优活动中的作用。" (seed, part 五).

PermissionDenied when the acting user may not act at all; a Chinese ValidationError (on the field it is about)
when the rule refuses the action. Each function runs in one transaction: nothing is half-written.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from orgs import queries
from orgs import services as org_services
from orgs.enums import Role
from orgs.models import RoleAssignment, User

# --- 党建工作指导员 -------------------------------------------------------------------------------


@transaction.atomic
def assign_instructor(user: User, orgs, *, by: User) -> list[RoleAssignment]:
    """An org_department assigns a guidance instructor to basic organizations of its subtree.

    "注重发挥党建工作指导员和大学生“村官”在创先争优活动中的作用。" (seed, part 五) — the instructor is any account
    the 组织部 can see (``orgs.queries.users_for``), usually from a higher level, or a new account.
    """
    orgs = list(orgs)
    if not orgs:
        raise ValidationError({"org_codes": _("请至少填写一个基层党组织编码")})
    if not user.is_active:
        raise ValidationError({"username": _("该账号已停用")})
    if user.pk == by.pk:
        raise ValidationError({"username": _("不能把自己派为党建工作指导员")})
    for org in orgs:
        if not queries.can_manage(by, org):
            raise PermissionDenied(_("您无权向“%(name)s”派驻指导员") % {"name": org.name})
        if not org.is_basic:
            message = _("“%(name)s”不是基层党组织：指导员只派驻到基层党组织") % {"name": org.name}
            raise ValidationError({"org_codes": message})
    return [org_services.assign_role(user, org, Role.INSTRUCTOR, by=by) for org in orgs]


@transaction.atomic
def create_instructor(*, by: User, username: str, password: str, full_name: str, mobile: str, orgs) -> User:
    """A new account that is a guidance instructor of ``orgs`` (all or nothing)."""
    orgs = list(orgs)
    if not orgs:
        raise ValidationError({"org_codes": _("请至少填写一个基层党组织编码")})
    for org in orgs:
        if not queries.can_manage(by, org):
            raise PermissionDenied(_("您无权向“%(name)s”派驻指导员") % {"name": org.name})
    user = org_services.create_account(
        by=by,
        username=username,
        password=password,
        full_name=full_name,
        mobile=mobile,
        role=Role.INSTRUCTOR,
        org=orgs[0],
    )
    if orgs[1:]:
        assign_instructor(user, orgs[1:], by=by)
    return user


@transaction.atomic
def remove_instructor(assignment: RoleAssignment, *, by: User) -> None:
    if assignment.role != Role.INSTRUCTOR:
        raise ValidationError(_("这不是党建工作指导员的派驻"))
    org_services.remove_assignment(assignment, by=by)

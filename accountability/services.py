"""Every write of 述职评议 and 一定三有.

"完善基层党建述职、考核、评议制度，深化“一定三有”机制" (seed, part 四.(二).5).

PermissionDenied when the acting user may not act at all; a Chinese ValidationError on the field it is about
when a rule refuses the action. Each function runs in one transaction: nothing is half-written (an uploaded
file that fails its check leaves no row behind either).
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.services.attachments import attach_files, attachments_of
from common.history import check_fields, save_as, save_checked
from orgs.models import Org, User

from . import queries as aq
from .models import DutyRating, DutyReport, DutyStatus, MeasureItem, MeasureStatus, VillageMeasure

# The first year a 述职 can be about (the campaign's seed opinion is of 2010).
FIRST_YEAR = 2000
# The fields of a 述职 the services set themselves (not the form's to validate).
DUTY_SET_BY_SERVICE = ("org", "created_by", "submitted_by", "rated_by", "rated_org")


# --- 述职 -----------------------------------------------------------------------------------------


def _check_year(year, today: datetime.date) -> int:
    if year is None:
        raise ValidationError({"year": _("请填写述职年度")})
    if year > today.year:
        raise ValidationError({"year": _("不能提前为%(year)s年度述职") % {"year": year}})
    if year < FIRST_YEAR:
        raise ValidationError({"year": _("年度不能早于%(year)s年") % {"year": FIRST_YEAR}})
    return year


@transaction.atomic
def start_duty_report(
    org: Org, *, by: User, year: int, report: str = "", files=(), today: datetime.date | None = None
) -> DutyReport:
    """The secretary starts the organization's 述职 of ``year`` (a draft until submitted): one per year."""
    today = today or timezone.localdate()
    if not aq.can_write_duty(by, org):
        if not org.is_basic and aq.can_read(by, org):
            raise ValidationError({"org": _("述职由基层党组织书记提交")})
        raise PermissionDenied(_("您无权为该组织述职"))
    _check_year(year, today)
    if DutyReport.objects.filter(org=org, year=year).exists():
        raise ValidationError({"year": _("%(org)s%(year)s年度的述职已经存在") % {"org": org.name, "year": year}})
    duty = DutyReport(org=org, year=year, report=(report or "").strip(), created_by=by)
    save_checked(duty, by=by, exclude=DUTY_SET_BY_SERVICE)
    attach_files(duty, files or [], org=org, by=by)
    return duty


def _lock(duty: DutyReport) -> DutyReport:
    return DutyReport.objects.select_for_update().select_related("org").get(pk=duty.pk)


@transaction.atomic
def save_duty_report(duty: DutyReport, *, by: User, report: str, files=(), submit: bool = False) -> DutyReport:
    """Change a draft 述职 and (``submit``) hand it in for 评议: a submitted one is no longer changed."""
    duty = _lock(duty)
    if not aq.can_write_duty(by, duty.org):
        raise PermissionDenied(_("您无权修改该述职"))
    if duty.status != DutyStatus.DRAFT:
        raise ValidationError(
            _("%(year)s年度述职已于%(at)s提交，不能再修改")
            % {"year": duty.year, "at": f"{timezone.localtime(duty.submitted_at):%Y-%m-%d}"},
            code="submitted",
        )
    duty.report = (report or "").strip()
    check_fields(duty, exclude=DUTY_SET_BY_SERVICE)
    fields = ["report", "updated_at"]
    if submit:
        if not duty.report and not files and not attachments_of(duty).exists():
            raise ValidationError({"report": _("请填写述职报告或上传述职报告文件后再提交")})
        duty.status = DutyStatus.SUBMITTED
        duty.submitted_at = timezone.now()
        duty.submitted_by = by
        fields += ["status", "submitted_at", "submitted_by"]
    save_as(duty, by=by, update_fields=fields)
    attach_files(duty, files or [], org=duty.org, by=by)
    return duty


@transaction.atomic
def rate_duty_report(duty: DutyReport, *, by: User, rating: str, comments: str = "") -> DutyReport:
    """The superior's 评议: 好/较好/一般/差 with comments (required for 一般 and 差). Needs a submitted 述职;
    one 评议 per 述职."""
    duty = _lock(duty)
    rater = aq.rater_org(by, duty.org)
    if rater is None:
        raise PermissionDenied(_("只有上级组织部或党委可以评议该述职"))
    if duty.status == DutyStatus.DRAFT:
        raise ValidationError({"rating": _("该组织%(year)s年度的述职尚未提交，不能评议") % {"year": duty.year}})
    if duty.status == DutyStatus.RATED:
        raise ValidationError(
            {"rating": _("该述职已评议为“%(rating)s”，不能重复评议") % {"rating": duty.get_rating_display()}}
        )
    if rating not in DutyRating.values:
        raise ValidationError({"rating": _("请选择评议等次：好、较好、一般或差")})
    comments = (comments or "").strip()
    if rating in (DutyRating.AVERAGE, DutyRating.POOR) and not comments:
        raise ValidationError({"comments": _("评为一般或差时，请写明评议意见（存在的问题和整改要求）")})
    duty.rating = rating
    duty.comments = comments
    duty.status = DutyStatus.RATED
    duty.rated_by = by
    duty.rated_org = rater
    duty.rated_at = timezone.now()
    save_checked(
        duty,
        by=by,
        exclude=DUTY_SET_BY_SERVICE,
        update_fields=["rating", "comments", "status", "rated_by", "rated_org", "rated_at", "updated_at"],
    )
    return duty


# --- 一定三有: items ------------------------------------------------------------------------------


def _check_title(scope: Org, title: str, *, exclude_pk=None) -> None:
    if not title:
        raise ValidationError({"title": _("请填写条目")})
    same = MeasureItem.objects.filter(title=title, scope_path__in=scope.ancestor_paths())
    if exclude_pk:
        same = same.exclude(pk=exclude_pk)
    found = same.select_related("scope").first()
    if found is not None:
        if found.scope_id == scope.pk:
            message = _("%(scope)s已设定条目“%(title)s”") % {"scope": scope.name, "title": title}
        else:
            message = _("上级（%(scope)s）已设定条目“%(title)s”，适用于本范围的所有村") % {
                "scope": found.scope.name,
                "title": title,
            }
        raise ValidationError({"title": message})


@transaction.atomic
def define_item(scope: Org, *, by: User, title: str, description: str = "", order: int = 1) -> MeasureItem:
    """An item of 一定三有 for every village under ``scope`` (the province, or a county for its subtree)."""
    if scope.level not in aq.ITEM_LEVELS:
        raise ValidationError(
            {"scope": _("一定三有条目由省委组织部或县（市、区）委组织部设定，请选择省或县（市、区）")}
        )
    if not aq.can_define_items(by, scope):
        raise PermissionDenied(_("您无权为“%(name)s”设定一定三有条目") % {"name": scope.name})
    title = (title or "").strip()
    _check_title(scope, title)
    item = MeasureItem(
        scope=scope,
        scope_path=scope.path,
        title=title,
        description=(description or "").strip(),
        order=order or 1,
        created_by=by,
    )
    save_checked(item, by=by, exclude=["scope", "created_by"])
    return item


@transaction.atomic
def update_item(item: MeasureItem, *, by: User, title: str, description: str, order: int, active: bool) -> MeasureItem:
    """Change an item's wording, order or whether it is in use; its scope stays (the villages' states hang on it)."""
    item = MeasureItem.objects.select_for_update().select_related("scope").get(pk=item.pk)
    if not aq.can_define_items(by, item.scope):
        raise PermissionDenied(_("您无权修改该条目"))
    title = (title or "").strip()
    _check_title(item.scope, title, exclude_pk=item.pk)
    item.title, item.description, item.order, item.active = title, (description or "").strip(), order or 1, active
    fields = ["title", "description", "order", "active", "updated_at"]
    save_checked(item, by=by, exclude=["scope", "created_by"], update_fields=fields)
    return item


# --- 一定三有: a village's state --------------------------------------------------------------------


@transaction.atomic
def record_measure(
    village: Org, item: MeasureItem, *, by: User, status: str, evidence: str = "", files=()
) -> VillageMeasure:
    """The village's state on ``item`` (未落实/落实中/已落实) with evidence; 已落实 needs a description or a file."""
    if not aq.can_record_measure(by, village):
        raise PermissionDenied(_("您无权填报该村的落实情况"))
    if not aq.is_village(village):
        raise ValidationError({"village": _("“%(name)s”不是村党组织：一定三有按村填报") % {"name": village.name}})
    if not item.active:
        raise ValidationError({"item": _("条目“%(title)s”已停用") % {"title": item.title}})
    if not aq.applies(item, village):
        raise ValidationError(
            {"item": _("条目“%(title)s”不适用于%(name)s") % {"title": item.title, "name": village.name}}
        )
    if status not in MeasureStatus.values:
        raise ValidationError({"status": _("请选择落实情况")})
    evidence = (evidence or "").strip()
    row = VillageMeasure.objects.select_for_update().filter(item=item, village=village).first()
    if row is None:
        row = VillageMeasure(item=item, village=village)
    has_files = bool(files) or (row.pk is not None and attachments_of(row).exists())
    if status == MeasureStatus.DONE and not evidence and not has_files:
        raise ValidationError({"evidence": _("标记为已落实时，请填写落实情况说明或上传佐证材料")})
    row.status, row.evidence, row.updated_by, row.updated_at = status, evidence, by, timezone.now()
    save_checked(row, by=by, exclude=["item", "village", "updated_by"])
    attach_files(row, files or [], org=village, by=by)
    return row

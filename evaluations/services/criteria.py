"""Criteria sets: which set applies to an organization or member, and the org_department's own
sets for its subtree and a period (copied from a province set, then edited).

"全省开展创先争优活动，以创建“五个好”先进基层党组织、争当“五个模范”优秀共产党员为主要内容。"
(seed, part 二) — "各级党组织要根据基层单位的实际情况和党员的岗位特点，明确活动的目标任务"
(seed, part 三): a subtree may word and weigh the criteria for itself.
"""

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.functions import Coalesce, Length
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from orgs import queries

from ..enums import AssessmentStatus, Target
from ..models import Assessment, CriteriaSet, Criterion

# The province-wide set used when no subtree set applies (the Hebei seed's wording first).
DEFAULT_CODES = {Target.ORG: "five-good", Target.MEMBER: "five-models"}
LEVEL_KEY_RE = re.compile(r"^[a-z0-9_-]{1,20}$")


def applicable_set(org, period, target=Target.ORG) -> CriteriaSet | None:
    """The set for ``org`` (for a member: the member's organization) in ``period``: the active set
    with the deepest ``owner_org`` that is an ancestor-or-self of ``org`` and whose period is
    ``period`` or empty (a set for the period beats one for every period at the same owner); else
    the province set (``owner_org`` empty; the default code 五个好 / 五个模范 first). One query."""
    period_q = Q(period=None) if period is None else Q(period=None) | Q(period=period)
    candidates = (
        CriteriaSet.objects.filter(target=target, active=True)
        .filter(Q(owner_org=None) | Q(owner_org__path__in=org.ancestor_paths()))
        .filter(period_q)
        .annotate(
            depth=Coalesce(Length("owner_org__path"), Value(0)),
            for_period=Case(When(period__isnull=False, then=Value(1)), default=Value(0), output_field=IntegerField()),
            is_default=Case(
                When(code=DEFAULT_CODES[target], then=Value(1)), default=Value(0), output_field=IntegerField()
            ),
        )
        .order_by("-depth", "-for_period", "-is_default", "id")
    )
    return candidates.first()


def used_by_submitted(criteria_set: CriteriaSet) -> bool:
    return Assessment.objects.filter(criteria_set=criteria_set, status=AssessmentStatus.SUBMITTED).exists()


def _require_manage(user, criteria_set_owner):
    if criteria_set_owner is None or not queries.can_manage(user, criteria_set_owner):
        raise PermissionDenied(_("只有本范围的组织部可以维护评价标准"))


def validate_levels(levels: list[dict]) -> list[dict]:
    """At least two levels, unique keys and labels, scores 0–100. Returns the cleaned list
    (scores as int, best level first as entered) or raises ValidationError with Chinese messages."""
    errors = []
    cleaned = []
    for n, level in enumerate(levels, start=1):
        key = str(level.get("key", "")).strip()
        label = str(level.get("label", "")).strip()
        raw = level.get("score")
        if not LEVEL_KEY_RE.match(key):
            errors.append(_("第 %(n)d 个等次：代码只能由小写字母、数字、下划线或连字符组成（1—20 个字符）") % {"n": n})
        if not label:
            errors.append(_("第 %(n)d 个等次：请填写名称") % {"n": n})
        try:
            score = Decimal(str(raw))
        except (InvalidOperation, ValueError):
            score = None
        if score is None or score != score.to_integral_value() or not (0 <= score <= 100):
            errors.append(_("第 %(n)d 个等次：分值须为 0—100 的整数") % {"n": n})
            score = None
        cleaned.append({"key": key, "label": label, "score": int(score) if score is not None else None})
    if len(cleaned) < 2:
        errors.append(_("至少需要两个评价等次"))
    keys = [level["key"] for level in cleaned]
    if len(set(keys)) != len(keys):
        errors.append(_("等次代码不能重复"))
    labels = [level["label"] for level in cleaned]
    if len(set(labels)) != len(labels):
        errors.append(_("等次名称不能重复"))
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def copy_set(source: CriteriaSet, *, owner_org, period, by, name: str = "") -> CriteriaSet:
    """An org_department copies a set (usually a province set) into a set for its subtree
    (``owner_org``, a node it manages) and a period (None: every period)."""
    _require_manage(by, owner_org)
    clash = CriteriaSet.objects.filter(owner_org=owner_org, period=period, target=source.target, active=True)
    if clash.exists():
        message = _("“%(org)s”在该期间已有一套启用的%(target)s评价标准，请直接修改它") % {
            "org": owner_org.name,
            "target": source.get_target_display(),
        }
        raise ValidationError({"period": message})
    copy = CriteriaSet(
        code=source.code,
        name=(name or "").strip() or _("%(name)s（%(org)s）") % {"name": source.name, "org": owner_org.name},
        target=source.target,
        description=source.description,
        owner_org=owner_org,
        period=period,
        levels=[dict(level) for level in source.levels],
        active=True,
    )
    try:
        with transaction.atomic():
            copy.save()
    except IntegrityError:
        raise ValidationError({"period": _("该范围和期间已有同一代码的评价标准")}) from None
    bulk_create_with_history(
        [
            Criterion(criteria_set=copy, order=c.order, name=c.name, description=c.description, weight=c.weight)
            for c in source.criteria.all()
        ],
        Criterion,
        default_user=by,
    )
    return copy


@transaction.atomic
def update_set(
    criteria_set: CriteriaSet, *, by, name: str, description: str, criteria: list[dict], levels: list[dict]
) -> CriteriaSet:
    """Edit a subtree set: names, descriptions, weights (> 0) and levels (labels and scores).

    ``criteria``: [{"id", "name", "description", "weight"}] for the set's own criteria.
    Weights and levels are frozen once a submitted assessment uses the set (its score was
    computed with them): copy the set for a new period instead.
    """
    _require_manage(by, criteria_set.owner_org)
    criteria_set = CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)
    errors: dict[str, list] = {}
    name = (name or "").strip()
    if not name:
        errors.setdefault("name", []).append(_("请填写名称"))
    try:
        levels = validate_levels(levels)
    except ValidationError as exc:
        errors["levels"] = exc.messages
    own = {c.pk: c for c in criteria_set.criteria.all()}
    changed = []
    for n, item in enumerate(criteria, start=1):
        criterion = own.get(item.get("id"))
        if criterion is None:
            errors.setdefault("criteria", []).append(_("第 %(n)d 项不属于该评价标准") % {"n": n})
            continue
        try:
            weight = Decimal(str(item.get("weight")))
        except (InvalidOperation, ValueError):
            weight = None
        if weight is None or weight <= 0 or weight >= 1000 or weight != weight.quantize(Decimal("0.01")):
            errors.setdefault("criteria", []).append(
                _("第 %(n)d 项“%(name)s”：权重须大于 0（最多两位小数，小于 1000）") % {"n": n, "name": criterion.name}
            )
            continue
        item_name = (item.get("name") or "").strip()
        if not item_name:
            errors.setdefault("criteria", []).append(_("第 %(n)d 项：请填写名称") % {"n": n})
            continue
        changed.append((criterion, item_name, (item.get("description") or "").strip(), weight))
    if errors:
        raise ValidationError(errors)
    frozen = used_by_submitted(criteria_set)
    if frozen and (
        levels != criteria_set.levels or any(criterion.weight != weight for criterion, _n, _d, weight in changed)
    ):
        raise ValidationError(
            _("该评价标准已有提交的评价，不能再修改权重和等次（已提交的得分按原标准计算）；如需调整，请复制一套新标准")
        )
    criteria_set.name = name
    criteria_set.description = (description or "").strip()
    criteria_set.levels = levels
    criteria_set.save(update_fields=["name", "description", "levels"])
    edited = []
    for criterion, item_name, item_description, weight in changed:
        if (criterion.name, criterion.description, criterion.weight) != (item_name, item_description, weight):
            criterion.name = item_name
            criterion.description = item_description
            criterion.weight = weight
            edited.append(criterion)
    # One history row per criterion that really changed (with the editor), none for the others.
    bulk_update_with_history(edited, Criterion, ["name", "description", "weight"], default_user=by)
    return criteria_set


@transaction.atomic
def set_active(criteria_set: CriteriaSet, *, by, active: bool) -> CriteriaSet:
    """Switch a subtree set on or off (off: the next set up the tree applies again)."""
    _require_manage(by, criteria_set.owner_org)
    if active:
        clash = CriteriaSet.objects.filter(
            owner_org=criteria_set.owner_org, period=criteria_set.period, target=criteria_set.target, active=True
        ).exclude(pk=criteria_set.pk)
        if clash.exists():
            raise ValidationError(_("该范围和期间已有一套启用的评价标准"))
    criteria_set.active = active
    criteria_set.save(update_fields=["active"])
    return criteria_set

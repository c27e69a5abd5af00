"""Quotas, handed out top-down: the province gives each city a number per category, each city each
county, each county each township. A level can never hand out more than it got, and a quota is never
cut below what the node has already forwarded or handed out further down.

"评选表彰对象要注重工作实绩和社会公认度，采取自下而上、层层推荐的方式产生。" (seed, part 四) — the
nominations go up level by level; the quotas come down the same way.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from orgs import queries
from orgs.enums import OrgLevel
from orgs.models import Org, User

from ..models import AwardCategory, AwardRound, Nomination, NominationStep, Quota

# A forward keeps counting against the level's quota while the nomination is alive above it;
# a nomination rejected higher up, withdrawn or removed after 公示 frees the place again.
COUNTING_STATUSES = [
    Nomination.Status.PENDING,
    Nomination.Status.SHORTLISTED,
    Nomination.Status.PUBLICITY,
    Nomination.Status.APPROVED,
]


def quota_children(parent: Org) -> QuerySet[Org]:
    """The nodes a level hands quotas to: its active non-basic children (cities, counties, townships)."""
    return (
        Org.objects.filter(depth=parent.depth + 1, path__startswith=parent.path, active=True)
        .exclude(level=OrgLevel.BASIC)
        .order_by("path")
    )


def _of_round(award_round) -> Q:
    """Quotas of one round, or of several (a queryset or list of rounds: a category belongs to one round, so the
    (org, category) keys of different rounds stay apart)."""
    if isinstance(award_round, AwardRound):
        return Q(category__award_round=award_round)
    return Q(category__award_round__in=award_round)


def amounts(award_round, orgs) -> dict[tuple[int, int], int]:
    """{(org id, category id): amount} of the given nodes in one round (or several: ``_of_round``)."""
    rows = Quota.objects.filter(_of_round(award_round), org__in=orgs).values_list("org_id", "category_id", "amount")
    return {(org_id, category_id): amount for org_id, category_id, amount in rows}


def forwarded_counts(award_round: AwardRound, orgs) -> dict[tuple[int, int], int]:
    """{(org id, category id): how many nominations the node has forwarded that still count}."""
    rows = (
        NominationStep.objects.filter(
            org__in=orgs,
            action=NominationStep.Action.FORWARD,
            nomination__award_round=award_round,
            nomination__status__in=COUNTING_STATUSES,
        )
        .values("org_id", "nomination__category_id")
        .annotate(n=Count("nomination", distinct=True))
        .order_by()
    )
    return {(r["org_id"], r["nomination__category_id"]): r["n"] for r in rows}


def handed_out(award_round, parents) -> dict[tuple[int, int], int]:
    """{(parent id, category id): sum of the quotas of its non-basic children}, one query for all parents (and for
    several rounds: ``_of_round``)."""
    parents = list(parents)
    if not parents:
        return {}
    by_path = {p.path: p.pk for p in parents}
    q = Q(pk__in=[])
    for p in parents:
        q |= Q(org__path__startswith=p.path, org__depth=p.depth + 1)
    length = len(parents[0].path)
    if any(len(p.path) != length for p in parents):
        raise ValueError("parents must be of one depth")
    rows = (
        Quota.objects.filter(q, _of_round(award_round))
        .exclude(org__level=OrgLevel.BASIC)
        .annotate(parent_path=Substr("org__path", 1, length))
        .values("parent_path", "category_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return {(by_path[r["parent_path"]], r["category_id"]): r["total"] for r in rows}


def can_allocate(user: User, parent: Org) -> bool:
    """The 组织部 covering a node hands out its quota to the node's children."""
    return queries.covers(user, parent, queries.MANAGE_ROLES)


def summary(award_round: AwardRound, org: Org) -> list[dict]:
    """Per category: own quota, handed out, forwarded, and what is left of each (for the quota page)."""
    categories = list(award_round.categories.all())
    own = amounts(award_round, [org])
    out = handed_out(award_round, [org])
    used = forwarded_counts(award_round, [org])
    rows = []
    for c in categories:
        key = (org.pk, c.pk)
        quota = own.get(key, 0)
        rows.append(
            {
                "category": c,
                "quota": quota,
                "has_quota": key in own,
                "handed_out": out.get(key, 0),
                "left_to_hand_out": quota - out.get(key, 0),
                "forwarded": used.get(key, 0),
                "left_to_forward": quota - used.get(key, 0),
            }
        )
    return rows


def _lock(award_round: AwardRound, orgs) -> None:
    """Serialize quota changes of these nodes (PostgreSQL row locks; SQLite writes are serialized anyway)."""
    list(Quota.objects.select_for_update().filter(category__award_round=award_round, org__in=orgs).values("pk"))


def _cell_errors(award_round, categories, new, orgs) -> dict[str, str]:
    """A node's quota may not go below what it has forwarded or handed out further down."""
    used = forwarded_counts(award_round, orgs)
    out = handed_out(award_round, orgs) if orgs else {}
    errors = {}
    names = {o.pk: o.name for o in orgs}
    for (org_id, category_id), amount in new.items():
        category = categories[category_id]
        forwarded = used.get((org_id, category_id), 0)
        given = out.get((org_id, category_id), 0)
        if amount < forwarded:
            errors[cell_key(org_id, category_id)] = _(
                "“%(org)s”已上报“%(category)s” %(used)s 个，名额不能少于 %(used)s 个"
                "（如需减少，请先由上级退回已上报的推荐）"
            ) % {"org": names[org_id], "category": category, "used": forwarded}
        elif amount < given:
            errors[cell_key(org_id, category_id)] = _(
                "“%(org)s”已向下级分配“%(category)s”名额 %(given)s 个，名额不能少于 %(given)s 个"
            ) % {"org": names[org_id], "category": category, "given": given}
    return errors


def cell_key(org_id: int, category_id: int) -> str:
    return f"{org_id}-{category_id}"


def _save(award_round: AwardRound, new: dict[tuple[int, int], int]) -> None:
    existing = {
        (q.org_id, q.category_id): q
        for q in Quota.objects.filter(category__award_round=award_round, org_id__in={k[0] for k in new})
    }
    to_create, to_update = [], []
    for (org_id, category_id), amount in new.items():
        row = existing.get((org_id, category_id))
        if row is None:
            to_create.append(Quota(org_id=org_id, category_id=category_id, amount=amount))
        elif row.amount != amount:
            row.amount = amount
            to_update.append(row)
    if to_create:
        bulk_create_with_history(to_create, Quota)
    if to_update:
        bulk_update_with_history(to_update, Quota, ["amount", "updated_at"])


def set_owner_quota(award_round: AwardRound, new: dict[int, int], *, by: User) -> None:
    """The owner's own quota per category ({category id: amount}): the number it will commend.

    Raises ValidationError keyed by ``cell_key(owner id, category id)``.
    """
    owner = award_round.owner_org
    if not queries.covers(by, owner, queries.MANAGE_ROLES):
        raise PermissionDenied
    categories = {c.pk: c for c in award_round.categories.all()}
    cells = {(owner.pk, category_id): amount for category_id, amount in new.items() if category_id in categories}
    with transaction.atomic():
        _lock(award_round, [owner])
        errors = _cell_errors(award_round, categories, cells, [owner])
        if errors:
            raise ValidationError(errors)
        _save(award_round, cells)


def allocate(award_round: AwardRound, parent: Org, new: dict[tuple[int, int], int], *, by: User) -> None:
    """Set the quotas of ``parent``'s children ({(child id, category id): amount}), all or nothing.

    Refused (ValidationError keyed by ``cell_key`` or "__all__") when the children's total of a
    category exceeds the parent's own quota, or a child's quota would fall below what it has
    already forwarded or handed out to its own children.
    """
    if not can_allocate(by, parent):
        raise PermissionDenied
    categories = {c.pk: c for c in award_round.categories.all()}
    children = {c.pk: c for c in quota_children(parent)}
    cells = {
        (org_id, category_id): amount
        for (org_id, category_id), amount in new.items()
        if org_id in children and category_id in categories
    }
    with transaction.atomic():
        _lock(award_round, [parent, *children.values()])
        own = amounts(award_round, [parent])
        current = amounts(award_round, list(children.values()))
        merged = current | cells
        general = []
        for category_id, category in categories.items():
            total = sum(amount for (_org, cat), amount in merged.items() if cat == category_id)
            quota = own.get((parent.pk, category_id), 0)
            if total > quota:
                general.append(
                    _("本级“%(category)s”名额 %(quota)s 个，分配给下级合计 %(total)s 个，超出 %(over)s 个")
                    % {"category": category, "quota": quota, "total": total, "over": total - quota}
                )
        changed = [children[org_id] for org_id in sorted({org_id for org_id, _cat in cells})]
        errors = _cell_errors(award_round, categories, cells, changed)
        if general:
            errors["__all__"] = general
        if errors:
            raise ValidationError(errors)
        _save(award_round, cells)


def quota_for(category: AwardCategory, org: Org) -> int:
    return Quota.objects.filter(category=category, org=org).values_list("amount", flat=True).first() or 0

"""Assessment periods (考核期间): opened by the province's 组织部.

"上级党组织要对基层党组织、基层党组织对党员开展创先争优活动情况进行考核" (seed, part 四.(四)) —
assessments, mass evaluations and tiers are all kept per period.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from orgs import queries
from orgs.models import User

from ..models import Period


def can_open_periods(user: User) -> bool:
    """Periods are province-wide: only 组织部 on a root node opens them."""
    return any(org.depth == 1 for org in queries.top_orgs(user, queries.MANAGE_ROLES))


@transaction.atomic
def create_period(*, by: User, name: str, code: str, start_date, end_date, campaign=None) -> Period:
    if not can_open_periods(by):
        raise PermissionDenied
    period = Period(name=name, code=code, start_date=start_date, end_date=end_date, campaign=campaign)
    period.full_clean()
    period.save()
    return period


def open_period(today=None) -> Period | None:
    """The period whose dates contain ``today`` (default: today's date); when several overlap, the one
    that started latest wins. None when no period is open."""
    from django.utils import timezone

    today = today or timezone.localdate()
    return Period.objects.filter(start_date__lte=today, end_date__gte=today).order_by("-start_date", "-pk").first()

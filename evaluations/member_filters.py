"""The member list's filter by the organization's tier, added to orgs' list through ``orgs.filters.member_filters``."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from .enums import TierLevel
from .models import Period, Tier


def tier_period():
    """The latest assessment period that has tiers (the tier filter's period), or None. One query."""
    return (
        Period.objects.filter(Exists(Tier.objects.filter(period=OuterRef("pk"))))
        .order_by("-start_date", "-pk")
        .only("pk", "name")
        .first()
    )


def tier_filter(filterset):
    """Members of organizations whose tier (the override when there is one) in the latest period is the value."""
    period = tier_period()

    def filter_tier(queryset, name, value):
        if period is None:
            return queryset.none()
        tiers = Tier.objects.filter(period=period).filter(Q(override=value) | Q(override__isnull=True, computed=value))
        return queryset.filter(org_id__in=tiers.values("org_id"))

    label = _("组织档次") if period is None else _("组织档次（%(period)s）") % {"period": period.name}
    return django_filters.ChoiceFilter(
        label=label, choices=TierLevel.choices, empty_label=_("全部档次"), method=filter_tier
    )

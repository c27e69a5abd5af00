"""Search and filters of the member list (orgs.views.members) and of the member export (orgs.exporters).

Every filter is one condition on ``orgs_member`` that one of Member's covering indexes answers in tree
order (orgs.models.Member.Meta.indexes; plans in bench/README.md, 党员列表): the organization's kind and
sector are copies on the member (``org_kind``, ``org_sector``), the age band a range of birth dates.

Higher apps add filters through ``member_filters`` without orgs knowing them (the hierarchy runs
orgs ← campaign ← evaluations ← …): evaluations adds the organization's tier from its ``AppConfig.ready()``.
"""

import datetime
import re
from collections.abc import Callable

import django_filters
from django import forms
from django.db import connections
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import queries
from .enums import MemberCategory, MemberStatus, OrgKind, Sector
from .models import Member, Org
from .validators import id_number_forms, normalize_id_number

AGE_BANDS = {
    # value: (label, youngest age, oldest age) — age on today's date, in the bands of the party's statistics
    "le35": (_("35岁及以下"), None, 35),
    "36-45": (_("36至45岁"), 36, 45),
    "46-55": (_("46至55岁"), 46, 55),
    "56-60": (_("56至60岁"), 56, 60),
    "ge61": (_("61岁及以上"), 61, None),
}
BADGES = {
    # value: (label, Member's flag) — the member's own 亮牌 flags, kept by campaign.models.badges.
    "demo_household": (_("党员示范户"), "badge_demo_household"),
    "vanguard_post": (_("党员先锋岗"), "badge_vanguard_post"),
    "responsibility_area": (_("党员责任区"), "badge_responsibility_area"),
}
ID_SHAPED = re.compile(r"^\d+[Xx]?$")
# At least the area code and the year of birth: fewer digits pick a whole county (search it by 组织编码).
ID_PREFIX_MIN = 10


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` earlier (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def age_band_q(band: str, today: datetime.date) -> Q:
    """Members whose age on ``today`` is in ``band``: a range of birth dates."""
    _label, youngest, oldest = AGE_BANDS[band]
    q = Q()
    if youngest is not None:  # at least ``youngest`` years old: born on or before that birthday
        q &= Q(birth_date__lte=years_before(today, youngest))
    if oldest is not None:  # not yet ``oldest + 1``: born after that birthday
        q &= Q(birth_date__gt=years_before(today, oldest + 1))
    return q


class FilterSlot:
    """Filters that higher apps add to the member list (and its export), after the list's own, in order.

    ``build(filterset)`` is called once per MemberFilter and returns a django-filter ``Filter`` whose
    ``method`` is a callable ``(queryset, name, value)``; it may read ``filterset.user`` / ``filterset.today``.
    A name is registered once (re-running ready() is harmless).
    """

    def __init__(self) -> None:
        self._builders: dict[str, Callable] = {}

    def register(self, name: str, build: Callable) -> None:
        self._builders[name] = build

    def add_to(self, filterset) -> None:
        for name, build in self._builders.items():
            filterset.filters[name] = build(filterset)


member_filters = FilterSlot()


class MemberFilterForm(forms.Form):
    """The filter form; ``id_prefix_allowed`` is set by MemberFilter from the user's roles."""

    id_prefix_allowed = False

    def clean_q(self):
        text = queries.search_text(self.cleaned_data.get("q"))
        if ID_SHAPED.match(text) and len(text) not in (15, 18):
            if not self.id_prefix_allowed:
                raise forms.ValidationError(_("按身份证号查询请输入完整的15位或18位号码"))
            if len(text) < ID_PREFIX_MIN or not text.isdigit():
                raise forms.ValidationError(_("按身份证号前几位查询请至少输入前10位数字（地区码和出生年份）"))
        return text


class MemberFilter(django_filters.FilterSet):
    """Search and filters of the member list. Labels are set here (django-filter ships no zh_Hans).

    ``q`` is a name (contains) or an ID number: the full number (either of its 15- and 18-digit forms), or its
    first digits (at least 10: area and year of birth) for 组织部 users, among the members they manage — a user
    who sees masked numbers could otherwise read a full number off the answers digit by digit.
    """

    q = django_filters.CharFilter(label=_("姓名或身份证号"), method="filter_q")
    org = django_filters.CharFilter(label=_("组织编码"), method="filter_org")
    sector = django_filters.ChoiceFilter(
        label=_("所属领域"), field_name="org_sector", choices=Sector.choices, empty_label=_("全部领域")
    )
    kind = django_filters.ChoiceFilter(
        label=_("组织类别"), field_name="org_kind", choices=OrgKind.choices, empty_label=_("全部类别")
    )
    status = django_filters.ChoiceFilter(label=_("党员状态"), choices=MemberStatus.choices, empty_label=_("全部状态"))
    category = django_filters.ChoiceFilter(
        label=_("人员类别"), choices=MemberCategory.choices, empty_label=_("全部人员类别")
    )
    age = django_filters.ChoiceFilter(
        label=_("年龄段"),
        choices=[(value, label) for value, (label, _y, _o) in AGE_BANDS.items()],
        empty_label=_("全部年龄"),
        method="filter_age",
    )
    badge = django_filters.ChoiceFilter(
        label=_("亮牌示范"),
        choices=[(value, label) for value, (label, _f) in BADGES.items()],
        empty_label=_("全部"),
        method="filter_badge",
    )

    class Meta:
        model = Member
        fields = ["q", "org", "sector", "kind", "status", "category", "age", "badge"]
        form = MemberFilterForm

    def __init__(self, *args, user=None, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.today = today or timezone.localdate()
        member_filters.add_to(self)  # before the form is built from self.filters
        # Without a user (the export, whose queryset holds only members its user manages) a prefix is allowed.
        self.form.id_prefix_allowed = user is None or queries.has_role(user, queries.MANAGE_ROLES)

    def filter_queryset(self, queryset):
        """Nobody when a field is wrong (the error is shown at the field): never the unfiltered list instead."""
        if not self.form.is_valid():
            return queryset.none()
        return super().filter_queryset(queryset)

    def filter_q(self, queryset, name, value):
        text = value  # already cleaned: search_text()
        if not text:
            return queryset
        if ID_SHAPED.match(text):
            number = normalize_id_number(text)
            if len(number) in (15, 18):
                return queryset.filter(id_number__in=sorted(id_number_forms(number)))
            prefix = queryset.filter(id_number__startswith=number)
            if self.user is not None:
                prefix = prefix.filter(queries.member_scope_q(self.user, roles=queries.MANAGE_ROLES))
            return prefix
        if len(text) == 1 and connections[queryset.db].vendor == "postgresql":
            # One character: the same rows as "contains", answered (and counted) by the name's characters.
            return queryset.filter(queries.name_has_chars(text))
        return queryset.filter(name__contains=text)

    def filter_org(self, queryset, name, value):
        org = Org.objects.filter(code=value.strip()).only("path", "subtree_members").first()
        if org is None:
            return queryset.none()
        self.scope_size = org.subtree_members  # the list's scope is at most this subtree
        return queryset.filter(org_path__startswith=org.path)

    def filter_age(self, queryset, name, value):
        return queryset.filter(age_band_q(value, self.today))

    def filter_badge(self, queryset, name, value):
        return queryset.filter(**{BADGES[value][1]: True})

    @property
    def is_filtered(self):
        return any(self.form.cleaned_data.get(f) for f in self.filters) if self.form.is_valid() else False

    @property
    def id_prefix(self) -> bool:
        """Is ``q`` the first digits of an ID number? (Those members sit together in one corner of the tree.)"""
        text = self.form.cleaned_data.get("q", "") if self.form.is_valid() else ""
        return bool(text) and bool(ID_SHAPED.match(text)) and len(text) not in (15, 18)

    @property
    def name_query(self) -> str:
        """The name searched for ("" for none or an ID number)."""
        text = self.form.cleaned_data.get("q", "") if self.form.is_valid() else ""
        return "" if not text or ID_SHAPED.match(text) else text

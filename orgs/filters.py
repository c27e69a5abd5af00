import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .enums import MemberCategory, MemberStatus, OrgKind, Sector
from .models import Member, Org
from .validators import normalize_id_number


class MemberFilter(django_filters.FilterSet):
    """Search and filters of the member list. Labels are set here (django-filter ships no zh_Hans)."""

    q = django_filters.CharFilter(label=_("姓名或身份证号"), method="filter_q")
    org = django_filters.CharFilter(label=_("组织编码"), method="filter_org")
    sector = django_filters.ChoiceFilter(
        label=_("所属领域"), field_name="org_sector", choices=Sector.choices, empty_label=_("全部领域")
    )
    kind = django_filters.ChoiceFilter(
        label=_("组织类别"), field_name="org__kind", choices=OrgKind.choices, empty_label=_("全部类别")
    )
    status = django_filters.ChoiceFilter(label=_("党员状态"), choices=MemberStatus.choices, empty_label=_("全部状态"))
    category = django_filters.ChoiceFilter(
        label=_("人员类别"), choices=MemberCategory.choices, empty_label=_("全部人员类别")
    )

    class Meta:
        model = Member
        fields = ["q", "org", "sector", "kind", "status", "category"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        normalized = normalize_id_number(value)
        if len(normalized) in (15, 18) and normalized[:15].isdigit():
            return queryset.filter(id_number=normalized)
        # A prefix search stays on the name index at any scale.
        return queryset.filter(Q(name__startswith=value))

    def filter_org(self, queryset, name, value):
        org = Org.objects.filter(code=value.strip()).only("path").first()
        if org is None:
            return queryset.none()
        return queryset.filter(org_path__startswith=org.path)

    @property
    def is_filtered(self):
        return any(self.form.cleaned_data.get(f) for f in self.Meta.fields) if self.form.is_valid() else False

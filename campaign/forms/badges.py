"""Forms of the 亮牌示范 register: an entry, ending it, 佩戴党徽 per month, and the list filters."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orgs.enums import Sector
from orgs.forms.fields import DATE_WIDGET, MemberPostChoiceField, OrgCodeField, OrgFilterMixin, OrgPickerWidget
from orgs.models import Member

from ..models import BadgeEntry, BadgeKind, BadgeWearing
from ..queries import badges as qb

TEXTAREA = forms.Textarea(attrs={"rows": 3})
MONTH_WIDGET = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
MONTH_FORMATS = ["%Y-%m", "%Y-%m-%d", "%Y/%m"]


class MonthField(forms.DateField):
    """A month (``<input type="month">``: YYYY-MM); stored as its first day."""

    widget = MONTH_WIDGET

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", MONTH_FORMATS)
        kwargs.setdefault("error_messages", {"invalid": _("请按“年-月”填写月份，如 2010-07")})
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace(day=1) if value else value


class MonthQueryForm(forms.Form):
    """``?month=YYYY-MM`` of a page; an unreadable month opens none."""

    month = MonthField(required=False)


class BadgeEntryForm(forms.ModelForm):
    """The member is one of the organization's own members (a member of a lower organization is registered
    there); a 示范岗位 may name only the post."""

    member = MemberPostChoiceField(label=_("党员"), queryset=Member.objects.none(), required=False)

    class Meta:
        model = BadgeEntry
        fields = ["kind", "member", "post_name", "place", "description", "start_date", "end_date"]
        widgets = {"start_date": DATE_WIDGET, "end_date": DATE_WIDGET, "description": TEXTAREA}

    def __init__(self, *args, org, **kwargs):
        kwargs.setdefault("instance", BadgeEntry(org=org))
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = Member.objects.filter(org=org).order_by("name", "id")
        self.fields["member"].help_text = _("党员示范户、党员先锋岗、党员责任区须选择党员；示范岗位可只填岗位名称。")
        if self.instance.pk is None and not self.initial.get("start_date"):
            self.initial["start_date"] = timezone.localdate()


class EndEntryForm(forms.Form):
    end_date = forms.DateField(label=_("结束日期"), widget=DATE_WIDGET, help_text=_("示范到这一天为止（含当天）。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["end_date"].initial = timezone.localdate()


class BadgeFilterForm(OrgFilterMixin, forms.Form):
    """The list's filters; the organization code is resolved by the view (outside the scope: 404)."""

    org = OrgCodeField(label=_("组织编码"), required=False, widget=OrgPickerWidget)
    kind = forms.ChoiceField(label=_("类别"), required=False, choices=[("", _("全部")), *BadgeKind.choices])
    sector = forms.ChoiceField(label=_("领域"), required=False, choices=[("", _("全部")), *Sector.choices])
    state = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[(qb.STATE_CURRENT, _("示范中")), (qb.STATE_ALL, _("全部（含已结束、未开始）"))],
    )

    def values(self) -> dict:
        """The valid filters (an invalid choice is ignored, as if not given)."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "kind": data.get("kind") or "",
            "sector": data.get("sector") or "",
            "state": data.get("state") or qb.STATE_CURRENT,
        }


class WearingForm(forms.ModelForm):
    month = MonthField(label=_("月份"), help_text=_("同一月份再次登记即更新该月的数字。"))

    class Meta:
        model = BadgeWearing
        fields = ["month", "wearing", "total", "note"]

    def __init__(self, *args, org, **kwargs):
        kwargs.setdefault("instance", BadgeWearing(org=org))
        super().__init__(*args, **kwargs)
        self.fields["total"].help_text = _("本组织现有党员 %(n)s 名。") % {"n": org.subtree_members}
        if self.instance.pk is None:
            # A new row's instance carries no values: today's month and the organization's members by default.
            self.initial["month"] = self.initial.get("month") or timezone.localdate().replace(day=1)
            self.initial["total"] = self.initial.get("total") or org.subtree_members

    def validate_unique(self):
        """Recording a month again corrects it (the service updates the row): no "already exists" error."""


class WearingFilterForm(OrgFilterMixin, forms.Form):
    org = OrgCodeField(label=_("组织编码"), required=False, widget=OrgPickerWidget)
    month = MonthField(label=_("月份"), required=False, help_text=_("不填为最近登记的月份。"))
    sector = forms.ChoiceField(label=_("领域"), required=False, choices=[("", _("全部")), *Sector.choices])

    def values(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        month = data.get("month")
        return {"month": month if isinstance(month, datetime.date) else None, "sector": data.get("sector") or ""}

"""Forms of a basic organization's own commendation: the round, one awardee, an annulment reason."""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from orgs.forms.fields import DATE_WIDGET, MemberPostChoiceField

from ..models import BasicCommendation
from ..models.basic import DEFAULT_HONOUR
from ..services.basic import MAX_PUBLICITY_DAYS


class BasicOrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.code}）"


class CommendationForm(forms.ModelForm):
    """The round's name, year, date, method and the optional 公示; the organization only when created."""

    org = BasicOrgChoiceField(label=_("表彰组织"), queryset=None, empty_label=None)

    class Meta:
        model = BasicCommendation
        fields = ["title", "year", "date", "method", "publicity", "publicity_working_days", "publicity_contact"]
        widgets = {"date": DATE_WIDGET, "method": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        if orgs is None:
            del self.fields["org"]
        else:
            self.fields["org"].queryset = orgs
            self.fields["org"].error_messages["invalid_choice"] = _("只能为您担任书记的基层党组织开展表彰")
        days = self.fields["publicity_working_days"]
        days.validators += [MinValueValidator(1), MaxValueValidator(MAX_PUBLICITY_DAYS)]
        days.widget.attrs.update({"min": 1, "max": MAX_PUBLICITY_DAYS})
        self.fields["year"].widget.attrs.update({"min": 1921, "max": 2100})
        self.fields["title"].error_messages["required"] = _("请填写表彰名称")
        self.fields["method"].error_messages["required"] = _("请填写评选方式，如党员大会评选")


class AwardForm(forms.Form):
    """One of the organization's own members, with the honour and a short citation."""

    member = MemberPostChoiceField(label=_("受表彰党员"), queryset=None)
    honour = forms.CharField(label=_("荣誉称号"), max_length=50, initial=DEFAULT_HONOUR)
    citation = forms.CharField(
        label=_("主要事迹"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("简要写明主要事迹（1000 字以内）"),
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        field.queryset = members
        field.error_messages["invalid_choice"] = _("只能表彰本组织的党员，请从本组织党员名单中选择")
        field.error_messages["required"] = _("请选择受表彰党员")


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("撤销原因"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写撤销原因")},
    )


class CitedHonoursField(forms.ModelMultipleChoiceField):
    """The nominee's basic honours cited in a higher nomination (awards.forms.nominations uses it)."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, queryset, **kwargs):
        kwargs.setdefault("label", _("引用基层表彰（可选）"))
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text", _("被推荐党员在基层党组织受到的表彰，可作为推荐依据；只能引用其本人已公布的表彰。")
        )
        super().__init__(queryset, **kwargs)
        self.error_messages["invalid_choice"] = _("只能引用被推荐党员本人已公布的基层表彰")

    def label_from_instance(self, obj):
        c = obj.commendation
        return f"{obj.member_name}：{c.org.name} {c.title} · {obj.honour}（{c.date:%Y-%m-%d}）"

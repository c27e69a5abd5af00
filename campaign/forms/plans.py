"""Forms for implementation plans and public commitments."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from orgs.enums import SECTOR_CARRIERS

from ..models import Commitment, Fulfilment, Plan
from ..uploads import AttachmentsField

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def carrier_choices(org, current=()) -> list[tuple[str, str]]:
    """The seed's carriers for the organization's sector, plus any already chosen (kept if the sector changed)."""
    offered = list(SECTOR_CARRIERS.get(org.sector, []))
    offered += [c for c in current if c not in offered]
    return [(c, gettext(c)) for c in offered]


class PlanForm(forms.ModelForm):
    """The plan's content. ``revision`` (hidden) refuses an edit made against a stale plan."""

    carriers = forms.MultipleChoiceField(
        label=_("活动载体"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("本领域建议的活动载体，可多选；其他载体请填在下一栏。"),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Plan
        fields = ["theme", "carriers", "other_carriers", "goals", "measures", "rectification", "commitments"]
        widgets = {
            "goals": forms.Textarea(attrs={"rows": 4}),
            "measures": forms.Textarea(attrs={"rows": 5}),
            "rectification": forms.Textarea(attrs={"rows": 3}),
            "commitments": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"other_carriers": _("多个载体用顿号分隔")}

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.carriers if self.instance.pk else []
        self.fields["carriers"].choices = carrier_choices(org, current)
        if not self.fields["carriers"].choices:
            self.fields["carriers"].widget = forms.MultipleHiddenInput()
        if self.instance.pk and not self.is_bound:
            self.initial["revision"] = self.instance.revision

    def clean(self):
        data = super().clean()
        if not data.get("carriers") and not (data.get("other_carriers") or "").strip():
            self.add_error("other_carriers", _("请至少选择一个活动载体，或填写其他载体"))
        return data


class RevisionForm(forms.Form):
    """What every transition button posts: the revision the user saw."""

    revision = forms.IntegerField(widget=forms.HiddenInput)


class ReturnForm(RevisionForm):
    reason = forms.CharField(
        label=_("退回原因"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("退回方案时必须填写退回原因")},
        help_text=_("请写明需要修改的地方，书记会在方案页面看到。"),
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("退回方案时必须填写退回原因"))
        return reason


class PlanFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部"))] + Plan.Status.choices)
    q = forms.CharField(label=_("组织名称或编码"), required=False, max_length=50)
    pending = forms.BooleanField(label=_("待我审批"), required=False)


class CommitmentForm(forms.Form):
    """A secretary writes for the organization or one of its members; a member writes its own."""

    member = forms.ModelChoiceField(
        label=_("承诺党员"),
        queryset=None,
        required=False,
        empty_label=_("（本组织的承诺）"),
        help_text=_("代党员填写时选择党员；不选则为党组织的承诺。"),
    )
    content = forms.CharField(label=_("承诺内容"), widget=forms.Textarea(attrs={"rows": 5}), max_length=4000)

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        if members is None:
            del self.fields["member"]
        else:
            self.fields["member"].queryset = members
            self.fields["member"].label_from_instance = lambda m: m.name + (f"（{m.post}）" if m.post else "")


class CommitmentEditForm(forms.Form):
    content = forms.CharField(label=_("承诺内容"), widget=forms.Textarea(attrs={"rows": 5}), max_length=4000)


class FulfilmentForm(forms.Form):
    date = forms.DateField(label=_("兑现日期"), widget=DATE_WIDGET)
    description = forms.CharField(label=_("兑现情况说明"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    fulfilment = forms.ChoiceField(label=_("兑现状态"), choices=Fulfilment.choices)
    files = AttachmentsField(label=_("佐证材料（图片或 PDF，可多选）"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("兑现日期不能晚于今天"))
        return date


class CommitmentFilterForm(forms.Form):
    KIND_CHOICES = [("", _("全部")), ("org", _("组织承诺")), ("member", _("党员承诺"))]

    kind = forms.ChoiceField(label=_("类别"), required=False, choices=KIND_CHOICES)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部"))] + Commitment.Status.choices)
    fulfilment = forms.ChoiceField(label=_("兑现情况"), required=False, choices=[("", _("全部"))] + Fulfilment.choices)
    q = forms.CharField(label=_("组织或党员"), required=False, max_length=50)

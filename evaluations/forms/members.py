"""Forms of the branch's work on its members: 党性分析 participation and the member rating."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orgs.forms.fields import DATE_WIDGET
from orgs.models import Member

from ..enums import MemberRatingLevel


class ParticipationForm(forms.Form):
    """Members of one organization who took part in the 党性分析 without a written report."""

    members = forms.ModelMultipleChoiceField(
        label=_("参加党性分析的党员"),
        queryset=Member.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("请至少选择一名党员"),
            "invalid_choice": _("所选党员不在本组织"),
            "invalid_pk_value": _("所选党员不在本组织"),
        },
    )
    took_part_on = forms.DateField(
        label=_("参加日期"), widget=DATE_WIDGET, error_messages={"invalid": _("请输入有效日期，如 2010-06-25")}
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False, help_text=_("如：在党性分析会上作口头发言"))

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = Member.objects.filter(org=org)
        if not self.is_bound:
            self.initial.setdefault("took_part_on", timezone.localdate())

    def ticked(self) -> set[str]:
        """The members ticked when the form was sent: still ticked when it is shown again with an error."""
        return {str(pk) for pk in self["members"].value() or []}


class RatingForm(forms.Form):
    """The member's rating; ``version`` is the rating's updated_at as loaded (stale-save check)."""

    level = forms.ChoiceField(
        label=_("评定等次"),
        choices=MemberRatingLevel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择评定等次"), "invalid_choice": _("请选择评定等次")},
    )
    reason = forms.CharField(
        label=_("评定理由"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
        help_text=_("评定等次与综合得分对应的等次不一致时必须填写"),
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False)

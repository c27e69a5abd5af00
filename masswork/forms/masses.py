"""Forms of serving the masses: 党员联系户, 服务记录, 干群恳谈会, 矛盾纠纷, 党建工作指导员, 大学生村官 filters."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orgs.forms.fields import (
    DATE_WIDGET,
    NameChoiceField,
    OrgCodeField,
    OrgFilterMixin,
    OrgPickerWidget,
    member_checkboxes,
)
from orgs.models import Member

from ..models import Dispute, DisputeCategory, DisputeOutcome, Household, MassMeeting, ServiceRecord
from ..queries import masses as mq

TEXTAREA = forms.Textarea(attrs={"rows": 3})
MAX_DAYS = 3650


class HouseholdForm(forms.ModelForm):
    members = member_checkboxes(_("联系党员"), _("一名党员可以联系多户，一户也可以由几名党员共同联系。"))

    class Meta:
        model = Household
        fields = ["head_name", "village", "size", "phone", "needs", "active"]
        widgets = {"needs": TEXTAREA}

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = Member.objects.filter(org=org).order_by("name", "id")
        if self.instance.pk:
            self.initial.setdefault("members", list(self.instance.links.values_list("member_id", flat=True)))


class ServiceForm(forms.ModelForm):
    member = NameChoiceField(label=_("服务党员"), queryset=Member.objects.none(), required=False)

    class Meta:
        model = ServiceRecord
        fields = ["kind", "date", "content", "outcome"]
        widgets = {"date": DATE_WIDGET, "content": TEXTAREA, "outcome": TEXTAREA}

    def __init__(self, *args, household, choose_member=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        if choose_member:
            self.fields["member"].queryset = household.members.order_by("name", "id")
            self.fields["member"].help_text = _("由哪名联系党员开展的服务（书记代为记录时选择）。")
            self.order_fields(["member", "kind", "date", "content", "outcome"])
        else:
            del self.fields["member"]


class HouseholdFilterForm(OrgFilterMixin, forms.Form):
    q = forms.CharField(label=_("户主或村（社区）"), required=False, max_length=50)
    org = OrgCodeField(label=_("组织编码"), required=False, widget=OrgPickerWidget)


class NoContactForm(forms.Form):
    days = forms.IntegerField(
        label=_("未联系天数"), min_value=1, max_value=MAX_DAYS, required=False, initial=mq.DEFAULT_NO_CONTACT_DAYS
    )

    def clean_days(self):
        return self.cleaned_data.get("days") or mq.DEFAULT_NO_CONTACT_DAYS


class MeetingForm(forms.ModelForm):
    class Meta:
        model = MassMeeting
        fields = ["date", "place", "attendance", "masses_count", "issues", "responses"]
        widgets = {"date": DATE_WIDGET, "issues": TEXTAREA, "responses": TEXTAREA}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        attendance, masses = data.get("attendance"), data.get("masses_count")
        if attendance is not None and masses is not None and masses > attendance:
            self.add_error("masses_count", _("群众人数不能多于参加人数"))
        return data


class DisputeForm(forms.ModelForm):
    class Meta:
        model = Dispute
        fields = ["found_on", "category", "parties", "summary"]
        widgets = {"found_on": DATE_WIDGET, "parties": TEXTAREA, "summary": TEXTAREA}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["found_on"].initial = timezone.localdate()


class DisputeStepForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=DATE_WIDGET)
    action = forms.CharField(label=_("处理措施"), widget=TEXTAREA)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()


class DisputeOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("处理结果"),
        choices=[c for c in DisputeOutcome.choices if c[0]],
        widget=forms.RadioSelect,
    )
    outcome_on = forms.DateField(label=_("结果日期"), widget=DATE_WIDGET)
    outcome_note = forms.CharField(
        label=_("结果说明"), required=False, widget=TEXTAREA, help_text=_("上交时写明上交单位。")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome_on"].initial = timezone.localdate()


class DisputeFilterForm(OrgFilterMixin, forms.Form):
    org = OrgCodeField(label=_("组织编码"), required=False, widget=OrgPickerWidget)
    category = forms.ChoiceField(
        label=_("纠纷类别"),
        required=False,
        choices=[("", _("全部")), *DisputeCategory.choices],
    )
    outcome = forms.ChoiceField(
        label=_("处理结果"),
        required=False,
        choices=[("", _("全部")), ("pending", _("处理中"))] + [c for c in DisputeOutcome.choices if c[0]],
    )

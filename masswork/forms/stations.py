"""Forms of the 群众工作站 register: stations, visits, closing a visit, and the list filters."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orgs.forms.fields import DATE_WIDGET, NameChoiceField, OrgPickerField, member_checkboxes
from orgs.models import Member

from ..models import Station, Visit, VisitStatus, VisitTopic
from ..queries import stations as mq

TEXTAREA = forms.Textarea(attrs={"rows": 3})
ACTIVE_CHOICES = [("", _("全部")), ("1", _("开放中")), ("0", _("已停用"))]


class StationForm(forms.ModelForm):
    """A station. New: ``org`` is picked (the secretary's own organization when it has only one); the members on
    duty are chosen among the organization's members once it is known."""

    org = OrgPickerField(label=_("所属组织"), roles=mq.WRITE_ROLES)
    duty_members = member_checkboxes(_("值班党员"), _("本组织在工作站轮流值班的党员。"))

    class Meta:
        model = Station
        fields = ["name", "address", "opening_hours", "phone", "duty_others", "active"]
        widgets = {"duty_others": TEXTAREA}

    def __init__(self, *args, user, org=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk:
            org = self.instance.org
        if org is not None:
            del self.fields["org"]
            self.fields["duty_members"].queryset = mq.org_members(org)
            if self.instance.pk:
                self.initial.setdefault("duty_members", list(self.instance.duties.values_list("member_id", flat=True)))
        else:
            del self.fields["duty_members"]
            self.fields["org"].help_text = _("输入名称、编码或拼音首字母查找。值班党员在登记后的修改页面安排。")
            self.order_fields(["org"])


class VisitForm(forms.ModelForm):
    handled_by = NameChoiceField(label=_("经办党员"), queryset=Member.objects.none(), required=False)
    settle = forms.BooleanField(
        label=_("当场办结"), required=False, help_text=_("当场答复或解决的，勾选后按来访日期登记为已办结。")
    )

    class Meta:
        model = Visit
        fields = ["visited_on", "visitor_name", "visitor_phone", "topic", "request", "handled_by", "handler_name"]
        fields += ["action"]
        widgets = {"visited_on": DATE_WIDGET, "request": TEXTAREA, "action": TEXTAREA}

    def __init__(self, *args, station, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handled_by"].queryset = mq.org_members(station.org)
        self.fields["visited_on"].initial = timezone.localdate()
        if self.instance.pk:
            del self.fields["settle"]


class CloseVisitForm(forms.Form):
    closed_on = forms.DateField(label=_("办结日期"), widget=DATE_WIDGET)
    action = forms.CharField(label=_("办理情况"), widget=TEXTAREA, help_text=_("做了什么、结果如何、群众是否满意。"))

    def __init__(self, *args, visit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["closed_on"].initial = timezone.localdate()
        if visit is not None and visit.action:
            self.fields["action"].initial = visit.action


class StationFilterForm(forms.Form):
    org = OrgPickerField(label=_("组织"), required=False, roles=mq.READ_ROLES)
    q = forms.CharField(label=_("工作站名称"), required=False, max_length=50)
    active = forms.ChoiceField(label=_("状态"), required=False, choices=ACTIVE_CHOICES)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user


class VisitFilterForm(forms.Form):
    org = OrgPickerField(label=_("组织"), required=False, roles=mq.READ_ROLES)
    status = forms.ChoiceField(label=_("办理状态"), required=False, choices=[("", _("全部")), *VisitStatus.choices])
    topic = forms.ChoiceField(label=_("事项类别"), required=False, choices=[("", _("全部")), *VisitTopic.choices])
    since = forms.DateField(label=_("来访日期自"), required=False, widget=DATE_WIDGET)
    until = forms.DateField(label=_("至"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

"""Forms of the organization and member records: an organization's fields, a member's fields, a transfer."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from .. import queries, services
from ..enums import OrgLevel, Role
from ..models import Member, Org
from ..validators import member_facts_errors, normalize_id_number
from .fields import BASIC_ONLY, DATE_WIDGET, CalendarDateField, OrgPickerField


class OrgForm(forms.ModelForm):
    class Meta:
        model = Org
        fields = ["code", "name", "kind", "level", "sector", "ethnic_religious", "active"]

    def __init__(self, *args, creating=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not creating:
            self.fields["code"].disabled = True


class MemberForm(forms.ModelForm):
    """A member's own fields. ``version`` refuses an edit made against stale data."""

    org_code = OrgPickerField(
        label=_("所在组织"),
        roles={Role.ORG_DEPARTMENT},
        levels={OrgLevel.BASIC},
        error_messages=BASIC_ONLY,
        help_text=_("输入名称、编码或拼音首字母查找，或逐级展开选择基层党组织"),
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Member
        fields = [
            "name",
            "gender",
            "ethnicity",
            "birth_date",
            "id_number",
            "mobile",
            "join_date",
            "status",
            "category",
            "post",
            "duties",
            "badge_demo_household",
            "badge_vanguard_post",
            "badge_responsibility_area",
            "college_official",
        ]
        widgets = {"birth_date": DATE_WIDGET, "join_date": DATE_WIDGET, "duties": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"birth_date": CalendarDateField, "join_date": CalendarDateField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        editing = self.instance.pk is not None
        if editing:
            # The organization changes only through a transfer (组织关系转接).
            del self.fields["org_code"]
            self.fields["version"].required = True
            self.fields["version"].error_messages["required"] = _("表单已过期，请重新打开编辑页面")
            self.initial.setdefault("version", self.instance.updated_at.isoformat())
            if not queries.can_see_full_id(user, self.instance):
                self.fields["id_number"].disabled = True
        else:
            del self.fields["version"]
            self.order_fields(["org_code"])

    def clean_id_number(self):
        value = normalize_id_number(self.cleaned_data.get("id_number"))
        if value and services.id_number_taken(value, exclude_pk=self.instance.pk):
            raise forms.ValidationError(services.ID_NUMBER_TAKEN)
        return value

    def clean(self):
        data = super().clean()
        joined = data.get("join_date")
        if joined and joined > datetime.date.today():
            self.add_error("join_date", _("入党日期不能晚于今天"))
            joined = None
        facts = member_facts_errors(
            gender=data.get("gender"),
            birth_date=data.get("birth_date"),
            id_number="" if self.has_error("id_number") else data.get("id_number", ""),
            join_date=joined,
        )
        for name, message in facts.items():
            self.add_error(name, message)
        return data


class MemberTransferForm(forms.Form):
    to_org = OrgPickerField(
        label=_("转入组织"), roles={Role.ORG_DEPARTMENT}, levels={OrgLevel.BASIC}, error_messages=BASIC_ONLY
    )
    reason = forms.CharField(label=_("转接原因"), max_length=200, required=False)

    def __init__(self, *args, user, member, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.member = member

    def clean_to_org(self):
        org = self.cleaned_data["to_org"]
        if org.pk == self.member.org_id:
            raise forms.ValidationError(_("党员已在该组织，无需转接"))
        return org

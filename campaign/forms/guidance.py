"""Forms of the 指导小组 of provincial departments. Rules are the services' (campaign.services.guidance); the forms
only shape the input and put the services' Chinese messages at the field."""

from django import forms
from django.db.models.fields import BLANK_CHOICE_DASH
from django.utils.translation import gettext_lazy as _

from orgs.enums import Sector
from orgs.forms.fields import OrgPickerField

from ..models import GuidanceContactPoint, GuidanceGroup, GuidanceGroupMember
from ..queries import guidance as gq
from .supervision import AccountMemberForm


class GuidanceGroupForm(forms.ModelForm):
    class Meta:
        model = GuidanceGroup
        fields = ["name", "department", "phone"]
        widgets = {"phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"})}


class GuidanceGroupCreateForm(GuidanceGroupForm):
    """The sector offered: a department's own sectors (组织部 of the province: every sector)."""

    class Meta(GuidanceGroupForm.Meta):
        fields = ["sector", "department", "name", "phone"]

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        allowed = gq.creatable_sectors(user)
        labels = dict(Sector.choices)
        self.fields["sector"].choices = [*BLANK_CHOICE_DASH] + [(s, labels[s]) for s in allowed]
        if len(allowed) == 1:
            self.fields["sector"].initial = allowed[0]


class GuidanceMemberForm(AccountMemberForm):
    account_help = _("本省的平台账号，如成员本人有账号可关联")
    not_found = _("找不到本省的账号“%(name)s”")

    class Meta:
        model = GuidanceGroupMember
        fields = ["name", "post", "phone", "group_role", "order"]
        widgets = {"phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"})}

    def __init__(self, *args, group, **kwargs):
        self.group = group
        super().__init__(*args, **kwargs)

    def find_account(self, username):
        return gq.account_in_province(self.group, username)


class GuidancePointForm(forms.ModelForm):
    org_code = OrgPickerField(label=_("联系点（组织编码）"))

    class Meta:
        model = GuidanceContactPoint
        fields = ["notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    field_order = ["org_code", "notes"]

    def __init__(self, *args, user, group, **kwargs):
        self.user = user
        self.group = group
        super().__init__(*args, **kwargs)
        label = dict(Sector.choices).get(group.sector, group.sector)
        self.fields["org_code"].help_text = _("“%(sector)s”领域的组织") % {"sector": label}
        self.fields["org_code"].error_messages["not_found"] = _("找不到编码为“%(code)s”的组织，或它不在您的范围内")

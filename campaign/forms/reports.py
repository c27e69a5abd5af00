"""The form of the register of 省直 reporting bodies (省直报送单位名录)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from orgs.enums import Role
from orgs.forms.fields import OrgPickerField

from ..models import ReportingBody


class ReportingBodyForm(forms.ModelForm):
    org_code = OrgPickerField(label=_("单位（组织编码）"), roles={Role.ORG_DEPARTMENT})

    class Meta:
        model = ReportingBody
        fields = ["category", "note"]

    field_order = ["org_code", "category", "note"]

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

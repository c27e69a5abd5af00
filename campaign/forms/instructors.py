"""Forms of 党建工作指导员 (assign an account or a new one to basic organizations) and the 大学生村官 filter."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from orgs import queries
from orgs.forms.fields import OrgCodeField, OrgFilterMixin, OrgPickerWidget, clean_org_code

from ..queries import instructors as mq

CODE_SPLIT = re.compile(r"[\s,，、;；]+")


class OrgCodesField(forms.CharField):
    """Several organization codes, separated by spaces, commas or new lines."""

    widget = forms.Textarea(attrs={"rows": 2})

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("基层党组织编码"))
        kwargs.setdefault("help_text", _("可填写多个，用空格、逗号或换行分隔。"))
        super().__init__(*args, **kwargs)


def clean_org_codes(user, value):
    codes = [c for c in CODE_SPLIT.split(value or "") if c]
    if not codes:
        raise forms.ValidationError(_("请至少填写一个基层党组织编码"))
    if len(codes) > 200:
        raise forms.ValidationError(_("一次最多派驻到200个组织"))
    return [clean_org_code(user, code, roles=mq.INSTRUCTOR_MANAGE_ROLES, basic_only=True) for code in codes]


class AssignInstructorForm(forms.Form):
    """An existing account (any account the 组织部 can see) becomes the instructor of basic organizations."""

    username = forms.CharField(label=_("指导员账号（用户名）"), max_length=150)
    org_codes = OrgCodesField()

    def __init__(self, *args, by, **kwargs):
        super().__init__(*args, **kwargs)
        self.by = by

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = queries.users_for(self.by).filter(username__iexact=username).first()
        if user is None:
            raise forms.ValidationError(
                _("找不到用户名为“%(name)s”的账号，或它不在您的管理范围内；可以新建指导员账号"),
                params={"name": username},
            )
        return user

    def clean_org_codes(self):
        return clean_org_codes(self.by, self.cleaned_data["org_codes"])


class NewInstructorOrgsForm(forms.Form):
    org_codes = OrgCodesField()

    def __init__(self, *args, by, **kwargs):
        super().__init__(*args, **kwargs)
        self.by = by

    def clean_org_codes(self):
        return clean_org_codes(self.by, self.cleaned_data["org_codes"])


class CollegeOfficialFilterForm(OrgFilterMixin, forms.Form):
    q = forms.CharField(label=_("姓名"), required=False, max_length=50)
    org = OrgCodeField(label=_("组织编码"), required=False, widget=OrgPickerWidget)

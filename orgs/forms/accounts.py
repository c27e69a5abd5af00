"""Forms of the account pages: user search, new account, role assignment, password reset.

Password rules are Django's validators (AUTH_PASSWORD_VALIDATORS); their Chinese messages come
from Django's own zh_Hans catalogue.
"""

from django import forms
from django.contrib.auth.forms import SetPasswordMixin
from django.db.models.fields import BLANK_CHOICE_DASH
from django.utils.translation import gettext_lazy as _

from .. import queries
from ..enums import Role, Sector
from ..models import User
from ..validators import id_number_error, normalize_id_number
from .fields import OrgPickerField

# Where a ValidationError raised by a service (orgs.services) belongs on these forms.
SERVICE_FIELD = {"org": "org_code", "sector": "sector", "member": "member_id_number"}


class UserSearchForm(forms.Form):
    q = forms.CharField(label=_("用户名或姓名"), required=False, max_length=50)
    role = forms.ChoiceField(label=_("角色"), required=False, choices=[("", _("全部角色")), *Role.choices])
    active = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), ("1", _("启用")), ("0", _("停用"))]
    )


class UserCreateForm(SetPasswordMixin, forms.ModelForm):
    """The account itself. The first role comes from a ``RoleAssignmentForm`` on the same page."""

    password1, password2 = SetPasswordMixin.create_password_fields(label1=_("初始密码"), label2=_("确认密码"))

    class Meta:
        model = User
        fields = ["username", "full_name", "mobile"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        self.fields["password2"].help_text = _("再输入一遍初始密码，以免输错。")

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(User._meta.get_field("username").error_messages["unique"], code="unique")
        return username

    def clean(self):
        self.validate_passwords()
        return super().clean()

    def _post_clean(self):
        super()._post_clean()
        # The instance now carries username and name: the similarity validator compares against them.
        self.validate_password_for_user(self.instance, "password1")


class RoleAssignmentForm(forms.Form):
    """A role on an organization (which covers its whole subtree), inside the manager's scope."""

    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    org_code = OrgPickerField(
        label=_("组织"), roles={Role.ORG_DEPARTMENT}, help_text=_("角色覆盖该组织及其全部下级组织。")
    )
    sector = forms.ChoiceField(
        label=_("领域"),
        required=False,
        choices=[*BLANK_CHOICE_DASH, *Sector.choices],
        help_text=_("仅“行业主管部门”角色需要选择：只看本领域的组织。"),
    )
    member_id_number = forms.CharField(
        label=_("关联党员档案（身份证号）"),
        required=False,
        max_length=18,
        help_text=_("角色为“党员”时可填写：该基层党组织中本人的身份证号，账号将关联本人的党员档案。"),
    )

    def __init__(self, *args, by, account=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.by = by
        self.account = account
        self.member = None

    def clean_member_id_number(self):
        value = normalize_id_number(self.cleaned_data["member_id_number"])
        if value:
            error = id_number_error(value)
            if error:
                raise forms.ValidationError(error)
        return value

    def clean(self):
        data = super().clean()
        role, org, id_number = data.get("role"), data.get("org_code"), data.get("member_id_number")
        if not id_number or org is None:
            return data
        if role != Role.MEMBER:
            self.add_error("member_id_number", _("只有“党员”角色可以关联党员档案"))
        elif org.is_basic:  # on other levels the role itself is refused (services.assign_role)
            member = queries.members_for(self.by, roles=queries.MANAGE_ROLES).filter(org=org, id_number=id_number)
            self.member = member.first()
            if self.member is None:
                self.add_error("member_id_number", _("“%(org)s”中没有该身份证号的党员") % {"org": org.name})
        return data


class PasswordResetForm(SetPasswordMixin, forms.Form):
    """org_department sets a new password for an account it manages."""

    new_password1, new_password2 = SetPasswordMixin.create_password_fields(label1=_("新密码"), label2=_("确认新密码"))

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account

    def clean(self):
        self.validate_passwords("new_password1", "new_password2")
        self.validate_password_for_user(self.account, "new_password1")
        return super().clean()

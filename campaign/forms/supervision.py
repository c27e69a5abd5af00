"""Forms of supervision (督促检查). Organizations are picked by code (there are 170,000: no select box)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orgs import queries
from orgs.enums import OrgLevel
from orgs.forms.fields import DATE_WIDGET, NOT_VISIBLE, OrgPickerField, visible_org_or_error
from orgs.models import User

from ..models import (
    ContactPoint,
    ContactVisit,
    GuidanceGroup,
    Inspection,
    LeadingGroup,
    LeadingGroupMember,
    RectificationOrder,
    RectificationResponse,
    Remark,
)
from ..queries import guidance as gq
from ..queries import supervision as sq
from ..services.supervision import GROUP_LEVELS
from ..uploads import AttachmentsField

TEXTAREA = forms.Textarea(attrs={"rows": 4})


class TargetOrgMixin:
    """``org_code``: an organization in the user's scope that it may act on with ``target_roles``."""

    target_roles = sq.ISSUE_ROLES
    no_right_message = _("您无权对“%(name)s”进行此项操作：行业主管部门只能督促检查本领域的组织")

    def clean_org_code(self):
        org = visible_org_or_error(self.user, self.cleaned_data.get("org_code"))
        if not sq.supervises(self.user, org, self.target_roles):
            raise forms.ValidationError(self.no_right_message, params={"name": org.name})
        return org


class GuidanceGroupMixin:
    """``guidance_group``: record as one of the 指导小组 the user manages (shown only when it manages one)."""

    def setup_guidance_group(self):
        field = self.fields["guidance_group"]
        field.queryset = gq.actable_groups(self.user)
        if not field.queryset.exists():
            del self.fields["guidance_group"]


def guidance_group_field():
    return forms.ModelChoiceField(
        label=_("以指导小组名义"),
        queryset=GuidanceGroup.objects.none(),
        required=False,
        empty_label=_("不以指导小组名义"),
        help_text=_("省直有关部门的指导小组只检查、点评本领域(行业)的组织。"),
    )


class InspectionForm(GuidanceGroupMixin, TargetOrgMixin, forms.ModelForm):
    org_code = OrgPickerField(label=_("检查对象（组织编码）"), roles=sq.ISSUE_ROLES)
    guidance_group = guidance_group_field()
    attachments = AttachmentsField()

    class Meta:
        model = Inspection
        fields = ["date", "method", "inspectors", "findings"]
        widgets = {"date": DATE_WIDGET, "findings": TEXTAREA}

    field_order = ["guidance_group", "org_code", "date", "method", "inspectors", "findings", "attachments"]

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        self.setup_guidance_group()


class RemarkForm(GuidanceGroupMixin, TargetOrgMixin, forms.ModelForm):
    target_roles = sq.REMARK_ROLES
    org_code = OrgPickerField(label=_("点评对象（组织编码）"), roles=sq.REMARK_ROLES)
    guidance_group = guidance_group_field()

    class Meta:
        model = Remark
        fields = ["achievements", "problems", "direction"]
        widgets = {"achievements": TEXTAREA, "problems": TEXTAREA, "direction": TEXTAREA}

    field_order = ["guidance_group", "org_code", "achievements", "problems", "direction"]

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.setup_guidance_group()


class OrderForm(TargetOrgMixin, forms.ModelForm):
    org_code = OrgPickerField(label=_("整改单位（组织编码）"), roles=sq.ISSUE_ROLES)

    class Meta:
        model = RectificationOrder
        fields = ["problem", "requirement", "deadline"]
        widgets = {"problem": TEXTAREA, "requirement": TEXTAREA, "deadline": DATE_WIDGET}

    field_order = ["org_code", "problem", "requirement", "deadline"]

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)


class ResponseForm(forms.ModelForm):
    attachments = AttachmentsField(label=_("整改佐证材料（图片或 PDF）"))

    class Meta:
        model = RectificationResponse
        fields = ["text"]
        widgets = {"text": TEXTAREA}


class VerifyForm(forms.Form):
    VERDICTS = [("passed", _("通过")), ("failed", _("不通过"))]

    verdict = forms.ChoiceField(label=_("验收结论"), choices=VERDICTS, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("验收意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        if data.get("verdict") == "failed" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("验收不通过时请填写理由"))
        return data


class LeadingGroupForm(forms.ModelForm):
    class Meta:
        model = LeadingGroup
        fields = ["name", "office_contact", "office_phone", "office_address"]


class LeadingGroupCreateForm(LeadingGroupForm):
    org_code = OrgPickerField(
        label=_("所属党委（组织编码）"),
        roles=sq.GROUP_MANAGE_ROLES,
        levels=GROUP_LEVELS,
        error_messages={
            "not_found": NOT_VISIBLE,
            "level": _("领导小组在省、市、县(市、区)和乡镇(街道)党委成立，“%(name)s”不是这一级党委"),
        },
    )

    field_order = ["org_code", "name", "office_contact", "office_phone", "office_address"]

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_org_code(self):
        org = visible_org_or_error(self.user, self.cleaned_data.get("org_code"))
        if not sq.can_manage_group(self.user, org):
            raise forms.ValidationError(_("您无权为“%(name)s”成立领导小组"), params={"name": org.name})
        return org


class AccountMemberForm(forms.ModelForm):
    """A member of a group (领导小组 or 指导小组) who may be linked to his platform account by its user name:
    ``find_account(username)`` answers the account or None (then ``not_found``, naming it, at the field)."""

    username = forms.CharField(label=_("平台账号（用户名，可不填）"), required=False, max_length=150)
    account_help = ""
    not_found = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].help_text = self.account_help
        if self.instance.pk and self.instance.user_id:
            self.fields["username"].initial = self.instance.user.username

    def find_account(self, username: str):
        raise NotImplementedError

    def clean_username(self):
        username = (self.cleaned_data.get("username") or "").strip()
        if not username:
            return None
        found = self.find_account(username)
        if found is None:
            raise forms.ValidationError(self.not_found, params={"name": username})
        return found


class GroupMemberForm(AccountMemberForm):
    account_help = _("关联后本人可记录联系点走访情况")
    not_found = _("找不到账号“%(name)s”，或它不在您的管理范围内")

    class Meta:
        model = LeadingGroupMember
        fields = ["name", "post", "group_role", "order"]

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def find_account(self, username):
        found = queries.users_for(self.user).filter(username=username).first()
        if found is None:  # the account linked already, even when it has left the user's scope since
            found = User.objects.filter(pk=getattr(self.instance, "user_id", None), username=username).first()
        return found


class ContactPointForm(forms.ModelForm):
    org_code = OrgPickerField(label=_("联系点（基层党组织编码）"), levels={OrgLevel.BASIC})

    class Meta:
        model = ContactPoint
        fields = ["leader", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    field_order = ["leader", "org_code", "notes"]

    def __init__(self, *args, user, group, **kwargs):
        self.user = user
        self.group = group
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = group.members.all()
        self.fields["leader"].empty_label = None
        # Every refusal names the group's subtree: the picker's own (not in scope, not basic) and the one below.
        params = {"group": group.org.name.replace("%", "%%"), "code": "%(code)s"}
        outside = _("联系点应是%(group)s所辖的基层党组织，找不到编码为“%(code)s”的基层党组织") % params
        self.fields["org_code"].error_messages.update({"not_found": outside, "level": outside})

    def clean_org_code(self):
        org = self.cleaned_data["org_code"]
        if not org.path.startswith(self.group.org.path):
            message = self.fields["org_code"].error_messages["not_found"]
            raise forms.ValidationError(message, code="not_found", params={"code": org.code})
        return org


class VisitForm(forms.ModelForm):
    class Meta:
        model = ContactVisit
        fields = ["date", "note"]
        widgets = {"date": DATE_WIDGET, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()

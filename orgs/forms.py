import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from . import queries
from .enums import Role
from .models import Member, Org
from .validators import id_number_birth_date, normalize_id_number

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def eighteenth_birthday(birth: datetime.date) -> datetime.date:
    """党章: 年满十八岁的中国工人、农民……可以申请加入中国共产党 (29 Feb → 1 Mar)."""
    try:
        return birth.replace(year=birth.year + 18)
    except ValueError:
        return datetime.date(birth.year + 18, 3, 1)


class OrgCodeField(forms.CharField):
    """An organization picked by its code (there are 170,000: no select box)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 32)
        super().__init__(*args, **kwargs)


def visible_org_or_error(user, code) -> Org:
    """The organization with ``code`` that ``user`` can see, or one Chinese error that does not say which."""
    code = (code or "").strip()
    org = queries.orgs_for(user).filter(code=code).first()
    if org is None:
        raise forms.ValidationError(_("找不到编码为“%(code)s”的组织，或它不在您的管理范围内"), params={"code": code})
    return org


def clean_org_code(user, code, *, roles, basic_only=False):
    """The organization with ``code`` that ``user`` may act on, or a ValidationError in Chinese."""
    org = visible_org_or_error(user, code)
    if not queries.covers(user, org, roles):
        raise forms.ValidationError(_("您无权管理组织“%(name)s”"), params={"name": org.name})
    if basic_only and not org.is_basic:
        raise forms.ValidationError(_("“%(name)s”不是基层党组织，党员只能编入基层党组织"), params={"name": org.name})
    return org


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

    org_code = OrgCodeField(label=_("所在组织编码"), required=True)
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

    def clean_org_code(self):
        return clean_org_code(self.user, self.cleaned_data["org_code"], roles={Role.ORG_DEPARTMENT}, basic_only=True)

    def clean_id_number(self):
        value = normalize_id_number(self.cleaned_data.get("id_number"))
        clash = Member.objects.filter(id_number=value).exclude(pk=self.instance.pk)
        if value and clash.exists():
            raise forms.ValidationError(_("该身份证号已登记，不能重复录入"))
        return value

    def clean(self):
        data = super().clean()
        id_number, birth, joined = data.get("id_number"), data.get("birth_date"), data.get("join_date")
        if id_number and birth and not self.has_error("id_number"):
            from_id = id_number_birth_date(id_number)
            if from_id and from_id != birth:
                self.add_error("birth_date", _("出生日期与身份证号中的出生日期（%(date)s）不一致") % {"date": from_id})
        if joined and joined > datetime.date.today():
            self.add_error("join_date", _("入党日期不能晚于今天"))
        elif joined and birth and joined < eighteenth_birthday(birth):
            self.add_error("join_date", _("入党时应年满十八周岁"))
        return data


class MemberTransferForm(forms.Form):
    to_org = OrgCodeField(label=_("转入组织编码"))
    reason = forms.CharField(label=_("转接原因"), max_length=200, required=False)

    def __init__(self, *args, user, member, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.member = member

    def clean_to_org(self):
        org = clean_org_code(self.user, self.cleaned_data["to_org"], roles={Role.ORG_DEPARTMENT}, basic_only=True)
        if org.pk == self.member.org_id:
            raise forms.ValidationError(_("党员已在该组织，无需转接"))
        return org


def add_service_error(form, error) -> None:
    """Put a service's Chinese ValidationError on the form field it names (or on the form when it names none)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)

"""Forms of rounds, quotas, nominations, the 公示 list and objections."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaign.models import Campaign
from campaign.uploads import AttachmentsField
from orgs.enums import OrgLevel
from orgs.forms.fields import DATE_WIDGET, NOT_VISIBLE, OrgPickerField, clean_org_code
from orgs.models import Org
from orgs.validators import validate_mobile

from ..enums import RoundKind
from ..forms.basic import CitedHonoursField
from ..models import AwardRound, Nomination
from ..queries.nominations import MANAGE_ROLES
from ..services.rounds import (
    LOCKED_AFTER_START,
    MIN_PUBLICITY_WORKING_DAYS,
    WINDOW_FIELDS,
    locked_field_errors,
    window_errors,
)

MAX_QUOTA = 100_000


class RoundForm(forms.ModelForm):
    """A round's name, windows and 公示 settings; the owner and kind only when it is created."""

    owner_code = OrgPickerField(
        label=_("表彰机关（组织编码）"),
        roles=MANAGE_ROLES,
        levels=set(OrgLevel.values) - {OrgLevel.BASIC},
        error_messages={"level": _("表彰机关须为县级以上党委或乡镇（街道）党（工）委")},
        help_text=_("作出表彰决定的党委，如省委：130000"),
    )

    class Meta:
        model = AwardRound
        fields = [
            "name",
            "code",
            "kind",
            "campaign",
            *WINDOW_FIELDS,
            "publicity_working_days",
            "objection_contact",
            "objection_requires_identity",
        ]
        widgets = {name: DATE_WIDGET for name in WINDOW_FIELDS}
        help_texts = {"code": _("用于网址，如 2011-qiyi；创建后不能修改")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["campaign"].queryset = Campaign.objects.order_by("-start_date")
        self.fields["kind"].choices = RoundKind.choices
        self.fields["publicity_working_days"].min_value = MIN_PUBLICITY_WORKING_DAYS
        self.fields["publicity_working_days"].widget.attrs["min"] = MIN_PUBLICITY_WORKING_DAYS
        if self.instance.pk:
            for name in ("owner_code", "code", "kind"):
                del self.fields[name]
        if self.instance.pk and self.instance.publicity_started:
            # Fixed once the 公示 has started (the service refuses a change; the end moves by an extension).
            for name in LOCKED_AFTER_START:
                self.fields[name].widget.attrs["readonly"] = True
                self.fields[name].help_text = _("公示已开始，不能修改；如需延长公示期，请在拟表彰名单页面办理")

    def clean_owner_code(self):
        org = clean_org_code(self.user, self.cleaned_data["owner_code"], roles=MANAGE_ROLES)
        if org.level == OrgLevel.BASIC:
            raise ValidationError(_("表彰机关须为县级以上党委或乡镇（街道）党（工）委"))
        return org

    def clean(self):
        data = super().clean()
        # Once the 公示 has started, "this field is fixed" is the message, whatever else is wrong with it.
        locked = locked_field_errors(self.instance, data) if self.instance.pk else {}
        for field, message in (window_errors(data) | locked).items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, message)
        return data


def _quota_field(label) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=MAX_QUOTA,
        required=False,
        widget=forms.NumberInput(attrs={"min": 0, "class": "form-control form-control-sm quota-input"}),
    )


class OwnQuotaForm(forms.Form):
    """The owner's own quotas: how many it will commend in each category."""

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = categories
        for c in categories:
            self.fields[f"c{c.pk}"] = _quota_field(c.get_code_display())

    def amounts(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data.get(f"c{c.pk}") or 0 for c in self.categories}


class QuotaRowForm(OwnQuotaForm):
    """One child's quotas: one number per category (blank = 0)."""

    org = forms.IntegerField(widget=forms.HiddenInput)


class BaseQuotaFormSet(forms.BaseFormSet):
    def __init__(self, *args, categories, **kwargs):
        self.categories = categories
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "categories": self.categories}

    @property
    def empty_form(self):  # pragma: no cover - not used (no rows added in the page)
        return self.form(auto_id=self.auto_id, prefix=self.add_prefix("__prefix__"), categories=self.categories)


QuotaFormSet = forms.formset_factory(QuotaRowForm, formset=BaseQuotaFormSet, extra=0, max_num=2000)


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.code}）"


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        post = f" · {obj.post}" if obj.post else ""
        return f"{obj.name}（{obj.org.name}{post}）"


class NominatingOrgForm(forms.Form):
    """Step 2 of a nomination (a GET form): the nominating organization, one the user may nominate for with
    ``roles`` inside the round's owner's subtree."""

    org = OrgPickerField(label=_("推荐单位的组织编码"), error_messages={"not_found": NOT_VISIBLE})

    def __init__(self, *args, user, roles, award_round: AwardRound, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.award_round = award_round
        self.fields["org"].roles = frozenset(roles)

    def clean_org(self):
        org = self.cleaned_data["org"]
        if not org.path.startswith(self.award_round.owner_org.path):
            raise ValidationError(_("该组织不在本轮表彰范围内"))
        return org


class NominationForm(forms.Form):
    """A nomination of one category: the nominee, the 事迹材料 and attachments."""

    nominee = forms.ModelChoiceField(label=_("推荐对象"), queryset=Org.objects.none())
    deeds = forms.CharField(
        label=_("事迹材料"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20_000,
        help_text=_("评选表彰对象要注重工作实绩和社会公认度：请写明主要事迹。"),
    )
    files = AttachmentsField(label=_("附件（照片、证明材料等，图片或 PDF）"))

    def __init__(self, *args, nominees, member_nominees: bool, honours=None, **kwargs):
        super().__init__(*args, **kwargs)
        field_class = MemberChoiceField if member_nominees else OrgChoiceField
        self.fields["nominee"] = field_class(
            label=_("推荐党员") if member_nominees else _("推荐党组织"),
            queryset=nominees,
        )
        # The nominee's basic honours (awards.models.basic) may be cited; the service checks they are the nominee's.
        if member_nominees and honours is not None and honours.exists():
            self.fields["cited_honours"] = CitedHonoursField(honours)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("意见"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class RejectForm(forms.Form):
    note = forms.CharField(label=_("不予上报的理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class DisciplineForm(forms.Form):
    """征求纪检机关意见."""

    result = forms.ChoiceField(
        label=_("纪检机关意见"),
        choices=[(Nomination.Discipline.CLEAR, _("无异议")), (Nomination.Discipline.PROBLEM, _("有问题"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("意见内容"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    date = forms.DateField(label=_("征求意见日期"), widget=DATE_WIDGET, initial=timezone.localdate)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result"].error_messages["required"] = _("请选择纪检机关意见（无异议或有问题）")
        self.fields["result"].error_messages["invalid_choice"] = _("纪检机关意见只能是“无异议”或“有问题”")
        self.fields["date"].error_messages["required"] = _("请填写征求意见日期")
        self.fields["date"].error_messages["invalid"] = _("征求意见日期格式应为 YYYY-MM-DD")

    def clean(self):
        data = super().clean()
        if data.get("result") == Nomination.Discipline.PROBLEM and not (data.get("note") or "").strip():
            self.add_error("note", _("纪检机关意见为“有问题”时，请填写具体意见"))
        return data


class PublicityExtendForm(forms.Form):
    """延长公示期: a later end (a working day) and the reason, both kept."""

    new_end = forms.DateField(label=_("新的公示结束日期"), widget=DATE_WIDGET, help_text=_("须为工作日，只能推后"))
    reason = forms.CharField(label=_("延长原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_end"].error_messages["required"] = _("请填写新的公示结束日期")
        self.fields["new_end"].error_messages["invalid"] = _("公示结束日期格式应为 YYYY-MM-DD")
        self.fields["reason"].error_messages["required"] = _("请填写延长公示期的原因")


class ObjectionHandleForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("处理结果"),
        choices=[("rejected", _("异议不成立，保留公示对象")), ("upheld", _("异议成立，从名单中撤销"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择处理结果")},
    )
    note = forms.CharField(
        label=_("处理意见"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写处理意见")},
    )

    def __init__(self, *args, objection, **kwargs):
        """One form per objection on the list page; ``objection`` tells its fields' ids apart."""
        kwargs.setdefault("auto_id", f"o{objection.pk}-%s")
        super().__init__(*args, **kwargs)
        self.objection_pk = objection.pk


class CandidateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.nominee_name}（{obj.unit}，{obj.category}）"


class ObjectionForm(forms.Form):
    """An objection on the public page: content always; name and phone when the round asks for them."""

    nomination = CandidateChoiceField(label=_("对哪位公示对象提出异议"), queryset=Nomination.objects.none())
    content = forms.CharField(label=_("异议内容"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    phone = forms.CharField(label=_("联系电话（手机）"), max_length=11, required=False)

    def __init__(self, *args, candidates, requires_identity: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nomination"].queryset = candidates
        self.fields["name"].required = requires_identity
        self.fields["phone"].required = requires_identity
        self.fields["name"].error_messages["required"] = _("请填写真实姓名")
        self.fields["phone"].error_messages["required"] = _("请填写联系电话")
        self.fields["content"].error_messages["required"] = _("请填写异议内容")
        self.fields["phone"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "tel"})

    def clean_phone(self):
        value = (self.cleaned_data.get("phone") or "").strip()
        if value:
            validate_mobile(value)
        return value

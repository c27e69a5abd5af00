"""Forms of the campaign page: copy a campaign, confirm a milestone by hand."""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from ..models import Campaign


class CampaignCopyForm(forms.Form):
    """A new campaign from an existing one: every date shifts with the new start date."""

    name = forms.CharField(label=_("活动名称"), max_length=100)
    code = forms.CharField(
        label=_("活动代码"),
        max_length=40,
        help_text=_("只能包含英文字母、数字、连字符和下划线，例如 cxzy-2013"),
        validators=[RegexValidator(r"^[-a-zA-Z0-9_]+\Z", _("活动代码只能包含英文字母、数字、连字符和下划线"))],
    )
    start_date = forms.DateField(
        label=_("开始日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("各步骤和节点任务的日期随开始日期整体顺延"),
        error_messages={"invalid": _("请输入有效日期，格式为 YYYY-MM-DD")},
    )

    def __init__(self, *args, source: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("请填写活动名称"))
        return name

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if Campaign.objects.filter(code__iexact=code).exists():
            raise forms.ValidationError(_("活动代码“%(code)s”已被使用，请换一个"), params={"code": code})
        return code

    def clean_start_date(self):
        start = self.cleaned_data["start_date"]
        if start == self.source.start_date:
            raise forms.ValidationError(_("新活动的开始日期不能与原活动相同"))
        return start


class MarkDoneForm(forms.Form):
    note = forms.CharField(
        label=_("说明"),
        max_length=200,
        required=False,
        help_text=_("例如：已于5月20日召开动员大会"),
    )

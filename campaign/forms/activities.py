"""Forms of activity records, reports upward and publicity."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from orgs.forms.fields import (
    DATE_WIDGET,
    NOT_VISIBLE,
    OrgCodeField,
    OrgFilterMixin,
    OrgPickerField,
    OrgPickerWidget,
    clean_org_code,
    member_checkboxes,
)
from orgs.models import Member

from ..enums import ActivityType
from ..models import ActivityRecord, StoryKind
from ..queries.activities import WRITE_ROLES
from ..services.publicity import check_image
from ..services.reports import check_pdf
from ..uploads import AttachmentsField

MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class ActivityFilterForm(OrgFilterMixin, forms.Form):
    """Filters of the activity list: type, month (YYYY-MM) and organization code (its whole subtree)."""

    type = forms.ChoiceField(label=_("活动类型"), required=False, choices=[("", _("全部"))] + ActivityType.choices)
    month = forms.CharField(label=_("月份"), required=False, widget=forms.TextInput(attrs={"type": "month"}))
    org = OrgCodeField(label=_("组织编码"), required=False, widget=OrgPickerWidget)

    def clean_month(self):
        value = (self.cleaned_data.get("month") or "").strip()
        if not value:
            return None
        match = MONTH_RE.match(value)
        if not match:
            raise forms.ValidationError(_("月份格式应为 年-月，例如 2010-06"))
        return int(match.group(1)), int(match.group(2))


class ActivityForm(forms.ModelForm):
    """One activity record; participating members are chosen among the organization's own members."""

    participants = member_checkboxes(_("参加党员"), _("可选：从本组织党员中勾选参加活动的党员。"))
    files = AttachmentsField()

    class Meta:
        model = ActivityRecord
        fields = ["activity_type", "date", "title", "description", "participant_count", "participants"]
        widgets = {"date": DATE_WIDGET, "description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        self.org = org
        self.fields["participants"].queryset = Member.objects.filter(org=org).order_by("name", "id")
        self.fields["participant_count"].min_value = 1
        self.fields["participant_count"].widget.attrs["min"] = 1
        if self.instance.pk:
            self.fields["remove_attachments"] = forms.ModelMultipleChoiceField(
                label=_("删除已有附件"),
                queryset=self.instance.attachments.order_by("pk"),
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )

    def clean_participant_count(self):
        value = self.cleaned_data["participant_count"]
        if value is not None and value < 1:
            raise forms.ValidationError(_("参加人数至少为 1 人"))
        return value


class ReportForm(forms.Form):
    """An implementation opinion (实施意见) as PDF with its title, document number and date."""

    title = forms.CharField(label=_("文件标题"), max_length=200)
    doc_number = forms.CharField(label=_("文号"), max_length=50, help_text=_("例如：石创组〔2010〕3号"))
    doc_date = forms.DateField(label=_("成文日期"), widget=DATE_WIDGET)
    file = forms.FileField(label=_("实施意见（PDF）"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = "application/pdf"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_pdf(upload)
        return upload


class StoryForm(forms.Form):
    """A publicity story; the body is HTML typed in a textarea and sanitized (nh3) when saved and shown."""

    org = OrgPickerField(label=_("组织编码"), roles=WRITE_ROLES, error_messages={"not_found": NOT_VISIBLE})
    kind = forms.ChoiceField(label=_("类别"), choices=StoryKind.choices)
    title = forms.CharField(label=_("标题"), max_length=100)
    body = forms.CharField(
        label=_("正文"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("可用标签：p、br、strong、em、ul、ol、li、h3、h4、blockquote、a（链接）；其他标签和脚本会被清除。"),
    )
    cover = forms.FileField(label=_("封面图片"), required=False)
    remove_cover = forms.BooleanField(label=_("删除封面图片"), required=False)

    def __init__(self, *args, user, story=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["cover"].widget.attrs["accept"] = "image/jpeg,image/png,image/gif,image/webp"
        if story is not None:
            del self.fields["org"]
            if story.cover_id is None:
                del self.fields["remove_cover"]
        else:
            del self.fields["remove_cover"]

    def clean_org(self):
        return clean_org_code(self.user, self.cleaned_data["org"], roles=WRITE_ROLES)

    def clean_cover(self):
        upload = self.cleaned_data.get("cover")
        if upload:
            check_image(upload)
        return upload or None


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("退回理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)

"""Forms of 述职评议 and 一定三有."""

from django import forms
from django.utils.translation import gettext_lazy as _

from campaign.uploads import AttachmentsField
from orgs.enums import OrgLevel
from orgs.forms.fields import OrgPickerField
from orgs.queries import only_org

from . import queries as aq
from .models import DutyRating, DutyStatus, MeasureItem, MeasureStatus

TEXTAREA = forms.Textarea(attrs={"rows": 8})
SHORT_TEXTAREA = forms.Textarea(attrs={"rows": 3})
STATUS_FILTER = [
    ("", _("全部")),
    (DutyStatus.DRAFT, _("草稿")),
    (DutyStatus.SUBMITTED, _("待评议")),
    (DutyStatus.RATED, _("已评议")),
]


def year_choices(today):
    return [(y, _("%(year)s年度") % {"year": y}) for y in aq.duty_years(today)]


class DutyStartForm(forms.Form):
    """A new 述职: the organization (the secretary's own when it has one) and the year."""

    org = OrgPickerField(label=_("基层党组织"), roles=aq.DUTY_WRITE_ROLES, levels={OrgLevel.BASIC})
    year = forms.TypedChoiceField(label=_("述职年度"), coerce=int)
    report = forms.CharField(
        label=_("述职报告"),
        required=False,
        widget=TEXTAREA,
        help_text=_("本年度抓基层党建工作的情况、存在的问题和下一步打算；可以先保存草稿，以后再提交。"),
    )
    files = AttachmentsField(label=_("述职报告文件（图片或 PDF）"))

    def __init__(self, *args, user, today, org=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["year"].choices = year_choices(today)
        self.fields["year"].initial = today.year
        if org is not None:
            del self.fields["org"]


class DutyEditForm(forms.Form):
    report = forms.CharField(label=_("述职报告"), required=False, widget=TEXTAREA)
    files = AttachmentsField(label=_("补充述职报告文件（图片或 PDF）"))


class DutyRateForm(forms.Form):
    rating = forms.ChoiceField(label=_("评议等次"), choices=DutyRating.choices, widget=forms.RadioSelect)
    comments = forms.CharField(
        label=_("评议意见"),
        required=False,
        widget=SHORT_TEXTAREA,
        help_text=_("评为一般或差时必须填写：存在的问题和整改要求。"),
    )


class DutyFilterForm(forms.Form):
    org = OrgPickerField(label=_("组织"), required=False, roles=aq.READ_ROLES)
    year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=STATUS_FILTER)
    rating = forms.ChoiceField(label=_("评议等次"), required=False, choices=[("", _("全部")), *DutyRating.choices])

    def __init__(self, *args, user, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["year"].choices = year_choices(today)


class MissingFilterForm(forms.Form):
    org = OrgPickerField(label=_("组织"), required=False, roles=aq.READ_ROLES)
    year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False)

    def __init__(self, *args, user, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["year"].choices = year_choices(today)


class ItemForm(forms.ModelForm):
    scope = OrgPickerField(
        label=_("适用范围"),
        roles=aq.ITEM_ROLES,
        levels=aq.ITEM_LEVELS,
        help_text=_("省委组织部设定的条目适用于全省的村；县（市、区）委组织部设定的只适用于本县的村。"),
    )

    class Meta:
        model = MeasureItem
        fields = ["title", "description", "order", "active"]
        widgets = {"description": SHORT_TEXTAREA}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk:
            del self.fields["scope"]
        else:
            del self.fields["active"]
            own = only_org(aq.item_scopes(user))
            if own is not None:
                self.fields["scope"].initial = own.code
            self.order_fields(["scope"])


class MeasureForm(forms.Form):
    status = forms.ChoiceField(label=_("落实情况"), choices=MeasureStatus.choices, widget=forms.RadioSelect)
    evidence = forms.CharField(
        label=_("落实情况说明"),
        required=False,
        widget=SHORT_TEXTAREA,
        help_text=_("做了什么、依据什么文件或记录；标记为已落实时，说明和佐证材料至少有一项。"),
    )
    files = AttachmentsField(label=_("佐证材料（图片或 PDF）"))


class GridFilterForm(forms.Form):
    """The villages × items page: the node, and optionally the villages in one state on one item."""

    org = OrgPickerField(label=_("组织"), required=False, roles=aq.READ_ROLES)
    item = forms.TypedChoiceField(label=_("条目"), coerce=int, required=False, empty_value=None)
    status = forms.ChoiceField(label=_("落实情况"), required=False, choices=[("", _("全部")), *MeasureStatus.choices])

    def __init__(self, *args, user, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["item"].choices = [("", _("全部")), *[(i.pk, i.title) for i in items]]

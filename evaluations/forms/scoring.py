"""Forms of the scoring area: an assessment per criterion, criteria-set copy and edit, source
weights, tier filter, override and 晋档升级 targets. Writes go through evaluations.services."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from orgs import queries
from orgs.enums import Sector
from orgs.forms.fields import NOT_VISIBLE, OrgFilterMixin, OrgPickerField, OrgPickerWidget, clean_org_code

from ..enums import Target, TierLevel
from ..models import Period, TierTarget


def period_field(required=True, **kwargs):
    return forms.ModelChoiceField(
        queryset=Period.objects.order_by("-start_date"),
        to_field_name="code",
        required=required,
        **kwargs,
    )


class AssessmentForm(forms.Form):
    """One radio group per criterion (the set's level labels) with a remark, and a comment."""

    comment = forms.CharField(label=_("总体评语"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, criteria_set, criteria, scores=None, **kwargs):
        super().__init__(*args, **kwargs)
        scores = scores or {}
        choices = [(level["key"], level["label"]) for level in criteria_set.levels]
        self.criteria = criteria
        self.rows = []
        for criterion in criteria:
            current = scores.get(criterion.pk)
            level_name, note_name = f"level_{criterion.pk}", f"note_{criterion.pk}"
            self.fields[level_name] = forms.ChoiceField(
                label=criterion.name,
                choices=choices,
                required=False,
                widget=forms.RadioSelect,
                initial=current.level if current else None,
                help_text=criterion.description,
            )
            self.fields[note_name] = forms.CharField(
                label=_("说明"),
                required=False,
                max_length=300,
                initial=current.comment if current else "",
            )
            self.rows.append((criterion, level_name, note_name))

    def bound_rows(self):
        return [{"criterion": c, "level": self[level], "note": self[note]} for c, level, note in self.rows]

    def levels(self) -> dict[int, str]:
        return {c.pk: self.cleaned_data.get(level) or "" for c, level, _n in self.rows}

    def mark_missing_levels(self) -> None:
        """A submission needs a level for every criterion: put the message at each criterion left without one,
        not only in the summary above a long form (on a phone the summary is screens away from the gap)."""
        for _c, level, _n in self.rows:
            if not self.cleaned_data.get(level):
                self.add_error(level, _("提交前请为这一项选择一个等次"))

    def notes(self) -> dict[int, str]:
        return {c.pk: self.cleaned_data.get(note) or "" for c, _l, note in self.rows}


def owner_field(**kwargs) -> OrgPickerField:
    return OrgPickerField(
        label=_("适用范围（组织编码）"),
        roles=queries.MANAGE_ROLES,
        error_messages={"not_found": NOT_VISIBLE},
        **kwargs,
    )


class OwnerMixin:
    """An ``owner_code`` field: a node the user manages (org_department), picked by name, code or pinyin."""

    def clean_owner_code(self):
        return clean_org_code(self.user, self.cleaned_data.get("owner_code"), roles=queries.MANAGE_ROLES)


class CriteriaCopyForm(OwnerMixin, forms.Form):
    owner_code = owner_field(help_text=_("本部门管理范围内的节点，标准适用于其全部下级"))
    period = period_field(required=False, label=_("适用期间"), empty_label=_("所有期间"))
    name = forms.CharField(label=_("名称"), max_length=100, required=False, help_text=_("留空则自动命名"))

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)


class CriteriaSetForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CriterionForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(label=_("名称"), max_length=50)
    description = forms.CharField(label=_("内容"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    weight = forms.DecimalField(
        label=_("权重"),
        max_digits=5,
        decimal_places=2,
        error_messages={"invalid": _("请输入数字"), "max_decimal_places": _("权重最多两位小数")},
    )

    def clean_weight(self):
        weight = self.cleaned_data["weight"]
        if weight <= 0:
            raise forms.ValidationError(_("权重必须大于 0"))
        return weight


class LevelForm(forms.Form):
    key = forms.RegexField(
        label=_("代码"),
        regex=r"^[a-z0-9_-]{1,20}$",
        max_length=20,
        error_messages={"invalid": _("代码只能由小写字母、数字、下划线或连字符组成")},
    )
    label = forms.CharField(label=_("名称"), max_length=20)
    score = forms.IntegerField(
        label=_("分值"),
        min_value=0,
        max_value=100,
        error_messages={
            "min_value": _("分值不能小于 0"),
            "max_value": _("分值不能大于 100"),
            "invalid": _("请输入整数"),
        },
    )


CriterionFormSet = forms.formset_factory(CriterionForm, extra=0)
LevelFormSet = forms.formset_factory(LevelForm, extra=1, can_delete=True)


class WeightsForm(OwnerMixin, forms.Form):
    owner_code = owner_field()
    period = period_field(required=False, label=_("适用期间"), empty_label=_("所有期间"))
    target = forms.ChoiceField(label=_("评价对象"), choices=Target.choices, initial=Target.ORG)
    self_weight = forms.DecimalField(label=_("自评权重"), min_value=0, max_digits=5, decimal_places=2, initial=20)
    superior_weight = forms.DecimalField(
        label=_("上级考核权重"), min_value=0, max_digits=5, decimal_places=2, initial=40
    )
    peer_weight = forms.DecimalField(label=_("党员评议权重"), min_value=0, max_digits=5, decimal_places=2, initial=0)
    mass_weight = forms.DecimalField(label=_("群众评议权重"), min_value=0, max_digits=5, decimal_places=2, initial=40)
    advanced_score = forms.DecimalField(
        label=_("先进：综合得分不低于"), min_value=0, max_value=100, decimal_places=2, initial=85
    )
    advanced_level_score = forms.DecimalField(
        label=_("先进：上级考核每项等次分不低于"), min_value=0, max_value=100, decimal_places=2, initial=80
    )
    backward_score = forms.DecimalField(
        label=_("后进：综合得分低于"), min_value=0, max_value=100, decimal_places=2, initial=60
    )
    backward_level_score = forms.DecimalField(
        label=_("后进：上级考核任一项等次分不高于"), min_value=0, max_value=100, decimal_places=2, initial=0
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        weights = [data.get(f) for f in ("self_weight", "superior_weight", "peer_weight", "mass_weight")]
        if all(w is not None for w in weights) and sum(weights, Decimal(0)) <= 0:
            self.add_error("superior_weight", _("各来源权重之和必须大于 0"))
        advanced, backward = data.get("advanced_score"), data.get("backward_score")
        if advanced is not None and backward is not None and backward > advanced:
            self.add_error("backward_score", _("后进分数线不能高于先进分数线"))
        return data


class TierFilterForm(forms.Form):
    period = period_field(required=False, label=_("考核期间"), empty_label=None)
    tier = forms.ChoiceField(label=_("档次"), required=False, choices=[("", _("全部"))] + list(TierLevel.choices))
    sector = forms.ChoiceField(label=_("所属领域"), required=False, choices=[("", _("全部"))] + list(Sector.choices))
    q = forms.CharField(label=_("组织名称"), required=False, max_length=50)


class TierOverrideForm(forms.Form):
    level = forms.ChoiceField(
        label=_("调整为"),
        choices=list(TierLevel.choices) + [("", _("取消调整（按计算结果）"))],
        required=False,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("调整理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": _("请填写调整理由")},
    )


class StatsForm(OrgFilterMixin, forms.Form):
    node = forms.CharField(label=_("范围（组织编码）"), required=False, max_length=32, widget=OrgPickerWidget)
    sector = forms.ChoiceField(label=_("所属领域"), required=False, choices=[("", _("全部"))] + list(Sector.choices))
    from_period = period_field(required=False, label=_("对比期间"), empty_label=_("（上一期间）"))
    period = period_field(required=False, label=_("考核期间"), empty_label=_("（最近期间）"))


class TargetForm(OwnerMixin, forms.Form):
    owner_code = owner_field()
    period = period_field(label=_("考核期间"))
    from_period = period_field(label=_("对比期间"))
    kind = forms.ChoiceField(label=_("指标"), choices=TierTarget.Kind.choices)
    percent = forms.DecimalField(label=_("目标比例（%）"), min_value=0, max_value=100, decimal_places=2)

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        period, from_period = data.get("period"), data.get("from_period")
        if period and from_period and from_period.start_date >= period.start_date:
            self.add_error("from_period", _("对比期间须早于考核期间"))
        return data

"""Forms of 群众评议, 党性分析报告 and 对标定位."""

import datetime

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.errors import add_to_form
from orgs import queries
from orgs.forms.fields import DATE_WIDGET, OrgPickerField, clean_org_code
from orgs.models import Member
from orgs.validators import normalize_id_number

from ..enums import Target
from ..models import CriteriaSet, Exemplar, ExemplarKind, Period
from ..queries import mass as queries_mass
from ..services import benchmarking
from ..services.mass import MAX_TOKENS_PER_BATCH
from ..services.mass_tokens import token_candidates

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DEFAULT_SET_CODES = {Target.ORG: "five-good", Target.MEMBER: "five-models"}


class MassBatchForm(forms.Form):
    org_code = OrgPickerField(
        label=_("组织编码"), roles=queries_mass.MASS_MANAGE_ROLES, help_text=_("被评议的组织；评议党员时为党员所在组织")
    )
    target = forms.ChoiceField(
        label=_("评议对象"),
        choices=Target.choices,
        initial=Target.ORG,
        help_text=_("评议组织用“五个好”标准；评议党员时为该组织每名党员各生成一组二维码，用“五个模范”标准"),
    )
    period = forms.ModelChoiceField(label=_("考核期间"), queryset=Period.objects.all(), empty_label=None)
    criteria_set = forms.ModelChoiceField(
        label=_("评价标准"),
        queryset=CriteriaSet.objects.filter(active=True).order_by("name", "id"),
        required=False,
        help_text=_("不选则按评议对象使用“五个好”或“五个模范”"),
    )
    tokens_per_target = forms.IntegerField(
        label=_("二维码数"),
        min_value=1,
        max_value=MAX_TOKENS_PER_BATCH,
        help_text=_("评议组织时为总数；评议党员时为每名党员的份数"),
    )
    opens_at = forms.DateTimeField(label=_("开始时间"), widget=DATETIME_WIDGET)
    closes_at = forms.DateTimeField(label=_("截止时间"), widget=DATETIME_WIDGET)
    title = forms.CharField(label=_("名称"), max_length=100, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not queries.has_role(user, queries_mass.MASS_FULL_MANAGE_ROLES):
            # A secretary organizes the masses' evaluation of the organization's members only.
            self.fields["target"].choices = [(Target.MEMBER, Target.MEMBER.label)]
            self.fields["target"].initial = Target.MEMBER
            self.fields["target"].help_text = _("书记组织群众评议本组织党员：每名党员各一组二维码，用“五个模范”标准")
            self.fields["org_code"].help_text = _("本组织（基层党组织）的编码")
            self.fields["tokens_per_target"].help_text = _("每名党员的二维码份数")
        if not self.is_bound:
            now = timezone.localtime().replace(second=0, microsecond=0)
            self.initial.setdefault("opens_at", now)
            self.initial.setdefault("closes_at", now + datetime.timedelta(days=7))

    def clean_org_code(self):
        return clean_org_code(self.user, self.cleaned_data.get("org_code"), roles=queries_mass.MASS_MANAGE_ROLES)

    def clean(self):
        data = super().clean()
        org, target, period = data.get("org_code"), data.get("target"), data.get("period")
        if org is None or not target:
            return data
        if not queries_mass.can_create_batch(self.user, org, target):
            from ..services.mass import check_can_create

            try:
                check_can_create(self.user, org, target)
            except ValidationError as error:
                add_to_form(self, error)
            except PermissionDenied:
                self.add_error("org_code", _("您无权为组织“%(name)s”组织群众评议") % {"name": org.name})
            return data
        if period is None:
            return data
        applicable = queries_mass.criteria_sets_for(org, target=target, period=period)
        chosen = data.get("criteria_set")
        if chosen is None:
            default = applicable.filter(code=DEFAULT_SET_CODES[target]).order_by("-owner_org__depth").first()
            if default is None:
                self.add_error("criteria_set", _("没有适用的评价标准，请选择"))
            data["criteria_set"] = default
        elif not applicable.filter(pk=chosen.pk).exists():
            self.add_error("criteria_set", _("该评价标准不适用于所选组织、评议对象和考核期间"))
        return data


class MassCodeForm(forms.Form):
    """The 评议码 printed under a QR code, typed by hand (any case, with or without the dashes)."""

    code = forms.CharField(
        label=_("评议码"),
        max_length=80,
        help_text=_("二维码下方的16位字母和数字；大小写均可，短横线可输可不输。"),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "class": "font-monospace",
                "placeholder": "ABCD-EFGH-JKMN-PQRS",  # i18n: data (the shape of a code)
            }
        ),
        error_messages={"required": _("请输入评议码")},
    )

    def clean_code(self):
        candidates = token_candidates(self.cleaned_data["code"])
        if not candidates:
            raise ValidationError(_("评议码应为16位字母和数字，请核对后重新输入"), code="invalid")
        return candidates[0]


class MassAnswerForm(forms.Form):
    """One radio group per criterion; the choices are the criteria set's levels."""

    def __init__(self, *args, criteria, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        choices = [(level["key"], level["label"]) for level in levels]
        for c in self.criteria:
            self.fields[f"c{c.pk}"] = forms.ChoiceField(
                label=c.name,
                help_text=c.description,
                choices=choices,
                widget=forms.RadioSelect,
                error_messages={"required": _("请选择一个等次"), "invalid_choice": _("请选择一个等次")},
            )

    def choices(self) -> dict[int, str]:
        return {c.pk: self.cleaned_data[f"c{c.pk}"] for c in self.criteria}

    def rows(self):
        return [(c, self[f"c{c.pk}"]) for c in self.criteria]


class TallyForm(forms.Form):
    """Paper ballots: a count per criterion and level; every criterion's total must be the same."""

    def __init__(self, *args, criteria, levels, initial_counts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        self.levels = list(levels)
        initial_counts = initial_counts or {}
        for c in self.criteria:
            for level in self.levels:
                self.fields[self.key(c, level)] = forms.IntegerField(
                    label=f"{c.name} · {level['label']}",
                    min_value=0,
                    max_value=1_000_000,
                    required=False,
                    initial=initial_counts.get((c.pk, level["key"]), 0),
                    widget=forms.NumberInput(attrs={"min": 0, "inputmode": "numeric", "class": "form-control"}),
                    error_messages={"min_value": _("票数不能为负数"), "invalid": _("请输入整数")},
                )

    @staticmethod
    def key(criterion, level):
        return f"c{criterion.pk}_{level['key']}"

    def rows(self):
        """Per criterion, its (level, field) pairs in the levels' order."""
        return [(c, [(level, self[self.key(c, level)]) for level in self.levels]) for c in self.criteria]

    def counts(self) -> dict[tuple[int, str], int]:
        return {
            (c.pk, level["key"]): self.cleaned_data.get(self.key(c, level)) or 0
            for c in self.criteria
            for level in self.levels
        }

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        totals = {c.pk: sum(data.get(self.key(c, level)) or 0 for level in self.levels) for c in self.criteria}
        values = list(totals.values())
        if len(set(values)) > 1:
            expected = max(set(values), key=lambda v: (values.count(v), -values.index(v)))
            for c in self.criteria:
                if totals[c.pk] != expected:
                    # about the whole row, not its first cell: shown above the table
                    self.add_error(
                        None,
                        _("“%(name)s”合计 %(n)s 张，与其他项目的 %(m)s 张不一致；每张选票对每个项目都要评价")
                        % {"name": c.name, "n": totals[c.pk], "m": expected},
                    )
        return data


class ReportForm(forms.Form):
    content = forms.CharField(
        label=_("报告正文"),
        widget=forms.Textarea(attrs={"rows": 14}),
        max_length=20000,
        help_text=_("对照党章和“五个模范”要求，查找自身在党性方面的差距和问题，明确努力方向和整改措施"),
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审阅结果"),
        choices=[("accept", _("通过")), ("return", _("退回修改"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("审阅意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    # The report's updated_at as loaded: a second reviewer is refused instead of overwriting the first.
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("comment") or "").strip():
            self.add_error("comment", _("退回报告时请填写审阅意见"))
        return data


class ExemplarForm(forms.Form):
    designated_by_org = forms.ChoiceField(label=_("确定单位"))
    kind = forms.ChoiceField(label=_("类型"), choices=ExemplarKind.choices)
    org_code = OrgPickerField(
        label=_("组织编码"), roles=queries_mass.EXEMPLAR_DESIGNATE_ROLES, help_text=_("示范点或先进典型所在的组织")
    )
    member = forms.CharField(
        label=_("党员（先进典型个人）"),
        max_length=50,
        required=False,
        help_text=_("确定党员个人为先进典型时填写姓名或身份证号；确定组织时留空"),
    )
    profile = forms.CharField(label=_("典型事迹"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.designating = {str(o.pk): o for o in benchmarking.designating_orgs(user)}
        self.fields["designated_by_org"].choices = [(pk, o.name) for pk, o in self.designating.items()]

    def clean_designated_by_org(self):
        return self.designating[self.cleaned_data["designated_by_org"]]

    def clean_org_code(self):
        return clean_org_code(self.user, self.cleaned_data.get("org_code"), roles=queries_mass.EXEMPLAR_DESIGNATE_ROLES)

    def clean(self):
        data = super().clean()
        org, text = data.get("org_code"), (data.get("member") or "").strip()
        data["member_obj"] = None
        if org is None or not text:
            return data
        if data.get("kind") == ExemplarKind.DEMONSTRATION_SITE:
            self.add_error("member", _("示范点是基层组织，不能是党员个人"))
            return data
        members = Member.objects.filter(org=org)
        found = list(members.filter(id_number=normalize_id_number(text))[:2]) or list(members.filter(name=text)[:2])
        if not found:
            self.add_error("member", _("组织“%(org)s”中没有党员“%(name)s”") % {"org": org.name, "name": text})
        elif len(found) > 1:
            self.add_error("member", _("该组织有多名党员叫“%(name)s”，请改填身份证号") % {"name": text})
        else:
            data["member_obj"] = found[0]
        return data


class ExemplarEditForm(forms.Form):
    profile = forms.CharField(label=_("典型事迹"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000)
    active = forms.BooleanField(label=_("有效"), required=False)


class ExemplarChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_kind_display()} · {obj.subject_name}（{obj.designated_by_org.name}）"


class BenchmarkForm(forms.Form):
    """The subject is the user itself ("me") or an organization it is secretary of (its code)."""

    subject = forms.ChoiceField(label=_("对标主体"))
    exemplar = ExemplarChoiceField(label=_("对标典型"), queryset=Exemplar.objects.none())
    gaps = forms.CharField(label=_("查找差距"), widget=forms.Textarea(attrs={"rows": 5}), max_length=20000)
    direction = forms.CharField(
        label=_("努力方向"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20000, required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.member = queries.member_record(user)
        self.orgs = {
            o.code: o for o in queries.orgs_for(user, roles=queries_mass.BENCHMARK_ORG_ROLES).order_by("path")[:100]
        }
        choices = []
        if self.member is not None:
            choices.append(("me", _("本人（%(name)s）") % {"name": self.member.name}))
        choices += [(code, o.name) for code, o in self.orgs.items()]
        self.fields["subject"].choices = choices
        homes = list(self.orgs.values()) + ([self.member.org] if self.member is not None else [])
        paths = set()
        for org in homes:
            paths.update(queries_mass.ancestor_paths(org.path))
        self.fields["exemplar"].queryset = (
            Exemplar.objects.filter(active=True, designated_by_org__path__in=paths)
            .select_related("org", "member", "designated_by_org")
            .order_by("-designated_at", "-id")
        )

    def clean_subject(self):
        value = self.cleaned_data["subject"]
        if value == "me":
            return ("member", self.member)
        return ("org", self.orgs[value])


class MeasureForm(forms.Form):
    content = forms.CharField(label=_("赶超措施"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    deadline = forms.DateField(label=_("完成时限"), widget=DATE_WIDGET)


class ProgressForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=DATE_WIDGET)
    percent = forms.IntegerField(label=_("完成进度（%）"), min_value=0, max_value=100)
    note = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("date", timezone.localdate())

"""Forms of the commendation decision and of the designation of exemplars."""

from django import forms
from django.utils.translation import gettext_lazy as _

from orgs.forms.fields import DATE_WIDGET

from ..models import Decision
from ..services.documents import EDITABLE_FIELDS, PREFIX_RE, example_number, parse_doc_number
from ..services.exemplars import PROFILE_MAX_LENGTH


class DecisionForm(forms.ModelForm):
    """The decision's text; the files are generated from it and from the final list.

    ``doc_prefix`` and ``issuer``: the issuing committee's 机关代字 and name, so that a wrong number is
    named at once with the issuer's own example (the service checks again, with the rows locked)."""

    class Meta:
        model = Decision
        fields = EDITABLE_FIELDS
        widgets = {
            "signed_on": DATE_WIDGET,
            "body": forms.Textarea(attrs={"rows": 10}),
            "addressee": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, doc_prefix: str = "冀", issuer: str = "", **kwargs):  # i18n: data
        super().__init__(*args, **kwargs)
        self.doc_prefix, self.issuer = doc_prefix, issuer
        prefix = doc_prefix
        # The unique checks run in the service (per issuer and year, and full_clean) inside its transaction.
        self.fields["doc_number"].widget.attrs["placeholder"] = example_number(prefix)
        self.fields["doc_number"].help_text = _("本机关代字“%(prefix)s”+〔年份〕+序号+号，如：%(example)s") % {
            "prefix": prefix,
            "example": example_number(prefix),
        }

    def clean_doc_number(self):
        value = (self.cleaned_data.get("doc_number") or "").strip()
        try:
            parse_doc_number(value, prefix=self.doc_prefix, issuer=self.issuer)
        except forms.ValidationError as error:
            raise forms.ValidationError(error.message_dict["doc_number"]) from None
        return value

    def validate_unique(self):
        """Done by the service, with the row locked."""


class IssuerPrefixForm(forms.Form):
    prefix = forms.CharField(
        label=_("机关代字"), max_length=4, help_text=_("1 至 4 个汉字，如：冀、石、正；本机关的发文字号以它开头")
    )

    def clean_prefix(self):
        value = self.cleaned_data["prefix"].strip()
        if not PREFIX_RE.match(value):
            raise forms.ValidationError(_("机关代字应为 1 至 4 个汉字，如：冀、石、正"))
        return value


class DesignateForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"))
    designated_by = forms.ChoiceField(label=_("确定单位"), help_text=_("以哪一级党委的名义确定"))
    profile = forms.CharField(
        label=_("简介"),
        max_length=PROFILE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("主要事迹和经验，公开展示在先进典型公开栏（请勿填写身份证号、手机号等个人信息）"),
    )

    def __init__(self, *args, kinds, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.orgs = {str(org.pk): org for org in orgs}
        self.fields["kind"].choices = kinds
        self.fields["designated_by"].choices = [(str(org.pk), org.name) for org in orgs]

    def clean_designated_by(self):
        return self.orgs[self.cleaned_data["designated_by"]]

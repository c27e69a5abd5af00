"""Forms of the commendation decision and of the designation of exemplars."""

from django import forms
from django.utils.translation import gettext_lazy as _

from orgs.forms import DATE_WIDGET

from .models import Decision
from .services.documents import EDITABLE_FIELDS
from .services.exemplars import PROFILE_MAX_LENGTH


class DecisionForm(forms.ModelForm):
    """The decision's text; the files are generated from it and from the final list."""

    class Meta:
        model = Decision
        fields = EDITABLE_FIELDS
        widgets = {
            "signed_on": DATE_WIDGET,
            "body": forms.Textarea(attrs={"rows": 10}),
            "addressee": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The unique check runs in the service (full_clean) inside its transaction.
        self.fields["doc_number"].widget.attrs["placeholder"] = "冀创组〔2011〕8号"

    def validate_unique(self):
        """Done by the service, with the row locked."""


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

"""Forms of information bulletins (信息简报) and exhibitions (成果展示)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orgs.forms.fields import DATE_WIDGET, NamesChoiceField
from orgs.models import Org

from ..models import Bulletin, Exhibition, Story
from ..queries import bulletins as bq

STORY_CHOICES_SHOWN = 60


class StoryChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        date = obj.published_at.strftime("%Y-%m-%d") if obj.published_at else ""
        return f"{obj.title}（{obj.org.name}，{date}）"


class BulletinForm(forms.ModelForm):
    """A draft: name, editing office, 报 line, the stories and the distribution list."""

    stories = StoryChoiceField(
        label=_("编入稿件"),
        queryset=Story.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("本地区已发布的宣传稿件（最近的在前）。"),
    )
    recipients = NamesChoiceField(
        label=_("分发范围"),
        queryset=Org.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("下级组织。"),
    )

    class Meta:
        model = Bulletin
        fields = ["masthead", "editor", "report_to"]

    def __init__(self, *args, issuer, **kwargs):
        super().__init__(*args, **kwargs)
        candidates = bq.candidate_stories(issuer)
        shown = list(candidates.values_list("pk", flat=True)[:STORY_CHOICES_SHOWN])
        chosen = list(self.instance.items.values_list("story_id", flat=True)) if self.instance.pk else []
        self.fields["stories"].queryset = candidates.filter(pk__in=set(shown) | set(chosen))
        self.fields["recipients"].queryset = bq.recipient_choices(issuer)
        self.fields["editor"].required = False
        if self.instance.pk:
            self.initial.setdefault("stories", chosen)
            self.initial.setdefault("recipients", list(self.instance.recipient_rows.values_list("org_id", flat=True)))


class IssueForm(forms.Form):
    issue_date = forms.DateField(label=_("印发日期"), widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issue_date"].initial = timezone.localdate()


class ExhibitionForm(forms.ModelForm):
    class Meta:
        model = Exhibition
        fields = ["title", "intro", "public"]
        widgets = {"intro": forms.Textarea(attrs={"rows": 3})}


class AddPhotoForm(forms.Form):
    attachment = forms.IntegerField(widget=forms.HiddenInput)
    caption = forms.CharField(label=_("图片说明"), max_length=200)


class CaptionForm(forms.Form):
    caption = forms.CharField(label=_("图片说明"), max_length=200)

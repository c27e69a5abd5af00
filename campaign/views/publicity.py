"""Publicity: stories in scope (write, submit, review, publish) and the public pages of published stories.

"大力宣传各行各业先进基层党组织和优秀共产党员的典型事迹，大力宣传各行各业开展创先争优活动的经验做法和实际效果。"
(seed, part 五)
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from common.errors import RefusalMixin, refused_page, status_of
from common.views import ChoiceFilterMixin, ServiceFormView
from orgs import queries
from orgs.pagination import CappedPaginator, query_without_page
from orgs.views.mixins import OrgRecordMixin, RoleRequiredMixin

from ..forms.activities import RejectForm, StoryForm
from ..models import Story, StoryKind, StoryStatus
from ..queries import activities as q
from ..services import publicity as services
from .attachments import public_image_response

PER_PAGE = 30
PUBLIC_PER_PAGE = 20
ACTIONS = {
    "submit": services.submit_story,
    "approve": services.approve_story,
    "reject": services.reject_story,
    "publish": services.publish_story,
}
DONE_MESSAGES = {
    "submit": gettext_lazy("已提交审核"),
    "approve": gettext_lazy("已审核通过"),
    "reject": gettext_lazy("已退回"),
    "publish": gettext_lazy("已发布，公众页面可以看到这篇稿件"),
}


REASON = {"reason": gettext_lazy("退回原因")}


class StoryListView(RoleRequiredMixin, ListView):
    allowed_roles = q.READ_ROLES
    template_name = "campaign/story_list.html"
    paginate_by = PER_PAGE
    paginator_class = CappedPaginator

    def get_queryset(self):
        user = self.request.user
        get = self.request.GET
        qs = q.story_list(user)
        self.status = get.get("status", "") if get.get("status") in StoryStatus.values else ""
        self.kind = get.get("kind", "") if get.get("kind") in StoryKind.values else ""
        self.pending = get.get("pending") == "1"
        if self.status:
            qs = qs.filter(status=self.status)
        if self.kind:
            qs = qs.filter(kind=self.kind)
        if self.pending:
            qs = qs.filter(q.review_scope_q(user, prefix="org__"), status=StoryStatus.SUBMITTED)
        return qs

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            query=query_without_page(self.request),
            statuses=StoryStatus.choices,
            kinds=StoryKind.choices,
            status=self.status,
            kind=self.kind,
            pending=self.pending,
            can_write=queries.has_role(user, q.WRITE_ROLES),
            can_review=queries.has_role(user, q.REVIEW_ROLES),
            **kwargs,
        )


class StoryCreateView(RoleRequiredMixin, ServiceFormView):
    allowed_roles = q.WRITE_ROLES
    template_name = "campaign/story_form.html"

    def get_form(self, form_class=None):
        return StoryForm(**self.get_form_kwargs(), user=self.request.user)

    def get_initial(self):
        code = self.request.GET.get("org")
        if not code:
            own = [a.org for a in queries.assignments(self.request.user) if a.role in q.WRITE_ROLES]
            code = own[0].code if len(own) == 1 else ""
        return {"org": code}

    def get_cancel_url(self):
        return reverse("campaign:story_list")

    def perform(self, data):
        fields = {name: data[name] for name in ("kind", "title", "body", "cover")}
        return services.create_story(data["org"], by=self.request.user, **fields)

    def get_success_message(self, story):
        return _("已保存草稿“%(title)s”") % {"title": story.title}

    def get_success_url(self, story):
        return reverse("campaign:story_detail", args=[story.pk])


class StoryScopedMixin(OrgRecordMixin):
    allowed_roles = q.READ_ROLES
    fetch = staticmethod(q.get_story_or_404)


def story_context(user, story: Story, **extra) -> dict:
    writer = q.can_write_story(user, story.org)
    reviewer = q.can_review_story(user, story)
    return {
        "story": story,
        "can_edit": writer and story.editable,
        "can_submit": writer and story.status in services.TRANSITIONS["submit"][0],
        "can_review": reviewer and story.status == StoryStatus.SUBMITTED,
        "can_reject": reviewer and story.status in services.TRANSITIONS["reject"][0],
        "can_publish": reviewer and story.status == StoryStatus.APPROVED,
        "reject_form": extra.pop("reject_form", None) or RejectForm(),
        **extra,
    }


class StoryDetailView(StoryScopedMixin, TemplateView):
    template_name = "campaign/story_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**story_context(self.request.user, self.object), **kwargs)


class StoryEditView(StoryScopedMixin, ServiceFormView):
    allowed_roles = q.WRITE_ROLES
    template_name = "campaign/story_form.html"
    success_message = gettext_lazy("已保存修改")

    def check_role(self, story):
        if not q.can_write_story(self.request.user, story.org):
            raise PermissionDenied

    def get(self, request, *args, **kwargs):
        if not self.object.editable:
            messages.error(request, _("稿件已提交审核或已发布，不能再修改"))
            return redirect("campaign:story_detail", pk=self.object.pk)
        return super().get(request, *args, **kwargs)

    def get_form(self, form_class=None):
        return StoryForm(**self.get_form_kwargs(), user=self.request.user, story=self.object)

    def get_initial(self):
        story = self.object
        return {"kind": story.kind, "title": story.title, "body": story.body}

    def get_context_data(self, **kwargs):
        return super().get_context_data(story=self.object, **kwargs)

    def refused(self, error):
        if getattr(error, "code", None) == "state":  # the story moved on meanwhile: its page says where it is
            back = reverse("campaign:story_detail", args=[self.object.pk])
            return refused_page(self.request, error, back, model=self.get_refusal_model())
        return super().refused(error)

    def get_cancel_url(self):
        return reverse("campaign:story_detail", args=[self.object.pk])

    def perform(self, data):
        fields = {name: data[name] for name in ("kind", "title", "body", "cover")}
        return services.update_story(
            self.object, by=self.request.user, remove_cover=data.get("remove_cover", False), **fields
        )

    def get_success_url(self, story):
        return reverse("campaign:story_detail", args=[self.object.pk])


class StoryActionView(RefusalMixin, StoryScopedMixin, View):
    """POST submit / approve / reject / publish; who may do which is decided by the service's rules."""

    reject_form = None
    refusal_labels = REASON

    def refused(self, error):
        story = self.object
        story.refresh_from_db()
        context = story_context(
            self.request.user, story, action_error=self.refusal_message(error), reject_form=self.reject_form
        )
        return render(self.request, "campaign/story_detail.html", context, status=status_of(error))

    def check_role(self, story):
        action = self.kwargs["action"]
        if action not in ACTIONS:
            raise Http404
        allowed = (
            q.can_write_story(self.request.user, story.org)
            if action == "submit"
            else q.can_review_story(self.request.user, story)
        )
        if not allowed:
            raise PermissionDenied

    def get(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["POST"])

    def post(self, request, *args, **kwargs):
        story = self.object
        action = self.kwargs["action"]
        if action == "reject":
            reject_form = self.reject_form = RejectForm(request.POST)
            if not reject_form.is_valid():
                raise ValidationError({"reason": reject_form.errors["reason"]})
            ACTIONS[action](story, by=request.user, reason=reject_form.cleaned_data["reason"])
        else:
            ACTIONS[action](story, by=request.user)
        messages.success(request, DONE_MESSAGES[action])
        return redirect("campaign:story_detail", pk=story.pk)


# ----- public pages (no login) -----


class PublicStoryListView(ChoiceFilterMixin, ListView):
    template_name = "campaign/public_story_list.html"
    paginate_by = PUBLIC_PER_PAGE
    paginator_class = CappedPaginator
    choice_param = "kind"
    choice_options = StoryKind.choices
    options_name = "kinds"
    choice_in_query = True

    def get_queryset(self):
        return self.filter_by_choice(q.published_stories())


class PublicStoryDetailView(DetailView):
    template_name = "campaign/public_story_detail.html"
    context_object_name = "story"

    def get_object(self, queryset=None):
        return get_object_or_404(q.published_stories(), pk=self.kwargs["pk"])


class PublicStoryCoverView(View):
    """The cover image of a published story; nothing else is served without login."""

    def get(self, request, pk):
        story = get_object_or_404(q.published_stories(), pk=pk)
        cover = story.cover
        if cover is None or not cover.is_image:
            raise Http404
        return public_image_response(cover)

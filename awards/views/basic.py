"""A basic organization's own commendation: list, write, awardees, 公示, announce, annul, the public page.

"基层党组织也要采取适当方式对优秀共产党员进行表彰奖励。" (seed, part 四.(二))
Permission order (orgs.views.mixins): anonymous → login; outside scope → 404; wrong role → 403.
The public notice page needs no login and shows names and posts only.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView

from common.errors import DomainError
from common.views import ChoiceFilterMixin, ServiceActionView, ServiceFormView
from orgs import queries
from orgs.views.mixins import OrgRecordMixin, RoleRequiredMixin, ScopedObjectMixin

from ..forms.basic import AwardForm, CommendationForm, ReasonForm
from ..models import BasicCommendation
from ..queries import basic as q
from ..services import basic as services
from .nominations import FIELD_LABELS

PER_PAGE = 30
Status = BasicCommendation.Status


class BasicListView(ChoiceFilterMixin, RoleRequiredMixin, ListView):
    """The commendations of basic organizations in the user's scope, by status."""

    allowed_roles = q.READ_ROLES
    template_name = "awards/basic_list.html"
    context_object_name = "commendations"
    paginate_by = PER_PAGE
    choice_options = Status.choices
    choice_in_query = True

    def get_queryset(self):
        return q.commendation_list(self.request.user, status=self.get_choice())

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_create=queries.has_role(self.request.user, q.WRITE_ROLES), **kwargs)


class BasicCreateView(RoleRequiredMixin, ServiceFormView):
    allowed_roles = q.WRITE_ROLES
    template_name = "awards/basic_form.html"

    def get_form(self, form_class=None):
        return CommendationForm(**self.get_form_kwargs(), orgs=q.writable_orgs(self.request.user))

    def get_initial(self):
        today = services.local_today()
        title = _("%(year)s年度优秀共产党员表彰") % {"year": today.year}
        return {
            "org": q.writable_orgs(self.request.user).first(),
            "title": title,
            "year": today.year,
            "date": today,
            "method": _("党员大会评选"),
            "publicity_working_days": 5,
        }

    def get_cancel_url(self):
        return reverse("awards:basic_list")

    def perform(self, data):
        data = dict(data)
        org = data.pop("org")
        try:
            return services.create_commendation(org, by=self.request.user, **data)
        except PermissionDenied:
            raise DomainError(_("只能为您担任书记的基层党组织开展表彰"), field="org") from None

    def get_success_message(self, commendation):
        return _("已创建“%(title)s”，请添加表彰对象") % {"title": commendation.title}

    def get_success_url(self, commendation=None):
        return reverse("awards:basic_detail", args=[commendation.pk])


class CommendationMixin(OrgRecordMixin):
    """One commendation: 404 outside the scope, 403 unless an allowed role covers its organization."""

    allowed_roles = q.READ_ROLES
    fetch = staticmethod(q.get_commendation_or_404)

    def detail_url(self) -> str:
        return reverse("awards:basic_detail", args=[self.object.pk])

    def to_detail(self):
        return redirect(self.detail_url())

    def get_refusal_url(self):
        return self.detail_url()


class BasicDetailView(CommendationMixin, TemplateView):
    template_name = "awards/basic_detail.html"

    def get_context_data(self, **kwargs):
        c = self.object
        user = self.request.user
        can_write = services.can_write(user, c.org)
        can_annul = queries.covers(user, c.org, q.ANNUL_ROLES)
        awards = list(q.awards_of(c))
        for award in awards:
            award.commendation = c
            award.can_annul = can_annul and services.can_annul_award(user, award)
        announce_error = services.announce_error(c) if can_write else ""
        return super().get_context_data(
            commendation=c,
            awards=awards,
            can_edit=can_write and c.status == Status.DRAFT,
            can_open_publicity=can_write and c.publicity and c.status == Status.DRAFT,
            can_announce=can_write and c.status in (Status.DRAFT, Status.PUBLICITY),
            announce_error=announce_error,
            can_annul=can_annul and services.can_annul(user, c),
            publicity_end=services.publicity_end(c),
            publicity_open=services.publicity_open(c),
            **kwargs,
        )


class BasicEditView(CommendationMixin, ServiceFormView):
    allowed_roles = q.WRITE_ROLES
    template_name = "awards/basic_form.html"

    def get(self, request, *args, **kwargs):
        if self.object.status != Status.DRAFT:
            messages.error(request, _("已公示或公布的表彰不能再修改"))
            return self.to_detail()
        return super().get(request, *args, **kwargs)

    def get_form(self, form_class=None):
        return CommendationForm(**self.get_form_kwargs(), instance=self.object)

    def get_context_data(self, **kwargs):
        return super().get_context_data(commendation=self.object, **kwargs)

    def get_cancel_url(self):
        return self.detail_url()

    def perform(self, data):
        fields = {name: data[name] for name in self.form.changed_data if name in services.EDITABLE_FIELDS}
        if fields:
            services.update_commendation(self.object, by=self.request.user, fields=fields)

    def get_success_url(self, result=None):
        return self.detail_url()


class AwardAddView(CommendationMixin, ServiceFormView):
    """Add one of the organization's own members to a draft."""

    allowed_roles = q.WRITE_ROLES
    template_name = "awards/basic_award_form.html"

    def get(self, request, *args, **kwargs):
        if self.object.status != Status.DRAFT:
            messages.error(request, _("已公示或公布的表彰不能再添加表彰对象"))
            return self.to_detail()
        return super().get(request, *args, **kwargs)

    def get_form(self, form_class=None):
        return AwardForm(**self.get_form_kwargs(), members=q.own_members(self.object.org))

    def get_context_data(self, **kwargs):
        return super().get_context_data(commendation=self.object, **kwargs)

    def get_cancel_url(self):
        return self.detail_url()

    def perform(self, data):
        return services.add_award(
            self.object, data["member"], by=self.request.user, honour=data["honour"], citation=data["citation"]
        )

    def get_success_message(self, award):
        return _("已添加%(name)s") % {"name": award.member_name}

    def get_success_url(self, award=None):
        if "again" in self.request.POST:
            return reverse("awards:basic_award_add", args=[self.object.pk])
        return self.detail_url()


class AwardRemoveView(ScopedObjectMixin, ServiceActionView):
    allowed_roles = q.WRITE_ROLES
    refusal_labels = FIELD_LABELS
    fetch = staticmethod(q.get_award_or_404)

    def check_role(self, award):
        if not queries.covers(self.request.user, award.commendation.org, self.allowed_roles):
            raise PermissionDenied

    def perform(self):
        services.remove_award(self.object, by=self.request.user)

    def get_success_message(self, result):
        return _("已将%(name)s移出名单") % {"name": self.object.member_name}

    def get_success_url(self):
        return reverse("awards:basic_detail", args=[self.object.commendation_id])


class PublicityStartView(CommendationMixin, ServiceActionView):
    allowed_roles = q.WRITE_ROLES
    refusal_labels = FIELD_LABELS

    def perform(self):
        return services.open_publicity(self.object, by=self.request.user)

    def get_success_message(self, c):
        return _("公示已开始，至%(end)s结束；公示期满后可公布表彰结果") % {"end": services.publicity_end(c).isoformat()}

    def get_success_url(self):
        return self.detail_url()


class AnnounceView(CommendationMixin, ServiceActionView):
    allowed_roles = q.WRITE_ROLES
    refusal_labels = FIELD_LABELS

    def perform(self):
        return services.announce(self.object, by=self.request.user)

    def get_success_message(self, c):
        return _("已公布“%(title)s”，表彰结果已记入党员档案") % {"title": c.title}

    def get_success_url(self):
        return self.detail_url()


class AnnulView(CommendationMixin, ServiceFormView):
    """The 组织部 above annuls the whole round, with a reason."""

    allowed_roles = q.ANNUL_ROLES
    template_name = "awards/basic_annul.html"
    form_class = ReasonForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(commendation=self.object, award=None, **kwargs)

    def get_cancel_url(self):
        return self.detail_url()

    def perform(self, data):
        return services.annul_commendation(self.object, by=self.request.user, reason=data["reason"])

    def get_success_message(self, result):
        return _("已撤销“%(title)s”") % {"title": self.object.title}

    def get_success_url(self, result=None):
        return self.detail_url()


class AwardAnnulView(ScopedObjectMixin, ServiceFormView):
    """The 组织部 above annuls one member's honour, with a reason."""

    allowed_roles = q.ANNUL_ROLES
    template_name = "awards/basic_annul.html"
    form_class = ReasonForm
    fetch = staticmethod(q.get_award_or_404)

    def check_role(self, award):
        if not queries.covers(self.request.user, award.commendation.org, self.allowed_roles):
            raise PermissionDenied

    def get_context_data(self, **kwargs):
        return super().get_context_data(commendation=self.object.commendation, award=self.object, **kwargs)

    def get_cancel_url(self):
        return reverse("awards:basic_detail", args=[self.object.commendation_id])

    def perform(self, data):
        return services.annul_award(self.object, by=self.request.user, reason=data["reason"])

    def get_success_message(self, result):
        award = self.object
        return _("已撤销%(name)s的“%(honour)s”称号") % {"name": award.member_name, "honour": award.honour}

    def get_success_url(self, result=None):
        return self.get_cancel_url()


class PublicNoticeView(TemplateView):
    """The 公示 page (no login): organization, title, period, and each name with post and honour."""

    template_name = "awards/basic_public.html"

    def get_context_data(self, **kwargs):
        c = q.public_commendation(self.kwargs["pk"])
        is_open = services.publicity_open(c)
        return super().get_context_data(
            commendation=c,
            is_open=is_open,
            publicity_end=services.publicity_end(c),
            awards=list(q.public_awards(c)) if is_open else [],
            **kwargs,
        )

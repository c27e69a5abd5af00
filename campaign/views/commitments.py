"""Public commitments (公开承诺): list in scope, write, publish, fulfilment records with evidence."""

from collections import defaultdict

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView, TemplateView

from common.errors import status_of
from common.views import ServiceActionView, ServiceFormView
from orgs import queries
from orgs.enums import Role
from orgs.views.mixins import PagedMixin, RoleRequiredMixin, ScopedObjectMixin

from ..forms.plans import CommitmentEditForm, CommitmentFilterForm, CommitmentForm, FulfilmentForm
from ..models import Attachment, Commitment, FulfilmentRecord
from ..queries import plans as q
from ..services import commitments as services
from ..services.timeline import current_campaign
from .plans import selected_campaign


class CommitmentListView(PagedMixin, RoleRequiredMixin, ListView):
    template_name = "campaign/commitment_list.html"

    def get_queryset(self):
        self.campaign = selected_campaign(self.request)
        self.filter_form = CommitmentFilterForm(self.request.GET or None)
        qs = q.commitments_for(self.request.user, self.campaign).select_related("org", "member")
        if self.filter_form.is_valid():
            data = self.filter_form.cleaned_data
            if data["kind"] == "org":
                qs = qs.filter(member__isnull=True)
            elif data["kind"] == "member":
                qs = qs.filter(member__isnull=False)
            if data["status"]:
                qs = qs.filter(status=data["status"])
            if data["fulfilment"]:
                qs = qs.filter(fulfilment=data["fulfilment"])
            if data["q"]:
                term = data["q"].strip()
                qs = qs.filter(Q(org__name__contains=term) | Q(org__code__startswith=term) | Q(member__name=term))
        return qs.order_by("-updated_at", "-id")

    def get_context_data(self, **kwargs):
        user = self.request.user
        secretary_orgs = sorted(
            {a.org.pk: a.org for a in queries.assignments(user) if a.role == Role.SECRETARY}.values(),
            key=lambda o: o.path,
        )
        return super().get_context_data(
            campaign=self.campaign,
            filter_form=self.filter_form,
            secretary_orgs=secretary_orgs,
            own_member=queries.own_member(user),
            **kwargs,
        )


class CommitmentCreateView(RoleRequiredMixin, ServiceFormView):
    """``?org=<code>``: a secretary writes for the organization or one of its members; else a member's own."""

    allowed_roles = frozenset({Role.SECRETARY, Role.MEMBER})
    template_name = "campaign/commitment_form.html"
    form_class = CommitmentForm
    success_message = gettext_lazy("承诺已保存为草稿，公开后群众即可看到")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        user = request.user
        self.org = self.member = None
        code = request.GET.get("org")
        if code:
            self.org = queries.get_org_or_404(user, code)
            if not q.is_writer(user, self.org):
                raise PermissionDenied
        else:
            self.member = queries.own_member(user)
            if self.member is None:
                raise PermissionDenied
        self.campaign = current_campaign()
        if self.campaign is None:
            raise Http404("no campaign")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        members = q.members_of(self.request.user, self.org) if self.org else None
        return {**super().get_form_kwargs(), "members": members}

    def get_context_data(self, **kwargs):
        return super().get_context_data(org=self.org, member=self.member, campaign=self.campaign, **kwargs)

    def get_cancel_url(self):
        return reverse("campaign:commitment_list")

    def perform(self, data):
        member = data.get("member") or self.member
        return services.create_commitment(
            self.campaign, by=self.request.user, content=data["content"], org=self.org, member=member
        )

    def get_success_url(self, commitment):
        return reverse("campaign:commitment_detail", args=[commitment.pk])


class CommitmentScopedMixin(ScopedObjectMixin):
    fetch = staticmethod(q.get_commitment_or_404)

    def check_role(self, commitment):
        if not q.can_read_commitment(self.request.user, commitment):
            raise PermissionDenied


class CommitmentWriterMixin(CommitmentScopedMixin):
    def check_role(self, commitment):
        if not q.can_write_commitment(self.request.user, commitment):
            raise PermissionDenied


def commitment_context(request, commitment: Commitment, **extra) -> dict:
    records = list(commitment.records.select_related("recorded_by"))
    files = defaultdict(list)
    if records:
        owner_type = ContentType.objects.get_for_model(FulfilmentRecord)
        for a in Attachment.objects.filter(owner_type=owner_type, owner_id__in=[r.pk for r in records]).order_by("pk"):
            files[a.owner_id].append(a)
    can_write = q.can_write_commitment(request.user, commitment)
    context = {
        "commitment": commitment,
        "records": [(r, files[r.pk]) for r in records],
        "can_write": can_write,
        "can_edit": can_write and commitment.status == Commitment.Status.DRAFT and commitment.plan_id is None,
        "can_publish": can_write and commitment.status == Commitment.Status.DRAFT,
        "can_record": can_write and commitment.status == Commitment.Status.PUBLISHED,
        "fulfilment_form": FulfilmentForm(initial={"fulfilment": commitment.fulfilment}),
    }
    context.update(extra)
    return context


class CommitmentDetailView(CommitmentScopedMixin, TemplateView):
    template_name = "campaign/commitment_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**commitment_context(self.request, self.object), **kwargs)


class CommitmentEditView(CommitmentWriterMixin, ServiceFormView):
    template_name = "campaign/commitment_form.html"
    form_class = CommitmentEditForm
    success_message = gettext_lazy("承诺已保存")

    def get(self, request, *args, **kwargs):
        if self.object.status != Commitment.Status.DRAFT:
            messages.info(request, _("承诺已向群众公开，内容不能再修改"))
            return redirect("campaign:commitment_detail", pk=self.object.pk)
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        return {"content": self.object.content}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            commitment=self.object, org=self.object.org, member=self.object.member, **kwargs
        )

    def get_cancel_url(self):
        return reverse("campaign:commitment_detail", args=[self.object.pk])

    def perform(self, data):
        return services.update_commitment(self.object, by=self.request.user, content=data["content"])

    def get_success_url(self, commitment):
        return reverse("campaign:commitment_detail", args=[self.object.pk])


class CommitmentPublishView(CommitmentWriterMixin, ServiceActionView):
    """A refusal shows the commitment's page again with the reason (400; 409 for a stale one)."""

    success_message = gettext_lazy("承诺已向群众公开")

    def refused(self, error):
        context = commitment_context(self.request, self.object, action_error=self.refusal_message(error))
        return render(self.request, "campaign/commitment_detail.html", context, status=status_of(error, 400))

    def perform(self):
        services.publish_commitment(self.object, by=self.request.user)

    def get_success_url(self):
        return reverse("campaign:commitment_detail", args=[self.object.pk])


class FulfilmentCreateView(CommitmentWriterMixin, ServiceFormView):
    """POST a 兑现 record with evidence (GET: 405); errors show the commitment again with the form (400)."""

    http_method_names = ["post"]
    form_class = FulfilmentForm
    refusal_status = 400
    success_message = gettext_lazy("兑现情况已记录")

    def perform(self, data):
        fields = {name: data[name] for name in ("date", "description", "fulfilment", "files")}
        return services.record_fulfilment(self.object, by=self.request.user, **fields)

    def get_success_url(self, record):
        return reverse("campaign:commitment_detail", args=[self.object.pk])

    def form_invalid(self, form):
        context = commitment_context(self.request, self.object, fulfilment_form=form, fulfilment_open=True)
        return render(self.request, "campaign/commitment_detail.html", context, status=400)

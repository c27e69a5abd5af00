"""The commendation decision: its text, the request to generate the files, the progress bar and the
permission-checked downloads (decision PDF, certificates PDF, list xlsx).

Permission order (orgs.views.mixins): anonymous → login; a round outside the user's reach → 404;
a wrong role → 403. The web request never renders a PDF: "生成文件" queues a Celery task.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView, TemplateView

from common import jobs as background
from common.errors import RefusalMixin
from common.views import ServiceFormView, stored_file_response
from orgs.queries import has_role
from orgs.views.mixins import OrgPageMixin, RoleRequiredMixin, ScopedObjectMixin

from ..forms.documents import DecisionForm, IssuerPrefixForm
from ..models import Decision
from ..queries import documents as q
from ..services import documents as services
from ..services.nominations import final_list

PER_PAGE = 30


class DocumentRoundListView(RoleRequiredMixin, ListView):
    """表彰文件: the rounds the user reaches, with their decision's state."""

    allowed_roles = q.DECISION_READ_ROLES
    template_name = "awards/document_list.html"
    context_object_name = "rounds"
    paginate_by = PER_PAGE

    def get_queryset(self):
        return q.document_rounds(self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_designate=has_role(self.request.user, q.EXEMPLAR_ROLES), **kwargs)


class RoundDecisionMixin(ScopedObjectMixin):
    """The round by its code (404 outside the user's reach); readers of decisions only (403)."""

    fetch = staticmethod(q.get_round_or_404)
    lookup_kwarg = "code"

    def check_role(self, award_round):
        if not q.can_read_decision(self.request.user, award_round):
            raise PermissionDenied

    def get_decision(self) -> Decision | None:
        if not hasattr(self, "_decision"):
            self._decision = q.decision_of(self.object)
        return self._decision

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            award_round=self.object,
            decision=self.get_decision(),
            can_manage=q.can_manage_decision(self.request.user, self.object),
            **kwargs,
        )


class ManageDecisionMixin(RoundDecisionMixin):
    def check_role(self, award_round):
        if not q.can_manage_decision(self.request.user, award_round):
            raise PermissionDenied


class DecisionDetailView(RoundDecisionMixin, TemplateView):
    template_name = "awards/decision_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(list_count=final_list(self.object).count(), **kwargs)


class DecisionEditView(ManageDecisionMixin, ServiceFormView):
    template_name = "awards/decision_form.html"
    form_class = DecisionForm
    success_message = gettext_lazy("表彰决定已保存，请生成文件")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        decision = self.get_decision()
        kwargs["instance"] = decision if decision is not None else Decision(award_round=self.object)
        kwargs["doc_prefix"] = services.issuer_prefix(self.object.owner_org)
        kwargs["issuer"] = services.issuing_body_for(self.object.owner_org)
        return kwargs

    def get_context_data(self, **kwargs):
        owner = self.object.owner_org
        return super().get_context_data(
            issuer_prefix=services.issuer_prefix(owner),
            issuer_org=owner,
            can_set_prefix=services.can_set_prefix(self.request.user, owner),
            next_number=services.next_doc_number(self.object),
            **kwargs,
        )

    def get_initial(self):
        return services.initial_values(self.object) if self.get_decision() is None else {}

    def get_cancel_url(self):
        return reverse("awards:decision", args=[self.object.code])

    def perform(self, data):
        return services.save_decision(self.object, by=self.request.user, **data)

    def get_success_url(self, decision=None):
        return self.get_cancel_url()


class DecisionGenerateView(RefusalMixin, ManageDecisionMixin, View):
    """POST: queue the task; htmx gets the progress block back, a plain form a redirect."""

    def get_refusal_url(self):
        return reverse("awards:decision", args=[self.kwargs["code"]])

    def get(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["POST"])

    def post(self, request, code):
        decision = self.get_decision()
        if decision is None:
            raise Http404("no decision yet")
        with background.watch() as watch:
            services.request_generation(decision, by=request.user)
        if watch.deferred:
            messages.warning(request, background.DEFERRED_MESSAGE)
        else:
            messages.success(request, _("已开始生成文件，完成后可在本页下载"))
        return redirect("awards:decision", code=code)


class DecisionStatusView(RoundDecisionMixin, TemplateView):
    """The progress block, polled by htmx every second while the task runs."""

    template_name = "awards/decision_status.html"

    def get(self, request, *args, **kwargs):
        if self.get_decision() is None:
            raise Http404("no decision yet")
        return super().get(request, *args, **kwargs)


class DecisionFileView(RoundDecisionMixin, View):
    """One generated file, to readers of the decision, only once the files are ready."""

    field_name = ""
    content_type = ""
    filename = ""

    def get(self, request, code):
        decision = self.get_decision()
        if decision is None or not decision.ready:
            raise Http404("no generated file")
        stored = getattr(decision, self.field_name)
        if not stored:
            raise Http404("no generated file")
        return stored_file_response(
            stored,
            headers={"Cache-Control": "no-store, private"},
            content_type=self.content_type,
            as_attachment=True,
            filename=str(self.filename) % {"number": decision.doc_number},
        )


class DecisionPdfView(DecisionFileView):
    field_name = "decision_file"
    content_type = "application/pdf"
    filename = gettext_lazy("%(number)s 表彰决定.pdf")


class CertificatesPdfView(DecisionFileView):
    field_name = "certificates_file"
    content_type = "application/pdf"
    filename = gettext_lazy("%(number)s 荣誉证书.pdf")


class ListXlsxView(DecisionFileView):
    field_name = "list_file"
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    filename = gettext_lazy("%(number)s 表彰名单.xlsx")


class IssuerPrefixView(OrgPageMixin, RoleRequiredMixin, ServiceFormView):
    """机关代字 of one issuing committee: the 组织部 covering it changes it (outside the scope 404, other roles 403)."""

    allowed_roles = q.DECISION_MANAGE_ROLES
    template_name = "awards/issuer_prefix_form.html"
    form_class = IssuerPrefixForm
    org_kwarg = "org"

    def may_use_org(self, org):
        return services.can_set_prefix(self.request.user, org)

    def get_initial(self):
        return {"prefix": services.issuer_prefix(self.org)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            org=self.org,
            issuer=services.issuing_body_for(self.org),
            default=services.default_prefix(self.org),
            back=self.back_url(),
            **kwargs,
        )

    def back_url(self) -> str:
        target = self.request.GET.get("next") or self.request.POST.get("next") or ""
        return target if target.startswith("/awards/") and "//" not in target else ""

    def get_cancel_url(self):
        return self.back_url() or reverse("awards:document_list")

    def perform(self, data):
        return services.set_issuer_prefix(self.org, by=self.request.user, prefix=data["prefix"])

    def get_success_message(self, row):
        return _("已将%(issuer)s的机关代字设为“%(prefix)s”") % {
            "issuer": services.issuing_body_for(self.org),
            "prefix": row.prefix,
        }

    def get_success_url(self, row=None):
        return self.get_cancel_url()

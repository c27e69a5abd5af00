"""Information bulletins (信息简报) and exhibitions of achievements (成果展示), in the portal and in public.

Order of checks on every page: anonymous → login; outside the scope → 404; wrong role → 403.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView, TemplateView

from common.errors import RefusalMixin
from common.views import RecordPageFormView, ServiceActionView, ServiceFormView
from orgs import queries
from orgs.views.mixins import OrgPageMixin, PagedMixin, RoleRequiredMixin, ScopedObjectMixin

from ..forms import bulletins as forms
from ..models import ExhibitionItem
from ..queries import bulletins as bq
from ..services import bulletins as services
from .attachments import public_image_response

PHOTOS_PER_PAGE = 24


# --- bulletins ------------------------------------------------------------------------------------


class BulletinListView(PagedMixin, RoleRequiredMixin, ListView):
    template_name = "campaign/bulletins_list.html"

    def get_queryset(self):
        return bq.bulletin_list(self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(offices=bq.issuing_nodes(self.request.user), **kwargs)


class BulletinCreateView(RoleRequiredMixin, ServiceFormView):
    """A new draft for the office of ``?org=<code>`` (or the user's only office)."""

    allowed_roles = bq.ISSUE_ROLES
    template_name = "campaign/bulletins_form.html"
    success_message = gettext_lazy("已保存简报草稿")

    def resolve_issuer(self):
        code = (self.request.GET.get("org") or "").strip()
        offices = bq.issuing_nodes(self.request.user)
        if code:
            org = queries.get_org_or_404(self.request.user, code)
            if org not in offices:
                raise PermissionDenied
            return org, offices
        return (offices[0] if len(offices) == 1 else None), offices

    def get(self, request, *args, **kwargs):
        self.issuer, self.offices = self.resolve_issuer()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.issuer, self.offices = self.resolve_issuer()
        if self.issuer is None:
            return self.render_to_response(self.get_context_data(form=None))
        return super().post(request, *args, **kwargs)

    def get_form(self, form_class=None):
        if self.issuer is None:
            return None
        form = forms.BulletinForm(**self.get_form_kwargs(), issuer=self.issuer)
        if not form.is_bound:
            form.initial.setdefault("editor", services.default_editor(self.issuer))
        return form

    def get_context_data(self, **kwargs):
        return super().get_context_data(issuer=self.issuer, offices=self.offices, **kwargs)

    def get_cancel_url(self):
        return reverse("campaign:bulletin_list")

    def perform(self, data):
        fields = {name: data[name] for name in ("stories", "recipients", "masthead", "editor", "report_to")}
        return services.create_bulletin(self.issuer, by=self.request.user, **fields)

    def get_success_url(self, bulletin):
        return reverse("campaign:bulletin_detail", args=[bulletin.pk])


class BulletinScopedMixin(ScopedObjectMixin):
    fetch = staticmethod(bq.get_bulletin_or_404)

    def detail_url(self) -> str:
        return reverse("campaign:bulletin_detail", args=[self.object.pk])

    def get_refusal_url(self):
        return self.detail_url()

    def check_role(self, bulletin):
        """Everyone who finds it in scope may read it (bq.bulletins_for decides)."""


class BulletinEditMixin(BulletinScopedMixin):
    def check_role(self, bulletin):
        if not bq.can_edit_bulletin(self.request.user, bulletin):
            raise PermissionDenied


class BulletinDetailView(BulletinScopedMixin, TemplateView):
    template_name = "campaign/bulletins_detail.html"

    def get_context_data(self, **kwargs):
        bulletin = self.object
        can_edit = bq.can_edit_bulletin(self.request.user, bulletin)
        if can_edit:
            kwargs.setdefault("issue_form", forms.IssueForm())
        return super().get_context_data(
            bulletin=bulletin,
            items=list(bq.bulletin_items(bulletin)),
            recipients=list(bq.bulletin_recipients(bulletin)),
            can_edit=can_edit,
            **kwargs,
        )


class BulletinEditView(BulletinEditMixin, ServiceFormView):
    template_name = "campaign/bulletins_form.html"
    success_message = gettext_lazy("已保存修改")

    def get_form(self, form_class=None):
        return forms.BulletinForm(**self.get_form_kwargs(), instance=self.object, issuer=self.object.issuer_org)

    def get_context_data(self, **kwargs):
        return super().get_context_data(issuer=self.object.issuer_org, bulletin=self.object, **kwargs)

    def get_cancel_url(self):
        return self.detail_url()

    def perform(self, data):
        return services.update_bulletin(
            self.object,
            by=self.request.user,
            fields={name: data[name] for name in services.BULLETIN_FIELDS},
            stories=data["stories"],
            recipients=data["recipients"],
        )

    def get_success_url(self, bulletin):
        return reverse("campaign:bulletin_detail", args=[self.object.pk])


class BulletinIssueView(BulletinEditMixin, RecordPageFormView):
    """POST the issue date (GET: 405); an invalid or refused one re-renders the bulletin's page with the error at
    the field."""

    record_view = BulletinDetailView
    form_name = "issue_form"
    form_class = forms.IssueForm

    def perform(self, data):
        return services.issue_bulletin(self.object, by=self.request.user, issue_date=data["issue_date"])

    def get_success_message(self, bulletin):
        return _("已印发《%(title)s》") % {"title": bulletin.title}

    def get_success_url(self, bulletin):
        return reverse("campaign:bulletin_detail", args=[bulletin.pk])


class BulletinMoveView(BulletinEditMixin, ServiceActionView):
    """上移 / 下移 one story of the draft (no flash: the page shows the new order)."""

    def perform(self):
        found = get_object_or_404(self.object.items, pk=self.kwargs["item"])
        services.move_bulletin_item(found, by=self.request.user, up=self.request.POST.get("direction") == "up")

    def get_success_url(self):
        return self.detail_url()


class BulletinDeleteView(BulletinEditMixin, ServiceActionView):
    success_message = gettext_lazy("已删除简报草稿")

    def perform(self):
        services.delete_bulletin(self.object, by=self.request.user)

    def get_success_url(self):
        return reverse("campaign:bulletin_list")


class BulletinPdfView(BulletinScopedMixin, View):
    """The issued bulletin as PDF in the official layout (drafts: a preview for the office)."""

    def get(self, request, *args, **kwargs):
        from ..pdf_bulletins import render_bulletin

        bulletin = self.object
        if not bulletin.issued and not bq.can_edit_bulletin(request.user, bulletin):
            raise Http404
        data = render_bulletin(bulletin, list(bq.bulletin_items(bulletin)), list(bq.bulletin_recipients(bulletin)))
        response = HttpResponse(data, content_type="application/pdf")
        filename = _("%(title)s.pdf") % {"title": bulletin.title}
        response["Content-Disposition"] = content_disposition_header(False, filename)
        return response


# --- exhibitions ----------------------------------------------------------------------------------


class ExhibitionHomeView(RoleRequiredMixin, View):
    """成果展示: straight to the exhibition of the user's highest node."""

    def get(self, request, *args, **kwargs):
        tops = queries.top_orgs(request.user, bq.EXHIBIT_MANAGE_ROLES) or queries.top_orgs(request.user)
        return redirect("campaign:exhibition", code=tops[0].code)


class ExhibitionMixin(OrgPageMixin, RoleRequiredMixin):
    """The node by code: outside the scope 404; ``manage``: only the 组织部 covering it (else 403)."""

    manage = False

    def may_use_org(self, org):
        self.can_manage = bq.can_manage_exhibition(self.request.user, org)
        return self.can_manage or not self.manage

    def org_loaded(self):
        self.exhibition = bq.exhibition_of(self.org)

    def get_context_data(self, **kwargs):
        return super().get_context_data(org=self.org, exhibition=self.exhibition, can_manage=self.can_manage, **kwargs)


class ExhibitionView(ExhibitionMixin, TemplateView):
    template_name = "campaign/bulletins_exhibition.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(items=list(bq.exhibition_items(self.exhibition)), **kwargs)


class ExhibitionEditView(ExhibitionMixin, ServiceFormView):
    manage = True
    template_name = "campaign/bulletins_exhibition_edit.html"
    form_class = forms.ExhibitionForm
    success_message = gettext_lazy("已保存成果展示设置")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.exhibition}

    def get_cancel_url(self):
        return reverse("campaign:exhibition", args=[self.org.code])

    def perform(self, data):
        fields = {name: data[name] for name in ("title", "intro", "public")}
        return services.save_exhibition(self.org, by=self.request.user, **fields)

    def get_success_url(self, exhibition):
        return reverse("campaign:exhibition", args=[self.org.code])


class ExhibitionPhotosView(RefusalMixin, ExhibitionMixin, PagedMixin, ListView):
    """Pick photos: images of activity records and published stories' covers in the node's subtree."""

    manage = True
    template_name = "campaign/bulletins_exhibition_photos.html"
    paginate_by = PHOTOS_PER_PAGE

    def get_queryset(self):
        return bq.candidate_images(self.org)

    def get_context_data(self, **kwargs):
        chosen = set(self.exhibition.items.values_list("attachment_id", flat=True)) if self.exhibition else set()
        return super().get_context_data(chosen=chosen, **kwargs)

    def get_refusal_url(self):
        page = self.request.POST.get("page", "")
        return self.request.path + (f"?page={page}" if page.isdigit() else "")

    def post(self, request, *args, **kwargs):
        form = forms.AddPhotoForm(request.POST)
        if form.is_valid():
            # Only this node's candidate photos: a crafted id from elsewhere answers 404 (no existence oracle).
            attachment = bq.candidate_images(self.org).filter(pk=form.cleaned_data["attachment"]).first()
            if attachment is None:
                raise Http404
            services.add_exhibition_item(self.org, attachment, by=request.user, caption=form.cleaned_data["caption"])
            messages.success(request, _("已加入展览"))
        else:
            messages.error(request, _("请填写图片说明"))
        return redirect(self.get_refusal_url())


class ExhibitionItemView(ExhibitionMixin, ServiceActionView):
    """POST ``action``: caption (with ``caption``), up, down or remove (no flash: the page shows the change)."""

    manage = True
    refusal_labels = {"caption": gettext_lazy("图片说明")}

    def get_success_url(self):
        return reverse("campaign:exhibition", args=[self.org.code])

    def perform(self):
        if self.exhibition is None:
            raise Http404
        item = get_object_or_404(ExhibitionItem, pk=self.kwargs["pk"], exhibition=self.exhibition)
        action, user = self.request.POST.get("action"), self.request.user
        if action == "caption":
            form = forms.CaptionForm(self.request.POST)
            if not form.is_valid():
                raise ValidationError({"caption": _("请填写图片说明")})
            services.update_exhibition_item(item, by=user, caption=form.cleaned_data["caption"])
        elif action in ("up", "down"):
            services.move_exhibition_item(item, by=user, up=action == "up")
        elif action == "remove":
            services.remove_exhibition_item(item, by=user)
        else:
            raise Http404


# --- public ---------------------------------------------------------------------------------------


class PublicExhibitionView(TemplateView):
    """The exhibition of a node whose 组织部 marked it public (else 404). No login."""

    template_name = "campaign/bulletins_public_exhibition.html"

    def get_context_data(self, **kwargs):
        exhibition = bq.public_exhibition_or_404(self.kwargs["code"])
        return super().get_context_data(
            exhibition=exhibition, org=exhibition.org, items=list(bq.exhibition_items(exhibition)), **kwargs
        )


class PublicExhibitionPhotoView(View):
    """A photo, served only when it is in a public exhibition of that node."""

    def get(self, request, code, pk):
        item = bq.public_item_or_404(code, pk)
        return public_image_response(item.attachment)
